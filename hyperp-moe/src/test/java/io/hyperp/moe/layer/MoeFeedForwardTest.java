package io.hyperp.moe.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.sphere.NormReduction;
import io.hyperp.core.testing.FiniteDifferences;
import io.hyperp.core.testing.RandomMatrices;
import io.hyperp.core.testing.Tolerances;
import io.hyperp.moe.ReferenceRouting;
import io.hyperp.moe.RouterConfig;
import io.hyperp.moe.balance.BalanceConfig;
import io.hyperp.moe.metrics.RoutingStats;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MoeFeedForwardTest {

    private static final int T = 6;
    private static final int D = 4;
    private static final int E = 5;
    private static final int F = 3;

    private static MoeLayerConfig config(int topK, boolean shared, boolean sqrtGate) {
        return new MoeLayerConfig(
                D, F, new RouterConfig(E, topK, shared, sqrtGate, 0.3), new BalanceConfig(0.1, 0.01, 0.05), 0.0);
    }

    private static double silu(double a) {
        return a / (1 + Math.exp(-a));
    }

    /** One SwiGLU expert in plain Java: W_down (silu(W_gate x) * W_up x). */
    private static double[] swiglu(double[] x, double[][] gate, double[][] up, double[][] down) {
        double[] h = new double[gate.length];
        for (int i = 0; i < gate.length; i++) {
            double a = 0;
            double b = 0;
            for (int c = 0; c < x.length; c++) {
                a += gate[i][c] * x[c];
                b += up[i][c] * x[c];
            }
            h[i] = silu(a) * b;
        }
        double[] y = new double[down.length];
        for (int o = 0; o < down.length; o++) {
            for (int i = 0; i < h.length; i++) {
                y[o] += down[o][i] * h[i];
            }
        }
        return y;
    }

    private static double[][] matrix(INDArray stack, int e) {
        return stack.slice(e).toDoubleMatrix();
    }

    /** The layer's output computed token by token in plain Java from SPEC section 5. */
    private static double[][] reference(MoeFeedForward layer, double[][] x) {
        MoeLayerConfig c = layer.config();
        RouterConfig rc = c.router();
        List<LayerParam> p = layer.params();
        double[][] wr = p.get(0).value().toDoubleMatrix();
        double[][] logits = new double[x.length][rc.experts()];
        for (int t = 0; t < x.length; t++) {
            for (int e = 0; e < rc.experts(); e++) {
                for (int i = 0; i < x[t].length; i++) {
                    logits[t][e] += x[t][i] * wr[e][i];
                }
            }
        }
        int[][] sel = ReferenceRouting.select(logits, null, rc.routedTopK());
        double[][] w = ReferenceRouting.weights(ReferenceRouting.gates(logits, sel), rc.sqrtGate(), rc.routedScale());
        double[][] y = new double[x.length][c.modelDim()];
        for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < sel[t].length; j++) {
                int e = sel[t][j];
                double[] o = swiglu(
                        x[t],
                        matrix(p.get(1).value(), e),
                        matrix(p.get(2).value(), e),
                        matrix(p.get(3).value(), e));
                for (int i = 0; i < o.length; i++) {
                    y[t][i] += w[t][j] * o[i];
                }
            }
            if (rc.sharedExpert()) {
                double[] o = swiglu(
                        x[t],
                        p.get(4).value().toDoubleMatrix(),
                        p.get(5).value().toDoubleMatrix(),
                        p.get(6).value().toDoubleMatrix());
                for (int i = 0; i < o.length; i++) {
                    y[t][i] += rc.sharedScale() * o[i];
                }
            }
        }
        return y;
    }

    @Nested
    class Forward {

        @ParameterizedTest(name = "topK {0}, shared {1}, sqrtGate {2}")
        @CsvSource({"2, false, true", "3, true, true", "3, true, false", "5, false, false", "6, true, true"})
        void matchesThePlainJavaReference(int topK, boolean shared, boolean sqrtGate) {
            MoeFeedForward layer = MoeFeedForward.create(
                    "blocks.0.moe", config(topK, shared, sqrtGate), 37, DataType.DOUBLE, NormReduction.local(), 5);
            double[][] x = RandomMatrices.uniform(9, 37, D);
            INDArray y = layer.forward(Nd4j.createFromArray(x));
            // float64 sums of a few dozen products of order 1: 1e-13 relative is ~500 ulps.
            Tolerances.assertClose(reference(layer, x), y, 1e-13, "MoE output");
        }

        @Test
        void float32_agreesWithFloat64() {
            MoeLayerConfig cfg = config(3, true, true).withModelDim(16).withExpertWidth(8);
            MoeFeedForward f32 = MoeFeedForward.create("moe", cfg, 64, DataType.FLOAT, NormReduction.local(), 1);
            MoeFeedForward f64 = MoeFeedForward.create("moe", cfg, 64, DataType.DOUBLE, NormReduction.local(), 1);
            INDArray x = RandomMatrices.uniform(2, DataType.DOUBLE, 64, 16);
            INDArray y64 = f64.forward(x);
            INDArray y32 = f32.forward(x.castTo(DataType.FLOAT));
            // float32 products over 16 inputs: ~1e-6 relative; 1e-4 allows for a gate or two whose logits
            // differ in the last float bits.
            Tolerances.assertClose(y64, y32.castTo(DataType.DOUBLE), 1e-4, "float32 vs float64");
        }

        @Test
        void stats_reportLoadsZAndRoutedRms() {
            MoeFeedForward layer =
                    MoeFeedForward.create("moe", config(2, false, true), 40, DataType.DOUBLE, NormReduction.local(), 3);
            INDArray x = RandomMatrices.uniform(4, DataType.DOUBLE, 40, D);
            INDArray y = layer.forward(x);
            RoutingStats s = layer.lastStats();
            assertEquals(80.0, Arrays.stream(s.loads()).sum(), 0.0);
            assertArrayEquals(
                    Arrays.stream(layer.plan().tokensPerExpert())
                            .asDoubleStream()
                            .toArray(),
                    s.loads(),
                    0.0);
            // no shared expert: the routed output is the whole output
            assertEquals(Math.sqrt(y.mul(y).meanNumber().doubleValue()), s.routedRms(), 1e-12);
            double z = 0;
            for (double[] row : layer.router().logits().toDoubleMatrix()) {
                double sum = 0;
                for (double v : row) {
                    sum += Math.exp(v);
                }
                z += Math.pow(Math.log(sum), 2) / 40;
            }
            // float64, logits of order 1: 1e-12 is far above rounding.
            assertEquals(z, s.routerZ(), 1e-12);
            assertEquals(s.losses().total(), layer.auxLoss(), 0.0);
        }
    }

    /**
     * Gradients of {@code sum(R * y) + auxLoss} with respect to the input and every parameter against
     * central differences in float64 (FiniteDifferences: step 1e-6, tolerance 1e-7 relative; the loss
     * and its derivatives are of order 1). Every entry of the input is checked, and twelve seeded
     * draws from each parameter tensor. The smallest gap between a token's k'-th and (k'+1)-th logit
     * is asserted to exceed 1e-4, far above the change of 1e-6 a perturbation can cause, so the
     * selection is fixed.
     */
    @Nested
    class Backward {

        @ParameterizedTest(name = "topK {0}, shared {1}, sqrtGate {2}")
        @CsvSource({"2, false, true", "3, true, true", "3, true, false", "5, false, false", "6, true, true"})
        void gradients_matchCentralDifferences(int topK, boolean shared, boolean sqrtGate) {
            MoeLayerConfig cfg = config(topK, shared, sqrtGate);
            MoeFeedForward layer = MoeFeedForward.create("moe", cfg, T, DataType.DOUBLE, NormReduction.local(), 17);
            INDArray x = RandomMatrices.uniform(21, DataType.DOUBLE, T, D).muli(2);
            INDArray proj = RandomMatrices.uniform(22, DataType.DOUBLE, T, D);
            layer.forward(x);
            assertSelectionMargin(layer.router().logits(), cfg.router().routedTopK(), 1e-4);
            INDArray dx = layer.backward(proj).dup();
            java.util.function.DoubleSupplier loss =
                    () -> layer.forward(x).mul(proj).sumNumber().doubleValue() + layer.auxLoss();
            List<INDArray> grads =
                    layer.params().stream().map(p -> p.grad().dup()).toList();
            FiniteDifferences.assertGradient("dL/dx", x, dx, loss, FiniteDifferences.H, 1e-7);
            for (int i = 0; i < grads.size(); i++) {
                LayerParam p = layer.params().get(i);
                FiniteDifferences.assertGradientSampled(
                        "dL/d" + p.name(),
                        p.value(),
                        grads.get(i),
                        loss,
                        FiniteDifferences.H,
                        1e-7,
                        12,
                        31L * i + topK);
            }
        }

        @Test
        void expertsWithoutTokens_getZeroGradients() {
            MoeLayerConfig cfg =
                    new MoeLayerConfig(D, F, new RouterConfig(8, 1, false, true, 0.5), BalanceConfig.none(), 0.0);
            MoeFeedForward layer = MoeFeedForward.create("moe", cfg, 3, DataType.DOUBLE, NormReduction.local(), 2);
            for (LayerParam p : layer.params()) {
                p.grad().assign(Double.NaN);
            }
            layer.forward(RandomMatrices.uniform(3, DataType.DOUBLE, 3, D));
            layer.backward(Nd4j.ones(DataType.DOUBLE, 3, D));
            long[] loads = layer.plan().tokensPerExpert();
            for (int e = 0; e < 8; e++) {
                for (int i = 1; i <= 3; i++) {
                    INDArray g = layer.params().get(i).grad().slice(e);
                    if (loads[e] == 0) {
                        assertEquals(0.0, g.amaxNumber().doubleValue(), 0.0, "expert " + e);
                    } else {
                        assertTrue(g.amaxNumber().doubleValue() > 0, "expert " + e);
                    }
                }
            }
        }

        private static void assertSelectionMargin(INDArray logits, int k, double margin) {
            for (double[] row : logits.toDoubleMatrix()) {
                if (k == row.length) {
                    continue;
                }
                double[] s = row.clone();
                Arrays.sort(s);
                double gap = s[s.length - k] - s[s.length - k - 1];
                assertTrue(gap > margin, "selection gap " + gap + " too small for finite differences");
            }
        }
    }

    @Nested
    class Params {

        @Test
        void tensorsCarryTheirRolesAndShapes() {
            MoeFeedForward layer = MoeFeedForward.create(
                    "blocks.3.moe", config(3, true, true), T, DataType.FLOAT, NormReduction.local(), 1);
            List<LayerParam> p = layer.params();
            assertEquals(7, p.size());
            assertEquals("blocks.3.moe.router", p.get(0).name());
            assertEquals(ParamRole.ROUTER, p.get(0).spec().role());
            assertArrayEquals(new long[] {E, D}, p.get(0).spec().shape());
            for (int i = 1; i <= 3; i++) {
                assertEquals(ParamRole.EXPERT, p.get(i).spec().role());
                assertEquals(0, p.get(i).spec().expertAxis());
                assertEquals(E, p.get(i).spec().matrixCount());
            }
            assertArrayEquals(new long[] {E, F, D}, p.get(1).spec().shape());
            assertArrayEquals(new long[] {E, D, F}, p.get(3).spec().shape());
            assertEquals(F, p.get(3).spec().fanIn());
            for (int i = 4; i <= 6; i++) {
                assertEquals(ParamRole.HIDDEN, p.get(i).spec().role());
                assertTrue(p.get(i).name().startsWith("blocks.3.moe.shared."));
            }
            // U(-1/sqrt(fan_in), 1/sqrt(fan_in)) init
            assertTrue(p.get(1).value().amaxNumber().doubleValue() <= 1 / Math.sqrt(D));
            assertTrue(p.get(3).value().amaxNumber().doubleValue() <= 1 / Math.sqrt(F));
            assertEquals(
                    4,
                    MoeFeedForward.create("m", config(2, false, true), T, DataType.FLOAT, NormReduction.local(), 1)
                            .params()
                            .size());
        }

        @Test
        void withTokens_sharesParametersAndGradients() {
            MoeFeedForward layer = MoeFeedForward.create(
                    "moe", config(2, false, true).withLossFreeRate(0.01), T, DataType.FLOAT, NormReduction.local(), 1);
            MoeFeedForward eval = layer.withTokens(11);
            assertEquals(11, eval.tokens());
            for (int i = 0; i < layer.params().size(); i++) {
                assertSame(layer.params().get(i).value(), eval.params().get(i).value());
                assertSame(layer.params().get(i).grad(), eval.params().get(i).grad());
            }
            assertSame(layer.balancer(), eval.balancer());
            assertEquals(
                    11,
                    eval.forward(RandomMatrices.uniform(1, DataType.FLOAT, 11, D))
                            .rows());
        }

        @Test
        void lossFreeBalancing_updatesTheSelectionBias() {
            MoeFeedForward off =
                    MoeFeedForward.create("moe", config(2, false, true), T, DataType.FLOAT, NormReduction.local(), 1);
            assertNull(off.balancer());
            assertThrows(IllegalStateException.class, off::updateSelectionBiasInPlace);
            MoeFeedForward on = MoeFeedForward.create(
                    "moe", config(1, false, true).withLossFreeRate(0.01), T, DataType.FLOAT, NormReduction.local(), 1);
            assertNotNull(on.balancer());
            assertThrows(IllegalStateException.class, on::updateSelectionBiasInPlace);
            on.forward(RandomMatrices.uniform(1, DataType.FLOAT, T, D));
            on.updateSelectionBiasInPlace();
            // 6 rows over 5 experts cannot be balanced: some bias moved by exactly u.
            assertEquals(0.01, on.balancer().bias().amaxNumber().doubleValue(), 1e-7);
            assertSame(on.balancer().bias(), on.router().selectionBias());
        }
    }

    @Nested
    class BadInput {

        @Test
        void nonFiniteInput_throwsIaeNamingTheLayer_andModifiesNoParameterOrStatistic() {
            MoeFeedForward layer = MoeFeedForward.create(
                    "blocks.5.moe", config(2, false, true), T, DataType.FLOAT, NormReduction.local(), 1);
            layer.forward(RandomMatrices.uniform(1, DataType.FLOAT, T, D));
            RoutingStats stats = layer.lastStats();
            List<INDArray> values =
                    layer.params().stream().map(p -> p.value().dup()).toList();
            List<INDArray> grads =
                    layer.params().stream().map(p -> p.grad().dup()).toList();
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
                INDArray x = RandomMatrices.uniform(2, DataType.FLOAT, T, D);
                x.putScalar(3, 1, bad);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.forward(x));
                assertTrue(
                        e.getMessage().contains("blocks.5.moe")
                                && e.getMessage().contains("non-finite"),
                        e.getMessage());
            }
            assertSame(stats, layer.lastStats());
            for (int i = 0; i < values.size(); i++) {
                assertEquals(values.get(i), layer.params().get(i).value());
                assertEquals(grads.get(i), layer.params().get(i).grad());
            }
            // the failed forward invalidated the activations
            assertThrows(IllegalStateException.class, () -> layer.backward(Nd4j.zeros(DataType.FLOAT, T, D)));
        }

        @Test
        void wrongShapesOrDtypes_throwIae() {
            MoeFeedForward layer = MoeFeedForward.create(
                    "blocks.6.moe", config(2, false, true), T, DataType.FLOAT, NormReduction.local(), 1);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> layer.forward(Nd4j.zeros(DataType.FLOAT, T, D + 1)));
            assertTrue(
                    e.getMessage().contains("blocks.6.moe")
                            && e.getMessage().contains("[6, 4]")
                            && e.getMessage().contains("[6, 5]"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> layer.forward(Nd4j.zeros(DataType.DOUBLE, T, D)));
            layer.forward(Nd4j.zeros(DataType.FLOAT, T, D));
            INDArray grad = layer.params().get(1).grad().dup();
            assertThrows(IllegalArgumentException.class, () -> layer.backward(Nd4j.zeros(DataType.FLOAT, T - 1, D)));
            assertEquals(grad, layer.params().get(1).grad());
            layer.backward(Nd4j.zeros(DataType.FLOAT, T, D));
            assertThrows(IllegalStateException.class, () -> layer.backward(Nd4j.zeros(DataType.FLOAT, T, D)));
        }

        @Test
        void badConfigurations_throwIae() {
            assertThrows(
                    IllegalArgumentException.class, () -> config(2, false, true).withModelDim(0));
            assertThrows(
                    IllegalArgumentException.class, () -> config(2, false, true).withExpertWidth(0));
            assertThrows(
                    IllegalArgumentException.class, () -> config(2, false, true).withLossFreeRate(Double.NaN));
            assertThrows(
                    IllegalArgumentException.class, () -> config(2, false, true).withLossFreeRate(-1));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> MoeFeedForward.create(
                            "moe", config(2, false, true), 0, DataType.FLOAT, NormReduction.local(), 1));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> MoeFeedForward.create(
                            "moe", config(2, false, true), 4, DataType.HALF, NormReduction.local(), 1));
            assertEquals(
                    64,
                    MoeLayerConfig.of(32, io.hyperp.core.shape.MoeShape.of(4, 2, false))
                            .expertWidth());
            assertEquals(
                    128, MoeLayerConfig.granular(64, RouterConfig.defaults()).expertWidth());
        }
    }
}
