package io.hyperp.scaling.fit;

import io.hyperp.scaling.internal.Checks;
import io.hyperp.scaling.internal.Resampling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compute leverage of a method X over a method Y at Y's compute \( C_Y \): the compute X needs to reach the
 * loss Y reaches at \( C_Y \) is \( C_{eq} = ((L_Y(C_Y) - E_X) / A_X)^{-1/b_X} \), and the leverage is
 * \( C_Y / C_{eq} \) (above 1: X is more compute-efficient).
 *
 * <p>When Y's loss is at or below X's irreducible loss, X never reaches it: \( C_{eq} = \infty \) and the
 * leverage is 0. Immutable and thread-safe.
 *
 * <p>References: SPEC section 7; Ren et al., arXiv 2603.28743 (HyperP reports 1.58 at 6e21 FLOPs).
 *
 * @param method X
 * @param over Y
 * @param atCompute C_Y
 * @param leverage C_Y / C_eq
 * @param computeEquivalent C_eq
 * @param interval seeded bootstrap interval of the leverage (both fits refitted on independent resamples, the
 *     i-th successful draw of X paired with the i-th of Y; expanded percentile with the smaller data set's
 *     degrees of freedom); {@link Interval#UNKNOWN} when computed from given laws or when fewer than half the
 *     resamples succeeded
 */
public record Leverage(
        String method, String over, double atCompute, double leverage, double computeEquivalent, Interval interval) {

    /**
     * Computes the leverage of fitted law x over fitted law y at compute cY (no interval).
     *
     * @param method name of X
     * @param x X's law
     * @param over name of Y
     * @param y Y's law
     * @param cY Y's compute, positive
     * @return the leverage
     * @throws IllegalArgumentException for a non-positive compute
     */
    public static Leverage of(String method, LossVsCompute x, String over, LossVsCompute y, double cY) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        Checks.positive(cY, "atCompute");
        double ceq = x.computeFor(y.loss(cY));
        return new Leverage(method, over, cY, cY / ceq, ceq, Interval.UNKNOWN);
    }

    /**
     * Fits both laws from points and bootstraps the leverage.
     *
     * @param method name of X
     * @param computeX X's compute values
     * @param lossX X's losses
     * @param over name of Y
     * @param computeY Y's compute values
     * @param lossY Y's losses
     * @param cY Y's compute at which to compare, positive
     * @param options bootstrap settings (Y's resamples use the seed + 1)
     * @return the leverage with its interval
     * @throws IllegalArgumentException for bad data (see {@link LossVsCompute#fit})
     */
    public static Leverage estimate(
            String method,
            double[] computeX,
            double[] lossX,
            String over,
            double[] computeY,
            double[] lossY,
            double cY,
            BootstrapOptions options) {
        Checks.positive(cY, "atCompute");
        BootstrapOptions none = options.withResamples(0);
        LossVsCompute fx = LossVsCompute.fit(computeX, lossX, none);
        LossVsCompute fy = LossVsCompute.fit(computeY, lossY, none);
        Leverage point = of(method, fx, over, fy, cY);
        if (options.resamples() == 0) {
            return point;
        }
        List<double[]> dx = draws(computeX, lossX, options);
        List<double[]> dy = draws(computeY, lossY, options.withSeed(options.seed() + 1));
        int m = Math.min(dx.size(), dy.size());
        if (m == 0 || m * 2 < options.resamples()) {
            return point;
        }
        double[] values = new double[m];
        for (int i = 0; i < m; i++) {
            double[] px = dx.get(i);
            double[] py = dy.get(i);
            double ly = py[0] * Math.pow(cY, -py[1]) + py[2];
            values[i] = cY / LossVsCompute.computeFor(px[0], px[1], px[2], ly);
        }
        int n = Math.min(computeX.length, computeY.length);
        Interval interval = Resampling.percentile(values, Resampling.expandedLevel(options.level(), n, 3));
        return new Leverage(method, over, cY, point.leverage, point.computeEquivalent, interval);
    }

    /** Bootstrap draws of [A, b, E] for one method's points, via the law's own bootstrap machinery. */
    private static List<double[]> draws(double[] compute, double[] loss, BootstrapOptions options) {
        List<double[]> out = new ArrayList<>();
        LossVsCompute.forEachDraw(compute, loss, options, out::add);
        return out;
    }

    /**
     * Returns the leverage as an ordered map for {@link io.hyperp.scaling.io.Json}.
     *
     * @return keys method, over, at_compute, leverage, compute_equivalent, ci_low, ci_high
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("over", over);
        m.put("at_compute", atCompute);
        m.put("leverage", leverage);
        m.put("compute_equivalent", computeEquivalent);
        m.put("ci_low", interval.low());
        m.put("ci_high", interval.high());
        return m;
    }
}
