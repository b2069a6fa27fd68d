package io.hyperp.moe.routing;

import io.hyperp.core.sphere.NormReduction;
import io.hyperp.core.testing.FiniteDifferences;
import io.hyperp.core.testing.RandomMatrices;
import io.hyperp.moe.RouterConfig;
import io.hyperp.moe.balance.BalanceConfig;
import io.hyperp.moe.balance.BalanceLosses;
import io.hyperp.moe.internal.Ops;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The backward passes of routing and combine against central finite differences in float64 (step
 * {@link FiniteDifferences#H}). The loss is {@code sum(R * y) + balance losses} with a fixed random
 * projection R, so every gradient path is exercised. Logits are uniform in [-2, 2): the smallest gap
 * between two logits of a token is far above the step, so the top-k selection is the same at
 * {@code +-h}. Tolerance 1e-7 relative: truncation and rounding errors are below 1e-9 (see
 * FiniteDifferences), and a wrong factor or sign shows at 1e-2 or more. Every logit and input entry is
 * checked; for the expert outputs a seeded sample of 32 entries per case.
 */
class RoutingGradientTest {

    private static final double TOL = 1e-7;
    private static final int T = 6;
    private static final int E = 5;
    private static final int D = 4;

    /** Router, plan, losses, and expert outputs defined per (token, expert) so they follow the routing. */
    private static final class Problem {
        final TopKRouter router;
        final DispatchPlan plan;
        final BalanceLosses balance;
        final INDArray table; // [T * E, D]: output of expert e for token t at row t * E + e
        final INDArray proj; // [T, D]
        final INDArray y;
        final INDArray ye;
        final INDArray index; // LONG [N]
        final INDArray expertOfRow;
        final int k;

        Problem(RouterConfig cfg, BalanceConfig bal) {
            router = TopKRouter.create("moe", cfg, T, DataType.DOUBLE);
            k = cfg.routedTopK();
            plan = DispatchPlan.create("moe", E, T, k, D, DataType.DOUBLE);
            balance = BalanceLosses.create("moe", bal, E, T, DataType.DOUBLE, NormReduction.local());
            table = RandomMatrices.uniform(7, DataType.DOUBLE, (long) T * E, D);
            proj = RandomMatrices.uniform(8, DataType.DOUBLE, T, D);
            y = Nd4j.create(DataType.DOUBLE, T, D);
            ye = Nd4j.create(DataType.DOUBLE, (long) k * T, D);
            index = Nd4j.create(DataType.LONG, (long) k * T);
            expertOfRow = Nd4j.create(DataType.LONG, (long) k * T);
        }

        /** Routes, plans and fills {@code ye} with each row's (token, expert) output. */
        void route(INDArray logits) {
            router.route(logits);
            plan.build(router.expertIds());
            Ops.gather(router.expertIds().reshape((long) k * T), plan.slotOfRow(), expertOfRow);
            index.assign(plan.tokenOfRow()).muli(E).addi(expertOfRow);
            Ops.gather(table, index, ye);
        }

        /** The loss with the current routing and expert outputs. */
        double lossAtCurrentRouting() {
            plan.combineInto(ye, router.combineWeights(), y);
            double l = y.mul(proj).sumNumber().doubleValue();
            return l + balance.compute(router.logits(), plan.countsArray()).total();
        }
    }

    @ParameterizedTest(name = "topK {0}, shared {1}, sqrtGate {2}")
    @CsvSource({
        "1, false, true",
        "2, false, true",
        "2, false, false",
        "3, true, true",
        "3, true, false",
        "5, false, true",
        "6, true, false"
    })
    void logitGradient_matchesCentralDifferences(int topK, boolean shared, boolean sqrtGate) {
        Problem p = new Problem(new RouterConfig(E, topK, shared, sqrtGate, 0.3), new BalanceConfig(0.1, 0.01, 0.05));
        INDArray logits = RandomMatrices.uniform(3, DataType.DOUBLE, T, E).muli(2);
        p.route(logits);
        p.lossAtCurrentRouting();
        INDArray dYe = Nd4j.create(DataType.DOUBLE, (long) p.k * T, D);
        INDArray dW = Nd4j.create(DataType.DOUBLE, p.k, T);
        p.plan.combineBackwardInto(p.proj, p.ye, p.router.combineWeights(), dYe, dW);
        INDArray grad = Nd4j.create(DataType.DOUBLE, T, E);
        p.router.backwardInto(dW, grad);
        p.balance.addGradientInPlace(grad);
        FiniteDifferences.assertGradientSampled(
                "dL/dlogits",
                logits,
                grad,
                () -> {
                    p.route(logits);
                    return p.lossAtCurrentRouting();
                },
                FiniteDifferences.H,
                TOL,
                T * E,
                topK);
    }

    @ParameterizedTest(name = "topK {0}, sqrtGate {1}")
    @CsvSource({"2, true", "4, false"})
    void expertOutputGradient_matchesCentralDifferences(int topK, boolean sqrtGate) {
        Problem p = new Problem(new RouterConfig(E, topK, false, sqrtGate, 0.5), BalanceConfig.none());
        p.route(RandomMatrices.uniform(4, DataType.DOUBLE, T, E));
        INDArray ye = RandomMatrices.uniform(5, DataType.DOUBLE, (long) topK * T, D);
        p.ye.assign(ye);
        INDArray dYe = Nd4j.create(DataType.DOUBLE, (long) topK * T, D);
        p.plan.combineBackwardInto(p.proj, p.ye, p.router.combineWeights(), dYe, Nd4j.create(DataType.DOUBLE, topK, T));
        FiniteDifferences.assertGradientSampled(
                "dL/dexpertOut", p.ye, dYe, p::lossAtCurrentRouting, FiniteDifferences.H, TOL, 32, topK);
    }

    /** The input gradient of dispatch is sumInto (the adjoint of gatherInto). */
    @ParameterizedTest(name = "topK {0}")
    @CsvSource({"1", "3"})
    void dispatchInputGradient_isTheSumOfTheRows(int topK) {
        Problem p = new Problem(new RouterConfig(E, topK, false, true, 0.5), BalanceConfig.none());
        p.route(RandomMatrices.uniform(6, DataType.DOUBLE, T, E));
        INDArray x = RandomMatrices.uniform(9, DataType.DOUBLE, T, D);
        INDArray s = RandomMatrices.uniform(10, DataType.DOUBLE, (long) topK * T, D);
        INDArray xs = Nd4j.create(DataType.DOUBLE, (long) topK * T, D);
        INDArray gx = Nd4j.create(DataType.DOUBLE, T, D);
        p.plan.sumInto(s, gx);
        FiniteDifferences.assertGradientSampled(
                "dL/dx",
                x,
                gx,
                () -> {
                    p.plan.gatherInto(x, xs);
                    return xs.mul(s).sumNumber().doubleValue();
                },
                FiniteDifferences.H,
                TOL,
                T * D,
                topK);
    }
}
