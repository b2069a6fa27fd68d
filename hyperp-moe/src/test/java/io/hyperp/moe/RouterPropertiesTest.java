package io.hyperp.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hyperp.core.sphere.NormReduction;
import io.hyperp.moe.balance.BalanceConfig;
import io.hyperp.moe.balance.BalanceLosses;
import io.hyperp.moe.balance.LossFreeBalancer;
import io.hyperp.moe.metrics.RoutingStats;
import io.hyperp.moe.routing.DispatchPlan;
import io.hyperp.moe.routing.TopKRouter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Properties of routing, combine and balancing (QuickTheories, fixed seeds). */
class RouterPropertiesTest {

    /** Logits of a given kind: 0 all equal, 1 small integers (many ties), 2 uniform, 3 wide uniform. */
    private static INDArray logits(long seed, int kind, int t, int e, DataType dt) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[t * e];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (kind) {
                case 0 -> 0.5;
                case 1 -> r.nextInt(3);
                case 2 -> 2 * r.nextDouble() - 1;
                default -> 40 * r.nextDouble() - 20;
            };
        }
        return Nd4j.create(v, new long[] {t, e}, 'c').castTo(dt);
    }

    private static INDArray gaussian(long seed, long rows, long cols, DataType dt) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[Math.toIntExact(rows * cols)];
        for (int i = 0; i < v.length; i++) {
            double u1 = 1 - rnd.nextDouble();
            v[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd.nextDouble());
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c').castTo(dt);
    }

    @Test
    void gatesAreADistribution_eachTokenHasKDistinctExperts_loadsSumToTk() {
        qt().withFixedSeed(20261122L)
                .withExamples(60)
                .forAll(
                        integers().between(1, 24),
                        integers().between(1, 24),
                        integers().between(1, 80),
                        longs().between(0, 3L << 40))
                .assuming((e, k, t, seed) -> k <= e)
                .checkAssert((e, k, t, seed) -> {
                    int kind = (int) (seed % 4);
                    DataType dt = seed % 2 == 0 ? DataType.FLOAT : DataType.DOUBLE;
                    RouterConfig cfg = new RouterConfig(e, k, false, seed % 3 != 0, 0.5);
                    TopKRouter r = TopKRouter.create("moe", cfg, t, dt);
                    r.route(logits(seed, kind, t, e, dt));
                    DispatchPlan p = DispatchPlan.create("moe", e, t, k, 2, dt);
                    p.build(r.expertIds());
                    INDArray g = r.gates();
                    assertTrue(g.minNumber().doubleValue() >= 0, "negative gate");
                    INDArray sums = g.sum(0);
                    long[][] ids = r.expertIds().toLongMatrix();
                    for (int i = 0; i < t; i++) {
                        // float32 softmax over <= 24 terms: the sum is 1 within a few ulps (1e-5 is ~80 ulps).
                        assertEquals(
                                1.0, sums.getDouble(i), dt == DataType.FLOAT ? 1e-5 : 1e-13, "gate sum of token " + i);
                        Set<Long> chosen = new HashSet<>();
                        for (int j = 0; j < k; j++) {
                            assertTrue(ids[j][i] >= 0 && ids[j][i] < e);
                            chosen.add(ids[j][i]);
                        }
                        assertEquals(k, chosen.size(), "token " + i + " must have " + k + " distinct experts");
                    }
                    assertEquals(
                            (long) t * k, Arrays.stream(p.tokensPerExpert()).sum());
                });
    }

    /**
     * Combined output RMS with independent unit-variance expert outputs, for k in {1, 2, 4, 8, 16} of 64
     * experts. Given the gates, every output entry is a sum of k independent N(0, 1) terms with weights
     * c_j, so its variance is sum_j c_j^2: exactly sum g = 1 under SqrtGate, and sum g^2 with plain gates.
     * Over n = T d = 65,536 entries the mean square has relative standard deviation sqrt(2/n) = 0.55%,
     * so the RMS is within 0.28% (one sigma) of its expectation; 0.02 is about 7 sigma.
     * Plain gates: with logits in [-a, a], a = 0.25, every gate is at most e^{2a}/k, so
     * 1/k <= sum g^2 <= max g <= e^{0.5}/k and RMS * sqrt(k) lies in [1, e^{0.25}] = [1, 1.284], up to
     * the same sampling tolerance: the plain output falls as 1/sqrt(k).
     */
    @Test
    void sqrtGateKeepsTheOutputRms_plainGatesFallAsOneOverSqrtK() {
        int e = 64;
        int t = 512;
        int d = 128;
        double tol = 0.02;
        qt().withFixedSeed(7L)
                .withExamples(10)
                .forAll(
                        integers().between(0, 4),
                        longs().between(0, 1L << 40),
                        doubles().between(0.0, 4.0))
                .checkAssert((log2k, seed, scale) -> {
                    int k = 1 << log2k;
                    INDArray out = gaussian(seed, (long) k * t, d, DataType.FLOAT);
                    INDArray wide = logits(seed + 1, 2, t, e, DataType.FLOAT).muli(scale);
                    double sqrtRms = combinedRms(new RouterConfig(e, k, false, true, 0.5), wide, out, t, d);
                    assertEquals(1.0, sqrtRms, tol, "SqrtGate RMS, k = " + k + ", logit scale " + scale);
                    INDArray narrow = logits(seed + 2, 2, t, e, DataType.FLOAT).muli(0.25);
                    double plain =
                            combinedRms(new RouterConfig(e, k, false, false, 0.5), narrow, out, t, d) * Math.sqrt(k);
                    assertTrue(
                            plain >= 1 - tol && plain <= Math.exp(0.25) + tol,
                            "plain RMS * sqrt(k) = " + plain + " at k = " + k);
                });
    }

    private static double combinedRms(RouterConfig cfg, INDArray logits, INDArray expertOut, int t, int d) {
        TopKRouter r = TopKRouter.create("moe", cfg, t, DataType.FLOAT);
        r.route(logits);
        DispatchPlan p = DispatchPlan.create("moe", cfg.experts(), t, cfg.routedTopK(), d, DataType.FLOAT);
        p.build(r.expertIds());
        INDArray y = Nd4j.create(DataType.FLOAT, t, d);
        p.combineInto(expertOut, r.combineWeights(), y);
        return Math.sqrt(y.mul(y).meanNumber().doubleValue());
    }

    /**
     * Perfect balance: token t's logits are a cyclic shift by t of one vector h with distinct entries,
     * over T = m E tokens. Every expert then sees every entry of h exactly m times, so its probability
     * mass and its load are the same for all experts, and the Switch loss is
     * gamma E sum_i (1/E)(1/E) = gamma; the entropy loss is 0. Float64 sums: 1e-12.
     */
    @Test
    void switchLoss_equalsItsWeightAtPerfectBalance() {
        qt().withFixedSeed(11L)
                .withExamples(40)
                .forAll(
                        integers().between(1, 12),
                        integers().between(1, 12),
                        integers().between(1, 5),
                        doubles().between(1e-3, 1.0))
                .assuming((e, k, m, gamma) -> k <= e)
                .checkAssert((e, k, m, gamma) -> {
                    int t = m * e;
                    double[] h =
                            new SplittableRandom(e * 131L + k).doubles(e, -3, 3).toArray();
                    INDArray l = Nd4j.create(DataType.DOUBLE, t, e);
                    for (int i = 0; i < t; i++) {
                        for (int j = 0; j < e; j++) {
                            l.putScalar(i, j, h[Math.floorMod(j - i, e)]);
                        }
                    }
                    TopKRouter r =
                            TopKRouter.create("moe", new RouterConfig(e, k, false, true, 0.5), t, DataType.DOUBLE);
                    r.route(l);
                    DispatchPlan p = DispatchPlan.create("moe", e, t, k, 1, DataType.DOUBLE);
                    p.build(r.expertIds());
                    BalanceLosses b = BalanceLosses.create(
                            "moe", new BalanceConfig(gamma, 0, 1.0), e, t, DataType.DOUBLE, NormReduction.local());
                    var v = b.compute(l, p.countsArray());
                    assertEquals(gamma, v.switchLoss(), 1e-12);
                    assertEquals(0.0, v.entropyLoss(), 1e-12);
                    assertEquals(0.0, RoutingStats.maxVio(b.globalLoads()), 0.0);
                });
    }

    /**
     * A skewed synthetic router: logits uniform in [-1, 1] (eight pre-drawn batches, cycled) plus a
     * per-expert offset growing linearly to {@code skew} <= 3, so the high experts take most tokens.
     * Loss-free balancing (u = 0.05, so 60 steps can move a bias by 3) must bring the mean MaxVio of
     * the last 20 of 90 steps below a quarter of the first step's (observed: first 1.0 to 3.3, last
     * 0.09 to 0.27, at most 0.15 of the first); with T k' >= 1024 rows over 8 experts the sampling
     * noise of MaxVio is about 0.1, and the bias oscillates by +-u around its equilibrium.
     */
    @Test
    void lossFreeBalancing_drivesMaxVioDownOnASkewedRouter() {
        int e = 8;
        int t = 1024;
        qt().withFixedSeed(3L)
                .withExamples(2)
                .forAll(integers().between(1, 3), doubles().between(1.0, 3.0), longs().between(0, 1L << 40))
                .checkAssert((k, skew, seed) -> {
                    TopKRouter r =
                            TopKRouter.create("moe", new RouterConfig(e, k, false, true, 0.5), t, DataType.FLOAT);
                    DispatchPlan p = DispatchPlan.create("moe", e, t, k, 1, DataType.FLOAT);
                    LossFreeBalancer balancer =
                            LossFreeBalancer.create("moe", e, 0.05, DataType.FLOAT, NormReduction.local());
                    r.setSelectionBias(balancer.bias());
                    INDArray offset = Nd4j.arange(0, e).castTo(DataType.FLOAT).muli(skew / (e - 1));
                    INDArray[] batches = new INDArray[8];
                    for (int i = 0; i < batches.length; i++) {
                        batches[i] = logits(seed + i, 2, t, e, DataType.FLOAT).addiRowVector(offset);
                    }
                    double first = 0;
                    double lastMean = 0;
                    int steps = 90;
                    for (int step = 0; step < steps; step++) {
                        r.route(batches[step % batches.length]);
                        p.build(r.expertIds());
                        double vio = RoutingStats.maxVio(Arrays.stream(p.tokensPerExpert())
                                .asDoubleStream()
                                .toArray());
                        if (step == 0) {
                            first = vio;
                        }
                        if (step >= steps - 20) {
                            lastMean += vio / 20;
                        }
                        balancer.updateInPlace(p.countsArray());
                    }
                    assertTrue(first > 0.8, "the synthetic router must start skewed, MaxVio " + first);
                    assertTrue(lastMean < 0.25 * first, "MaxVio " + first + " -> " + lastMean);
                });
    }
}
