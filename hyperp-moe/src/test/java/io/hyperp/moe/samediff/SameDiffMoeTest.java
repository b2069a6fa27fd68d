package io.hyperp.moe.samediff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.sphere.NormReduction;
import io.hyperp.core.testing.RandomMatrices;
import io.hyperp.core.testing.Tolerances;
import io.hyperp.moe.RouterConfig;
import io.hyperp.moe.balance.BalanceConfig;
import io.hyperp.moe.layer.LayerParam;
import io.hyperp.moe.layer.MoeFeedForward;
import io.hyperp.moe.layer.MoeLayerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class SameDiffMoeTest {

    private static final int T = 9;
    private static final int D = 4;

    private static MoeLayerConfig config(int topK, boolean shared, boolean sqrtGate) {
        return new MoeLayerConfig(
                D, 3, new RouterConfig(5, topK, shared, sqrtGate, 0.3), new BalanceConfig(0.1, 0.01, 0.05), 0.0);
    }

    /**
     * The SameDiff layer computes the explicit layer's function: same output, auxiliary loss and
     * gradients of {@code sum(R * y) + aux} for the same parameters. Float64; the two differ only in
     * summation order (dense over all experts versus dropless), so 1e-12 relative.
     */
    @ParameterizedTest(name = "topK {0}, shared {1}, sqrtGate {2}")
    @CsvSource({"2, false, true", "3, true, true", "3, true, false", "5, false, false"})
    void matchesTheExplicitLayer_outputAuxLossAndGradients(int topK, boolean shared, boolean sqrtGate) {
        MoeLayerConfig cfg = config(topK, shared, sqrtGate);
        MoeFeedForward layer = MoeFeedForward.create("moe", cfg, T, DataType.DOUBLE, NormReduction.local(), 3);
        INDArray x = RandomMatrices.uniform(4, DataType.DOUBLE, T, D).muli(2);
        INDArray proj = RandomMatrices.uniform(5, DataType.DOUBLE, T, D);
        INDArray y = layer.forward(x).dup();
        double aux = layer.auxLoss();
        double z = layer.lastStats().routerZ();
        double[] loads = layer.lastStats().loads();
        INDArray dx = layer.backward(proj).dup();

        SameDiff sd = SameDiff.create();
        SDVariable xv = sd.var("x", x.dup());
        SameDiffMoe.Output out = SameDiffMoe.feedForward(sd, "moe", xv, cfg, 99);
        List<String> names = new ArrayList<>();
        for (LayerParam p : layer.params()) {
            sd.getVariable(p.name()).getArr().assign(p.value());
            names.add(p.name());
        }
        assertEquals(layer.params().stream().map(LayerParam::spec).toList(), out.specs());
        SDVariable loss = out.output().mul(sd.constant("proj", proj)).sum().add(out.auxLoss());
        sd.setLossVariables(loss);
        Map<String, INDArray> res = sd.output(
                Map.of(),
                out.output().name(),
                out.auxLoss().name(),
                out.routerZ().name(),
                out.loads().name());
        Tolerances.assertClose(y, res.get(out.output().name()), 1e-12, "output");
        assertEquals(aux, res.get(out.auxLoss().name()).getDouble(0), 1e-12);
        assertEquals(z, res.get(out.routerZ().name()).getDouble(0), 1e-12);
        // Loads are counts of the same selection: equal exactly.
        assertArrayEquals(loads, res.get(out.loads().name()).toDoubleVector(), 0.0, "loads");
        names.add("x");
        Map<String, INDArray> grads = sd.calculateGradients(Map.of(), names);
        Tolerances.assertClose(dx, grads.get("x"), 1e-10, "dL/dx");
        for (LayerParam p : layer.params()) {
            Tolerances.assertClose(p.grad(), grads.get(p.name()), 1e-10, "dL/d" + p.name());
        }
    }

    @Test
    void float32GraphWithUnknownBatch_runs() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, D);
        SameDiffMoe.Output out = SameDiffMoe.feedForward(sd, "blocks.0.moe", x, config(2, false, true), 1);
        INDArray y = sd.output(
                        Map.of("x", RandomMatrices.uniform(1, DataType.FLOAT, 7, D)),
                        out.output().name())
                .get(out.output().name());
        assertEquals(7, y.rows());
        assertTrue(out.specs().stream().map(ParamSpec::name).allMatch(n -> n.startsWith("blocks.0.moe.")));
    }

    @Test
    void badArguments_throwIae() {
        SameDiff sd = SameDiff.create();
        SDVariable wrongWidth = sd.placeHolder("x", DataType.FLOAT, -1, D + 1);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SameDiffMoe.feedForward(sd, "blocks.2.moe", wrongWidth, config(2, false, true), 1));
        assertTrue(e.getMessage().contains("blocks.2.moe"), e.getMessage());
        SDVariable ints = sd.placeHolder("i", DataType.INT, -1, D);
        assertThrows(
                IllegalArgumentException.class,
                () -> SameDiffMoe.feedForward(sd, "m", ints, config(2, false, true), 1));
        SDVariable ok = sd.placeHolder("ok", DataType.FLOAT, -1, D);
        assertThrows(
                IllegalArgumentException.class,
                () -> SameDiffMoe.feedForward(
                        sd, "m", ok, config(2, false, true).withLossFreeRate(0.01), 1));
    }
}
