package io.hyperp.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hyperp.core.sphere.NormReduction;
import io.hyperp.core.testing.RandomMatrices;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RouterPropertiesTest {

    @Test
    void gatesAreADistributionOverExactlyKDistinctExperts_andLoadsSumToTk() {
        qt().withFixedSeed(21).withExamples(40)
                .forAll(integers().between(1, 12), integers().between(1, 12), integers().between(1, 20),
                        longs().between(0, 1 << 30))
                .assuming((e, k, t, seed) -> k <= e)
                .checkAssert((e, k, t, seed) -> {
                    Router r = Router.create(RouterConfig.of("moe", e, k), t, DataType.FLOAT);
                    r.route(RandomMatrices.uniform(seed, DataType.FLOAT, t, e).muli(3), null);
                    INDArray g = r.gates();
                    assertTrue(g.minNumber().doubleValue() >= 0, "negative gate");
                    INDArray sums = g.sum(0);
                    for (int i = 0; i < t; i++) {
                        // float32 softmax: sums within a few ulps of 1.
                        assertEquals(1.0, sums.getDouble(i), 1e-5);
                        Set<Long> chosen = new HashSet<>();
                        for (int j = 0; j < k; j++) {
                            chosen.add(r.indices().getLong(j, i));
                        }
                        assertEquals(k, chosen.size(), "token " + i + " must have " + k + " distinct experts");
                    }
                    assertEquals((double) t * k, r.loads().sumNumber().doubleValue(), 0.0);
                });
    }

    @Test
    void allEqualLogits_pickTheLowestIndices() {
        Router r = Router.create(RouterConfig.of("moe", 8, 3), 4, DataType.FLOAT);
        r.route(Nd4j.zeros(DataType.FLOAT, 4, 8), null);
        for (int t = 0; t < 4; t++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(j, r.indices().getLong(j, t));
                assertEquals(1.0 / 3, r.gates().getDouble(j, t), 1e-6);
            }
        }
    }

    @Test
    void kEqualToE_selectsEveryExpert() {
        Router r = Router.create(RouterConfig.of("moe", 5, 5), 3, DataType.DOUBLE);
        r.route(RandomMatrices.uniform(1, DataType.DOUBLE, 3, 5), null);
        for (int e = 0; e < 5; e++) {
            assertEquals(3.0, r.loads().getDouble(e), 0.0);
        }
    }

    /**
     * Combined output RMS with independent unit-RMS expert outputs. Under SqrtGate each token's output
     * has variance sum g_j = 1 exactly, so over T d = 65,536 entries the sample RMS is within
     * ~sqrt(1/(2n)) = 0.3% of 1; 3% leaves a wide margin. Plain gates give variance sum g_j^2, about
     * 1/k for near-uniform gates (logits of scale 0.1), so RMS * sqrt(k) stays near 1 (within 20%).
     */
    @ParameterizedTest(name = "k = {0}")
    @ValueSource(ints = {1, 2, 4, 8, 16})
    void sqrtGateKeepsOutputRms_plainGatesFallAsOneOverSqrtK(int k) {
        int e = 32;
        int t = 1024;
        int d = 64;
        INDArray logits = RandomMatrices.uniform(k, DataType.FLOAT, t, e).muli(0.1);
        double sqrtRms = combinedRms(RouterConfig.of("moe", e, k), logits, t, d);
        double plainRms = combinedRms(RouterConfig.of("moe", e, k).withSqrtGate(false), logits, t, d);
        assertEquals(1.0, sqrtRms, 0.03, "SqrtGate RMS at k = " + k);
        assertEquals(1.0, plainRms * Math.sqrt(k), 0.2, "plain RMS x sqrt(k) at k = " + k);
    }

    private static double combinedRms(RouterConfig cfg, INDArray logits, int t, int d) {
        Router r = Router.create(cfg, t, DataType.FLOAT);
        r.route(logits, null);
        Dispatcher disp = Dispatcher.create(r, d);
        disp.plan();
        INDArray out = gaussian(99, (long) cfg.routedTopK() * t, d);
        INDArray y = Nd4j.create(DataType.FLOAT, t, d);
        disp.combine(out, y);
        return Math.sqrt(y.mul(y).meanNumber().doubleValue());
    }

    private static INDArray gaussian(long seed, long rows, long cols) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[Math.toIntExact(rows * cols)];
        for (int i = 0; i < v.length; i++) {
            double u1 = 1 - rnd.nextDouble();
            v[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd.nextDouble());
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c').castTo(DataType.FLOAT);
    }

    @Test
    void switchLoss_equalsItsWeightAtPerfectBalance() {
        // Token t prefers expert t mod E by the same margin: loads are equal and, by symmetry, so is
        // every expert's probability mass; the loss is then gamma E sum (1/E)(1/E) = gamma.
        int e = 4;
        int t = 12;
        INDArray logits = Nd4j.zeros(DataType.DOUBLE, t, e);
        for (int i = 0; i < t; i++) {
            logits.putScalar(i, i % e, 2.0);
        }
        Router r = Router.create(RouterConfig.of("moe", e, 1), t, DataType.DOUBLE);
        r.route(logits, null);
        assertEquals(0.1, BalanceLosses.switchLoss(r, 0.1, NormReduction.local(), null), 1e-12);
        assertEquals(0.0, BalanceLosses.entropyLoss(r, 1.0, NormReduction.local(), null), 1e-12);
    }

    @Test
    void lossFreeBalancing_drivesMaxVioDownOnASkewedRouter() {
        int e = 8;
        int t = 256;
        Router r = Router.create(RouterConfig.of("moe", e, 2), t, DataType.FLOAT);
        LossFreeBalancer balancer = LossFreeBalancer.create(e, 0.02, NormReduction.local());
        // Expert i gets a logit offset of 0.15 i: the high experts take most tokens.
        INDArray skew = Nd4j.arange(0, e).castTo(DataType.FLOAT).muli(0.15).reshape(1, e);
        double first = 0;
        double last = 0;
        for (int step = 0; step < 200; step++) {
            INDArray logits = RandomMatrices.uniform(1000 + step, DataType.FLOAT, t, e).muli(0.5).addiRowVector(skew);
            r.route(logits, balancer.bias());
            double vio = MoeMetrics.maxVio(r.loads().toDoubleVector());
            if (step == 0) {
                first = vio;
            }
            last = vio;
            balancer.update(r);
        }
        assertTrue(first > 1.0, "the synthetic router must start skewed, MaxVio " + first);
        assertTrue(last < 0.3 * first, "MaxVio " + first + " -> " + last);
    }

    @Test
    void metrics_snapshotAveragesOverSteps() {
        Router r = Router.create(RouterConfig.of("moe", 4, 1), 8, DataType.FLOAT);
        MoeMetrics m = MoeMetrics.create();
        INDArray logits = Nd4j.zeros(DataType.FLOAT, 8, 4);
        r.route(logits, null);
        m.record("layer0", r, Nd4j.ones(DataType.FLOAT, 8, 2));
        MoeMetrics.Snapshot s = m.snapshot();
        // All-equal logits: every token picks expert 0, so MaxVio = (8 - 2) / 2 = 3 and lse = ln 4.
        assertEquals(3.0, s.layers().get("layer0").maxVio(), 1e-12);
        assertEquals(Math.pow(Math.log(4), 2), s.layers().get("layer0").routerZ(), 1e-5);
        assertEquals(1.0, s.layers().get("layer0").outputRms(), 1e-6);
        assertEquals(3.0, s.averageMaxVio(), 1e-12);
    }

    @Test
    void badConfig_throwsIaeNamingLayer() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RouterConfig.of("moe.3", 8, 0)).getMessage()
                .contains("moe.3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RouterConfig.of("moe.3", 8, 9)).getMessage()
                .contains("exceed"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new RouterConfig("moe.3", 8, 1, true, true, 0.5)).getMessage().contains("shared expert"));
    }

    @Test
    void nanOrInfiniteLogits_throwIaeNamingLayerAndLeaveBuffersUnchanged() {
        Router r = Router.create(RouterConfig.of("moe.7", 4, 2), 3, DataType.FLOAT);
        r.route(RandomMatrices.uniform(2, DataType.FLOAT, 3, 4), null);
        INDArray gates = r.gates().dup();
        INDArray idx = r.indices().dup();
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            INDArray logits = RandomMatrices.uniform(3, DataType.FLOAT, 3, 4);
            logits.putScalar(1, 2, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.route(logits, null));
            assertTrue(e.getMessage().contains("moe.7") && e.getMessage().contains("NaN or infinite"), e.getMessage());
            assertEquals(gates, r.gates());
            assertEquals(idx, r.indices());
        }
    }

    @Test
    void mismatchedShapes_throwIae() {
        Router r = Router.create(RouterConfig.of("moe.8", 4, 2), 3, DataType.FLOAT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> r.route(Nd4j.zeros(DataType.FLOAT, 4, 3), null));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[4, 3]"), e.getMessage());
        r.route(Nd4j.zeros(DataType.FLOAT, 3, 4), null);
        Dispatcher d = Dispatcher.create(r, 5);
        d.plan();
        assertThrows(IllegalArgumentException.class,
                () -> d.combine(Nd4j.zeros(DataType.FLOAT, 6, 4), Nd4j.zeros(DataType.FLOAT, 3, 5)));
    }
}
