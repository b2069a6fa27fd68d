package io.hyperp.moe.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.sphere.NormReduction;
import io.hyperp.core.testing.FiniteDifferences;
import io.hyperp.core.testing.RandomMatrices;
import io.hyperp.core.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class BalanceLossesTest {

    private static final int T = 6;
    private static final int E = 5;

    /** A load vector summing to T k' = 12, fixed so the counts are constants of the loss. */
    private static INDArray counts() {
        return Nd4j.createFromArray(4, 0, 3, 2, 3);
    }

    private static double softmaxSum(double[] row, int i) {
        double max = java.util.Arrays.stream(row).max().orElseThrow();
        double s = 0;
        for (double v : row) {
            s += Math.exp(v - max);
        }
        return Math.exp(row[i] - max) / s;
    }

    @Test
    void values_matchTheFormulasOfSpecSection5() {
        double[][] l = RandomMatrices.uniform(1, T, E);
        BalanceLosses b = BalanceLosses.create(
                "moe", new BalanceConfig(0.1, 0.01, 0.05), E, T, DataType.DOUBLE, NormReduction.local());
        BalanceLossValues v = b.compute(Nd4j.createFromArray(l), counts());
        double[] f = {4, 0, 3, 2, 3};
        double[] p = new double[E];
        double z = 0;
        for (double[] row : l) {
            double max = java.util.Arrays.stream(row).max().orElseThrow();
            double s = 0;
            for (double x : row) {
                s += Math.exp(x - max);
            }
            z += Math.pow(max + Math.log(s), 2);
            for (int i = 0; i < E; i++) {
                p[i] += softmaxSum(row, i);
            }
        }
        double sw = 0;
        double negH = 0;
        for (int i = 0; i < E; i++) {
            sw += (p[i] / T) * (f[i] / 12);
            negH += (p[i] / T) * Math.log(p[i] / T);
        }
        // float64 sums of a few dozen terms: agreement to ~1e-15 relative; 1e-13 leaves room.
        assertEquals(0.1 * E * sw, v.switchLoss(), 1e-13);
        assertEquals(z / T, v.routerZ(), 1e-13);
        assertEquals(0.01 * z / T, v.zLoss(), 1e-13);
        assertEquals(0.05 * (Math.log(E) + negH), v.entropyLoss(), 1e-13);
        assertEquals(v.switchLoss() + v.zLoss() + v.entropyLoss(), v.total(), 0.0);
        assertEquals(T, v.tokens(), 0.0);
        assertEquals(12.0, java.util.Arrays.stream(b.globalLoads()).sum(), 0.0);
    }

    /** Each loss on its own, then all together, against central differences (see FiniteDifferences). */
    @ParameterizedTest(name = "switch {0}, z {1}, entropy {2}")
    @CsvSource({"0.1, 0, 0", "0, 0.01, 0", "0, 0, 0.05", "0.1, 0.01, 0.05", "1, 0.3, 2"})
    void gradient_matchesCentralDifferences(double sw, double z, double ent) {
        BalanceLosses b = BalanceLosses.create(
                "moe", new BalanceConfig(sw, z, ent), E, T, DataType.DOUBLE, NormReduction.local());
        INDArray logits = RandomMatrices.uniform(2, DataType.DOUBLE, T, E).muli(3);
        b.compute(logits, counts());
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, T, E);
        b.addGradientInPlace(grad);
        // 1e-7: see FiniteDifferences (losses and gradients of order 1).
        FiniteDifferences.assertGradient(
                "dAux/dlogits", logits, grad, () -> b.compute(logits, counts()).total(), FiniteDifferences.H, 1e-7);
    }

    @Test
    void noActiveLoss_addsNothing() {
        BalanceLosses b =
                BalanceLosses.create("moe", BalanceConfig.none(), E, T, DataType.FLOAT, NormReduction.local());
        BalanceLossValues v = b.compute(RandomMatrices.uniform(3, DataType.FLOAT, T, E), counts());
        assertEquals(0.0, v.total(), 0.0);
        assertTrue(v.routerZ() > 0, "router Z is reported even without a z-loss");
        INDArray g = Nd4j.ones(DataType.FLOAT, T, E);
        b.addGradientInPlace(g);
        assertEquals(Nd4j.ones(DataType.FLOAT, T, E), g);
    }

    @Test
    void entropyLoss_isZeroAtUniformUse_andWLogEWhenOneExpertTakesAll() {
        BalanceLosses b = BalanceLosses.create(
                "moe", BalanceConfig.none().withEntropyWeight(2.0), E, T, DataType.DOUBLE, NormReduction.local());
        assertEquals(0.0, b.compute(Nd4j.zeros(DataType.DOUBLE, T, E), counts()).entropyLoss(), 1e-15);
        INDArray peaked = Nd4j.zeros(DataType.DOUBLE, T, E);
        peaked.getColumn(3).assign(60.0);
        // the other experts keep probability e^-60 each: the loss is 2 log 5 up to ~1e-24.
        assertEquals(2.0 * Math.log(E), b.compute(peaked, counts()).entropyLoss(), 1e-12);
    }

    /**
     * Two data-parallel workers: worker A's reduction adds worker B's statistics. Then A's loss equals
     * the loss of the concatenated batch on one worker, and A's gradient equals that batch's gradient
     * restricted to A's tokens.
     */
    @Test
    void allReducedStatistics_giveTheWholeBatchLossAndGradient() {
        BalanceConfig cfg = new BalanceConfig(0.1, 0.01, 0.05);
        INDArray la = RandomMatrices.uniform(4, DataType.DOUBLE, T, E);
        INDArray lb = RandomMatrices.uniform(5, DataType.DOUBLE, 4, E);
        INDArray ca = counts();
        INDArray cb = Nd4j.createFromArray(0, 4, 1, 1, 2);
        INDArray[] captured = new INDArray[1];
        BalanceLosses b = BalanceLosses.create("moe", cfg, E, 4, DataType.DOUBLE, s -> captured[0] = s.dup());
        b.compute(lb, cb);
        BalanceLosses a = BalanceLosses.create("moe", cfg, E, T, DataType.DOUBLE, s -> s.addi(captured[0]));
        BalanceLossValues va = a.compute(la, ca);
        INDArray ga = Nd4j.zeros(DataType.DOUBLE, T, E);
        a.addGradientInPlace(ga);

        BalanceLosses whole = BalanceLosses.create("moe", cfg, E, T + 4, DataType.DOUBLE, NormReduction.local());
        BalanceLossValues vw = whole.compute(Nd4j.vstack(la, lb), ca.add(cb));
        INDArray gw = Nd4j.zeros(DataType.DOUBLE, T + 4, E);
        whole.addGradientInPlace(gw);
        // Same float64 sums in a different order: ~1e-16 relative; 1e-13 leaves room.
        assertEquals(vw.total(), va.total(), 1e-13);
        assertEquals(vw.routerZ(), va.routerZ(), 1e-13);
        assertEquals(T + 4, va.tokens(), 0.0);
        Tolerances.assertClose(gw.get(NDArrayIndex.interval(0, T), NDArrayIndex.all()), ga, 1e-12, "worker A gradient");
    }

    @Test
    void badInput_throwsIaeOrIse() {
        BalanceLosses b = BalanceLosses.create(
                "blocks.1.moe", BalanceConfig.defaults(), E, T, DataType.FLOAT, NormReduction.local());
        assertThrows(IllegalStateException.class, () -> b.addGradientInPlace(Nd4j.zeros(DataType.FLOAT, T, E)));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> b.compute(Nd4j.zeros(DataType.FLOAT, E, T), counts()));
        assertTrue(e.getMessage().contains("blocks.1.moe"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> b.compute(Nd4j.zeros(DataType.FLOAT, T, E), Nd4j.createFromArray(1, 2)));
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> BalanceConfig.defaults().withSwitchWeight(bad));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> BalanceConfig.defaults().withZLossWeight(bad));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> BalanceConfig.defaults().withEntropyWeight(bad));
        }
        assertEquals(0.1, BalanceConfig.defaults().switchWeight(), 0.0);
    }
}
