package io.hyperp.moe.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.testing.RandomMatrices;
import io.hyperp.moe.ReferenceRouting;
import io.hyperp.moe.RouterConfig;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TopKRouterTest {

    /** Logits drawn from a small integer set, so ties are frequent. */
    private static double[][] tiedLogits(long seed, int t, int e) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] l = new double[t][e];
        for (double[] row : l) {
            for (int i = 0; i < e; i++) {
                row[i] = r.nextInt(4) - 1.5;
            }
        }
        return l;
    }

    private static INDArray array(double[][] a, DataType dt) {
        return Nd4j.createFromArray(a).castTo(dt);
    }

    @Nested
    class Route {

        @ParameterizedTest(name = "E {0}, topK {1}, shared {2}, sqrtGate {3}, ties {4}, bias {5}")
        @CsvSource({
            "6, 2, false, true, false, false",
            "6, 2, false, false, true, false",
            "8, 4, true, true, true, false",
            "8, 4, true, false, false, true",
            "5, 5, false, true, true, false",
            "64, 8, false, true, false, true",
            "16, 17, true, true, true, true"
        })
        void matchesThePlainJavaReference(
                int e, int topK, boolean shared, boolean sqrtGate, boolean ties, boolean bias) {
            int t = 97;
            RouterConfig cfg = new RouterConfig(e, topK, shared, sqrtGate, 0.3);
            double[][] l = ties ? tiedLogits(e + topK, t, e) : RandomMatrices.uniform(e * 31L + topK, t, e);
            double[] b = bias ? RandomMatrices.uniform(5, 1, e)[0] : null;
            TopKRouter r = TopKRouter.create("moe.0", cfg, t, DataType.DOUBLE);
            if (b != null) {
                r.setSelectionBias(Nd4j.createFromArray(b));
            }
            r.route(array(l, DataType.DOUBLE));
            int k = cfg.routedTopK();
            int[][] sel = ReferenceRouting.select(l, b, k);
            double[][] g = ReferenceRouting.gates(l, sel);
            double[][] w = ReferenceRouting.weights(g, sqrtGate, cfg.routedScale());
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < k; j++) {
                    assertEquals(sel[i][j], r.expertIds().getLong(j, i), "expert of token " + i + " slot " + j);
                    assertEquals(l[i][sel[i][j]], r.selectedLogits().getDouble(j, i), 0.0);
                    // float64 softmax of a few terms: within a few ulps of the reference.
                    assertEquals(g[i][j], r.gates().getDouble(j, i), 1e-14);
                    assertEquals(w[i][j], r.combineWeights().getDouble(j, i), 1e-14);
                }
            }
        }

        @Test
        void allEqualLogits_pickExpertsZeroToKMinusOne() {
            for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                TopKRouter r = TopKRouter.create("moe.0", new RouterConfig(64, 8, false, true, 0.5), 1000, dt);
                r.route(Nd4j.zeros(dt, 1000, 64).addi(0.25));
                INDArray ids = r.expertIds();
                for (int j = 0; j < 8; j++) {
                    assertEquals(j, ids.getRow(j).minNumber().longValue(), "slot " + j);
                    assertEquals(j, ids.getRow(j).maxNumber().longValue(), "slot " + j);
                }
                // Equal gates 1/8; float32 softmax within a few ulps.
                assertEquals(1.0 / 8, r.gates().minNumber().doubleValue(), 1e-6);
                assertEquals(1.0 / 8, r.gates().maxNumber().doubleValue(), 1e-6);
            }
        }

        @Test
        void partialTies_areBrokenByTheLowestIndex() {
            TopKRouter r = TopKRouter.create("moe.0", new RouterConfig(6, 4, false, true, 0.5), 2, DataType.FLOAT);
            r.route(Nd4j.createFromArray(new float[][] {{1, 3, 3, 2, 3, 0}, {5, 5, 1, 5, 5, 5}}));
            assertArrayEquals(
                    new long[] {1, 2, 4, 3}, r.expertIds().getColumn(0).toLongVector());
            assertArrayEquals(
                    new long[] {0, 1, 3, 4}, r.expertIds().getColumn(1).toLongVector());
        }

        @Test
        void kEqualToE_selectsEveryExpertInScoreOrder() {
            TopKRouter r = TopKRouter.create("moe.0", new RouterConfig(4, 4, false, true, 0.5), 1, DataType.DOUBLE);
            r.route(Nd4j.createFromArray(new double[][] {{0.1, 0.4, -2, 0.4}}));
            assertArrayEquals(
                    new long[] {1, 3, 0, 2}, r.expertIds().getColumn(0).toLongVector());
            assertEquals(1.0, r.gates().sumNumber().doubleValue(), 1e-15);
        }

        @Test
        void selectionBias_changesTheChoiceButNotTheGateFormula() {
            TopKRouter r = TopKRouter.create("moe.0", new RouterConfig(3, 1, false, false, 0.5), 1, DataType.DOUBLE);
            INDArray logits = Nd4j.createFromArray(new double[][] {{1.0, 0.5, 0.0}});
            r.route(logits);
            assertEquals(0, r.expertIds().getLong(0, 0));
            r.setSelectionBias(Nd4j.createFromArray(0.0, 0.0, 2.0));
            r.route(logits);
            assertEquals(2, r.expertIds().getLong(0, 0));
            // the gate is the softmax over the selected (unbiased) logit alone
            assertEquals(0.0, r.selectedLogits().getDouble(0, 0), 0.0);
            assertEquals(1.0, r.gates().getDouble(0, 0), 0.0);
            r.setSelectionBias(null);
            r.route(logits);
            assertEquals(0, r.expertIds().getLong(0, 0));
        }

        @Test
        void extremeLogits_underflowGatesToZero_withoutNaN() {
            // exp(-200) underflows to 0 in float32, so the second gate is exactly 0 and its sqrt too.
            TopKRouter r = TopKRouter.create("moe.0", new RouterConfig(3, 2, false, true, 0.5), 1, DataType.FLOAT);
            r.route(Nd4j.createFromArray(new float[][] {{100f, -100f, -300f}}));
            assertEquals(0.0, r.gates().getDouble(1, 0), 0.0);
            assertEquals(0.0, r.combineWeights().getDouble(1, 0), 0.0);
            INDArray dLogits = Nd4j.create(DataType.FLOAT, 1, 3);
            r.backwardInto(Nd4j.ones(DataType.FLOAT, 2, 1), dLogits);
            assertEquals(
                    0,
                    org.nd4j.linalg.factory.Nd4j.getExecutioner()
                            .exec(new org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition(
                                    dLogits, org.nd4j.linalg.indexing.conditions.Conditions.notFinite()))
                            .getInt(0));
            // g = (1, 0): d sqrt(g_1)/d g_1 = 1/2, and the zero gate contributes and receives nothing, so
            // dL/dl = g * (delta - <g, delta>) = 0 for both selected logits.
            assertEquals(0.0, dLogits.getDouble(0, 0), 0.0);
            assertEquals(0.0, dLogits.getDouble(0, 1), 0.0);
            assertEquals(0.0, dLogits.getDouble(0, 2), 0.0);
        }
    }

    @Nested
    class BadInput {

        private TopKRouter routed(String name) {
            TopKRouter r = TopKRouter.create(name, new RouterConfig(4, 2, false, true, 0.5), 3, DataType.FLOAT);
            r.route(RandomMatrices.uniform(2, DataType.FLOAT, 3, 4));
            return r;
        }

        @Test
        void nanOrInfiniteLogits_throwIaeNamingTheLayer_andLeaveTheRoutingUnchanged() {
            TopKRouter r = routed("blocks.7.moe");
            INDArray ids = r.expertIds().dup();
            INDArray gates = r.gates().dup();
            INDArray weights = r.combineWeights().dup();
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                INDArray logits = RandomMatrices.uniform(3, DataType.FLOAT, 3, 4);
                logits.putScalar(1, 2, bad);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.route(logits));
                assertTrue(
                        e.getMessage().contains("blocks.7.moe")
                                && e.getMessage().contains("non-finite"),
                        e.getMessage());
                assertEquals(ids, r.expertIds());
                assertEquals(gates, r.gates());
                assertEquals(weights, r.combineWeights());
            }
        }

        @Test
        void nonFiniteSelectionBias_throwsIae() {
            TopKRouter r = routed("moe.1");
            INDArray gates = r.gates().dup();
            r.setSelectionBias(Nd4j.createFromArray(0f, Float.NaN, 0f, 0f));
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> r.route(RandomMatrices.uniform(4, DataType.FLOAT, 3, 4)));
            assertTrue(e.getMessage().contains("moe.1") && e.getMessage().contains("selection bias"), e.getMessage());
            assertEquals(gates, r.gates());
        }

        @Test
        void logitsPlusBiasOverflowing_throwIae_andLeaveTheRoutingUnchanged() {
            TopKRouter r = routed("moe.4");
            INDArray gates = r.gates().dup();
            r.setSelectionBias(Nd4j.createFromArray(3e38f, 0f, 0f, 0f));
            INDArray logits = RandomMatrices.uniform(4, DataType.FLOAT, 3, 4);
            logits.putScalar(0, 0, 3e38f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.route(logits));
            assertTrue(e.getMessage().contains("moe.4") && e.getMessage().contains("overflow"), e.getMessage());
            assertEquals(gates, r.gates());
        }

        @Test
        void mismatchedShapeOrDtype_throwsIaeShowingBothShapes() {
            TopKRouter r = routed("moe.2");
            INDArray gates = r.gates().dup();
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> r.route(Nd4j.zeros(DataType.FLOAT, 4, 3)));
            assertTrue(
                    e.getMessage().contains("[3, 4]")
                            && e.getMessage().contains("[4, 3]")
                            && e.getMessage().contains("moe.2"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> r.route(Nd4j.zeros(DataType.DOUBLE, 3, 4)));
            assertThrows(IllegalArgumentException.class, () -> r.setSelectionBias(Nd4j.zeros(DataType.FLOAT, 5)));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> r.backwardInto(Nd4j.zeros(DataType.FLOAT, 3, 2), Nd4j.zeros(DataType.FLOAT, 3, 4)));
            assertEquals(gates, r.gates());
        }

        @Test
        void backwardBeforeRoute_throwsIse() {
            TopKRouter r = TopKRouter.create("moe.3", RouterConfig.defaults(), 2, DataType.FLOAT);
            assertThrows(
                    IllegalStateException.class,
                    () -> r.backwardInto(Nd4j.zeros(DataType.FLOAT, 2, 2), Nd4j.zeros(DataType.FLOAT, 2, 8)));
            assertThrows(IllegalStateException.class, r::gates);
        }

        @Test
        void badCreateArguments_throwIae() {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> TopKRouter.create("moe", RouterConfig.defaults(), 0, DataType.FLOAT));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> TopKRouter.create("moe", RouterConfig.defaults(), 4, DataType.INT));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> TopKRouter.create(" ", RouterConfig.defaults(), 4, DataType.FLOAT));
        }
    }
}
