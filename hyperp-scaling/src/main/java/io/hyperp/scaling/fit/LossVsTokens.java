package io.hyperp.scaling.fit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fitting paradigm's loss-versus-tokens law \( L(D) = L_0 + A D^{-\gamma} \), fitted by nonlinear least
 * squares ({@link PowerLawWithOffset}) with seeded bootstrap intervals.
 *
 * <p>With a warmup-stable-decay schedule, one long run decayed at several token counts D gives the points, so
 * one run replaces a sweep per D. No sign constraints are imposed; a negative A or gamma shows in the result.
 * Immutable and thread-safe.
 *
 * <p>References: Zhou et al., How to Set the Learning Rate for Large-Scale Pre-training? (arXiv 2601.05049);
 * SPEC section 7.
 *
 * @param l0 the irreducible loss L0
 * @param a the coefficient A
 * @param gamma the decay exponent gamma
 * @param l0Interval interval of L0
 * @param aInterval interval of A
 * @param gammaInterval interval of gamma
 * @param r2 coefficient of determination of L
 * @param data the data fitted (predictor "tokens", losses)
 * @param bootstrap what the bootstrap did
 */
public record LossVsTokens(
        double l0,
        double a,
        double gamma,
        Interval l0Interval,
        Interval aInterval,
        Interval gammaInterval,
        double r2,
        FitData data,
        BootstrapSummary bootstrap) {

    /**
     * Fits the law.
     *
     * @param tokens token counts D, positive
     * @param loss losses, finite
     * @param options bootstrap settings
     * @return the fitted law
     * @throws IllegalArgumentException for bad values, fewer than 3 points, a constant D or non-convergence
     */
    public static LossVsTokens fit(double[] tokens, double[] loss, BootstrapOptions options) {
        PowerLawFit f = PowerLawWithOffset.fit(tokens, loss, options);
        double e = f.exponent("x");
        Interval ei = f.exponentIntervals().get("x");
        Interval gi = ei.isKnown() ? new Interval(-ei.high(), -ei.low()) : Interval.UNKNOWN;
        return new LossVsTokens(
                f.offset(),
                f.coefficient(),
                -e,
                f.offsetInterval(),
                f.coefficientInterval(),
                gi,
                f.r2(),
                FitData.of(java.util.List.of("tokens"), PowerLaw.columns(tokens), loss),
                f.bootstrap());
    }

    /**
     * Returns the number of points fitted.
     *
     * @return {@code data().size()}
     */
    public int points() {
        return data.size();
    }

    /**
     * Evaluates the law.
     *
     * @param tokens D, positive
     * @return L0 + A D^-gamma
     */
    public double loss(double tokens) {
        return l0 + a * Math.pow(tokens, -gamma);
    }

    /**
     * Returns the fit as an ordered map for {@link io.hyperp.scaling.io.Json}.
     *
     * @return keys l0, a, gamma, r2, ci (name to [low, high]), points
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("l0", l0);
        m.put("a", a);
        m.put("gamma", gamma);
        m.put("r2", r2);
        Map<String, Object> ci = new LinkedHashMap<>();
        ci.put("l0", java.util.Arrays.asList(l0Interval.low(), l0Interval.high()));
        ci.put("a", java.util.Arrays.asList(aInterval.low(), aInterval.high()));
        ci.put("gamma", java.util.Arrays.asList(gammaInterval.low(), gammaInterval.high()));
        m.put("ci", ci);
        m.put("points", points());
        return m;
    }
}
