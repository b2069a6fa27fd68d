package io.hyperp.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.testing.RandomMatrices;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The MoE layer's backward pass against central differences in float64 (same tolerance argument
 * as {@link RouterGradientTest}: h = 1e-6, tolerance 1e-6 absolute on gradients of order 1).
 */
class MoeFeedForwardTest {

    private static final double H = 1e-6;
    private static final double TOL = 1e-6;

    private static MoeFeedForward layer(RouterConfig cfg) {
        MoeFeedForward l = MoeFeedForward.create("moe.0", cfg, 5, 4, 3, 2, 0.1, DataType.DOUBLE);
        long seed = 10;
        for (Map.Entry<String, INDArray> e : l.params().entrySet()) {
            e.getValue().assign(RandomMatrices.uniform(seed++, DataType.DOUBLE, e.getValue().shape()));
        }
        return l;
    }

    private static double loss(MoeFeedForward l, INDArray x, INDArray proj) {
        return l.forward(x, null).mul(proj).sumNumber().doubleValue() + l.auxLoss();
    }

    @ParameterizedTest(name = "topK {0}, shared {1}, sqrtGate {2}")
    @CsvSource({"1, false, true", "2, false, true", "2, false, false", "3, true, true", "2, true, false"})
    void everyGradient_matchesCentralDifferences(int topK, boolean shared, boolean sqrtGate) {
        MoeFeedForward l = layer(new RouterConfig("moe.0", 3, topK, shared, sqrtGate, 0.5));
        INDArray x = RandomMatrices.uniform(1, DataType.DOUBLE, 5, 4);
        INDArray proj = RandomMatrices.uniform(2, DataType.DOUBLE, 5, 4);
        loss(l, x, proj);
        INDArray gx = l.backward(proj);
        Map<String, INDArray> grads = Map.copyOf(l.grads().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().dup())));
        for (Map.Entry<String, INDArray> e : l.params().entrySet()) {
            checkAgainstFd(e.getKey(), e.getValue(), grads.get(e.getKey()), () -> loss(l, x, proj));
        }
        checkAgainstFd("x", x, gx, () -> loss(l, x, proj));
    }

    private static void checkAgainstFd(String what, INDArray p, INDArray analytic, java.util.function.DoubleSupplier f) {
        INDArray flat = p.reshape(p.length());
        INDArray g = analytic.reshape(analytic.length());
        for (int i = 0; i < flat.length(); i++) {
            double v = flat.getDouble(i);
            flat.putScalar(i, v + H);
            double up = f.getAsDouble();
            flat.putScalar(i, v - H);
            double down = f.getAsDouble();
            flat.putScalar(i, v);
            assertEquals((up - down) / (2 * H), g.getDouble(i), TOL, what + "[" + i + "]");
        }
    }

    @Test
    void specs_carryRouterExpertAndHiddenRoles() {
        MoeFeedForward l = layer(new RouterConfig("moe.0", 3, 3, true, true, 0.5));
        Map<String, ParamRole> roles = new java.util.HashMap<>();
        for (ParamSpec s : l.specs()) {
            roles.put(s.name(), s.role());
        }
        assertEquals(ParamRole.ROUTER, roles.get("moe.0.router"));
        assertEquals(ParamRole.EXPERT, roles.get("moe.0.w1"));
        assertEquals(ParamRole.EXPERT, roles.get("moe.0.w2"));
        assertEquals(ParamRole.HIDDEN, roles.get("moe.0.shared.w1"));
        assertEquals(3, l.specs().get(1).matrixCount());
    }

    @Test
    void wrongInputShape_throwsIaeNamingLayer() {
        MoeFeedForward l = layer(RouterConfig.of("moe.0", 3, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> l.forward(RandomMatrices.uniform(1, DataType.DOUBLE, 4, 5), null));
        assertTrue(e.getMessage().contains("moe.0") && e.getMessage().contains("[5, 4]"), e.getMessage());
    }
}
