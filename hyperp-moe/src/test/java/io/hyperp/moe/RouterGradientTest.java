package io.hyperp.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hyperp.core.sphere.NormReduction;
import io.hyperp.core.testing.RandomMatrices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every backward pass of routing, dispatch and combine against central finite differences in
 * float64. With step h = 1e-6 the truncation error is O(h^2) ~ 1e-12 times third derivatives of
 * order 1, and the rounding error is ~1e-16 / h = 1e-10; a tolerance of 1e-6 (absolute, on
 * gradients of order 0.1 to 1) is far above both and far below any real mistake (a missing factor
 * 1/2 or a sign shows at 1e-2 or more). Random logits have gaps of order 0.1 between experts, so the
 * top-k selection never changes inside +-h.
 */
class RouterGradientTest {

    private static final double H = 1e-6;
    private static final double TOL = 1e-6;
    private static final int T = 6;
    private static final int E = 5;
    private static final int D = 4;

    /** Everything one evaluation needs; the loss is linear in the outputs plus the three aux losses. */
    private static final class Problem {
        final Router router;
        final Dispatcher dispatcher;
        final INDArray table;   // [T * E, D]: the output of expert e for token t is row t * E + e
        final INDArray proj;    // [T, D]: the projection that makes the output a scalar
        final int k;

        Problem(RouterConfig cfg) {
            router = Router.create(cfg, T, DataType.DOUBLE);
            dispatcher = Dispatcher.create(router, D);
            table = RandomMatrices.uniform(7, DataType.DOUBLE, T * E, D);
            proj = RandomMatrices.uniform(8, DataType.DOUBLE, T, D);
            k = cfg.routedTopK();
        }

        /** The dispatch-ordered expert outputs for the current plan. */
        INDArray outputs() {
            INDArray rows = Nd4j.create(DataType.DOUBLE, (long) k * T);
            INDArray expertOfRow = Nd4j.create(DataType.DOUBLE, (long) k * T);
            for (int e = 0; e < E; e++) {
                long off = dispatcher.offset(e);
                for (long r = off; r < off + dispatcher.count(e); r++) {
                    expertOfRow.putScalar(r, e);
                }
            }
            rows.assign(dispatcher.tokenOf().castTo(DataType.DOUBLE).mul(E).add(expertOfRow));
            INDArray out = Nd4j.create(DataType.DOUBLE, (long) k * T, D);
            for (int r = 0; r < k * T; r++) {
                out.getRow(r).assign(table.getRow(rows.getLong(r)));
            }
            return out;
        }

        double loss(INDArray logits, INDArray gradLogits) {
            router.route(logits, null);
            dispatcher.plan();
            INDArray out = outputs();
            INDArray y = Nd4j.create(DataType.DOUBLE, T, D);
            dispatcher.combine(out, y);
            double l = y.mul(proj).sumNumber().doubleValue();
            if (gradLogits != null) {
                INDArray gOut = Nd4j.create(DataType.DOUBLE, (long) k * T, D);
                INDArray gW = Nd4j.create(DataType.DOUBLE, k, T);
                dispatcher.backwardCombine(proj, out, gOut, gW);
                router.backwardWeights(gW, gradLogits);
            }
            l += BalanceLosses.switchLoss(router, 0.1, NormReduction.local(), gradLogits);
            l += BalanceLosses.zLoss(router, 0.01, gradLogits);
            l += BalanceLosses.entropyLoss(router, 0.05, NormReduction.local(), gradLogits);
            return l;
        }
    }

    @ParameterizedTest(name = "topK {0}, shared {1}, sqrtGate {2}")
    @CsvSource({"1, false, true", "2, false, true", "2, false, false", "3, true, true", "3, true, false", "5, false, true"})
    void logitGradient_matchesCentralDifferences(int topK, boolean shared, boolean sqrtGate) {
        Problem p = new Problem(new RouterConfig("moe.0", E, topK, shared, sqrtGate, 0.5));
        INDArray logits = RandomMatrices.uniform(3, DataType.DOUBLE, T, E).muli(2);
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, T, E);
        p.loss(logits, grad);
        for (int t = 0; t < T; t++) {
            for (int e = 0; e < E; e++) {
                double v = logits.getDouble(t, e);
                logits.putScalar(t, e, v + H);
                double up = p.loss(logits, null);
                logits.putScalar(t, e, v - H);
                double down = p.loss(logits, null);
                logits.putScalar(t, e, v);
                assertEquals((up - down) / (2 * H), grad.getDouble(t, e), TOL, "dL/dlogits[" + t + ", " + e + "]");
            }
        }
    }

    @ParameterizedTest(name = "topK {0}")
    @CsvSource({"1", "2", "4"})
    void expertOutputAndInputGradients_matchCentralDifferences(int topK) {
        Problem p = new Problem(RouterConfig.of("moe.1", E, topK));
        INDArray logits = RandomMatrices.uniform(4, DataType.DOUBLE, T, E);
        p.router.route(logits, null);
        p.dispatcher.plan();
        int rows = topK * T;
        // d/d(expert outputs) of sum(combine(out) * proj)
        INDArray out = RandomMatrices.uniform(5, DataType.DOUBLE, rows, D);
        INDArray gOut = Nd4j.create(DataType.DOUBLE, rows, D);
        p.dispatcher.backwardCombine(p.proj, out, gOut, Nd4j.create(DataType.DOUBLE, topK, T));
        INDArray y = Nd4j.create(DataType.DOUBLE, T, D);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < D; c++) {
                double v = out.getDouble(r, c);
                out.putScalar(r, c, v + H);
                p.dispatcher.combine(out, y);
                double up = y.mul(p.proj).sumNumber().doubleValue();
                out.putScalar(r, c, v - H);
                p.dispatcher.combine(out, y);
                double down = y.mul(p.proj).sumNumber().doubleValue();
                out.putScalar(r, c, v);
                assertEquals((up - down) / (2 * H), gOut.getDouble(r, c), TOL, "dL/dout[" + r + ", " + c + "]");
            }
        }
        // d/dx of sum(gather(x) * s)
        INDArray x = RandomMatrices.uniform(6, DataType.DOUBLE, T, D);
        INDArray s = RandomMatrices.uniform(9, DataType.DOUBLE, rows, D);
        INDArray gx = Nd4j.create(DataType.DOUBLE, T, D);
        p.dispatcher.backwardGather(s, gx);
        INDArray xs = Nd4j.create(DataType.DOUBLE, rows, D);
        for (int t = 0; t < T; t++) {
            for (int c = 0; c < D; c++) {
                double v = x.getDouble(t, c);
                x.putScalar(t, c, v + H);
                p.dispatcher.gatherInputs(x, xs);
                double up = xs.mul(s).sumNumber().doubleValue();
                x.putScalar(t, c, v - H);
                p.dispatcher.gatherInputs(x, xs);
                double down = xs.mul(s).sumNumber().doubleValue();
                x.putScalar(t, c, v);
                assertEquals((up - down) / (2 * H), gx.getDouble(t, c), TOL, "dL/dx[" + t + ", " + c + "]");
            }
        }
    }
}
