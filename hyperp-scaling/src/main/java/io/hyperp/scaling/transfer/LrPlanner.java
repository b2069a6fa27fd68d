package io.hyperp.scaling.transfer;

import io.hyperp.scaling.fit.BootstrapOptions;
import io.hyperp.scaling.fit.Interval;
import io.hyperp.scaling.fit.OptimalLrResult;
import io.hyperp.scaling.fit.PowerLaw;
import io.hyperp.scaling.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Predicts the learning rate at a target scale from the optimal learning rates measured at base scales, with an
 * interval propagated from the bases' bootstrap intervals.
 *
 * <p>Two ways to combine the bases, both linear in \( \ln\eta^*_i \):
 *
 * <ul>
 *   <li>{@link #byRule}: transfer each base optimum to the target with a chosen rule, \( \eta_i = \eta^*_i f_i \),
 *       and take the geometric mean, \( \ln\eta = \frac1n \sum_i \ln(\eta^*_i f_i) \). With one base this is the
 *       rule applied to that base; with a rule whose factors are all 1 along the bases' axis (HyperP across
 *       width) it is the constant law of {@code TransferQuality.acrossScales}.
 *   <li>{@link #byLaw}: fit \( \eta^* = c \prod_a x_a^{e_a} \) to the bases on log-log ({@link PowerLaw}) and
 *       evaluate it at the target, exactly as {@code TransferQuality.extrapolation} does; no axes is the constant
 *       law.
 * </ul>
 *
 * <p>Interval: in both cases \( \ln\eta = \sum_i w_i \ln\eta^*_i + \text{const} \), with weights \( w_i \) read
 * off the fit (1/n for a rule; the hat-matrix row at the target for a law). Each base's bootstrap interval
 * \( [l_i, h_i] \) at level p is read as a split normal in \( \ln\eta^* \) with lower and upper standard
 * deviations \( (\ln\eta^*_i - \ln l_i)/z \) and \( (\ln h_i - \ln\eta^*_i)/z \), \( z = \Phi^{-1}((1+p)/2) \);
 * independent bases combine in quadrature, each weight taking the side its sign points to:
 * \( \ln\eta \mp z \sqrt{\sum_i (w_i \sigma_i^\mp)^2} \). With one base and weight 1 the interval is the base's
 * interval times the rule's factor, exactly. The interval covers the measurement error of the optima, not the
 * error of the rule or law itself (use {@code TransferQuality.fitQuality} for that). Stateless and thread-safe.
 *
 * <p>References: SPEC sections 4 and 7; Efron and Tibshirani, An Introduction to the Bootstrap (1993); Kalra and
 * Barkeshli, arXiv 2605.21486.
 */
public final class LrPlanner {
    private static final BootstrapOptions NO_BOOTSTRAP =
            BootstrapOptions.defaults().withResamples(0);

    private LrPlanner() {}

    /**
     * Transfers every base optimum to the target with {@code rule} and combines them by geometric mean.
     *
     * @param rule the rule
     * @param bases the base scales
     * @param optima the accepted optimal-LR fit at each base
     * @param target the target scale
     * @param level the level of the optima's intervals, in (0, 1)
     * @return the prediction
     * @throws IllegalArgumentException for no bases, mismatched lengths, a refused optimum, or a rule that
     *     refuses a base-to-target move
     */
    public static PlannedLr byRule(
            PlanningRule rule, List<Scale> bases, List<OptimalLrResult> optima, Scale target, double level) {
        Objects.requireNonNull(rule, "rule");
        double[] eta = check(bases, optima, target, level);
        int n = eta.length;
        double[] moved = new double[n];
        List<Double> factors = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double f = rule.transfer(1, bases.get(i), target).eta();
            factors.add(f);
            weights.add(1.0 / n);
            moved[i] = eta[i] * f;
        }
        double point =
                PowerLaw.fit(new double[n][0], moved, List.of(), NO_BOOTSTRAP).predict();
        Interval iv = interval(point, optima, weights, factors, level);
        return new PlannedLr("rule " + rule.name(), point, iv, level, bases, weights, factors, target);
    }

    /**
     * Fits a power law in {@code axes} to the base optima and evaluates it at the target.
     *
     * @param axes the law's predictors (empty: a constant law)
     * @param bases the base scales, each holding every axis of the law
     * @param optima the accepted optimal-LR fit at each base
     * @param target the target scale, holding every axis of the law
     * @param level the level of the optima's intervals, in (0, 1)
     * @return the prediction
     * @throws IllegalArgumentException for no bases, mismatched lengths, a refused optimum, a missing axis, fewer
     *     than axes + 1 bases or axes that do not vary independently among the bases
     */
    public static PlannedLr byLaw(
            List<Axis> axes, List<Scale> bases, List<OptimalLrResult> optima, Scale target, double level) {
        Objects.requireNonNull(axes, "axes");
        double[] eta = check(bases, optima, target, level);
        int n = eta.length;
        int k = axes.size();
        List<String> names = new ArrayList<>();
        for (Axis a : axes) {
            names.add(a.label());
        }
        double[][] x = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                x[i][j] = value(bases.get(i), axes.get(j), "base " + (i + 1));
            }
        }
        double[] xt = new double[k];
        for (int j = 0; j < k; j++) {
            xt[j] = value(target, axes.get(j), "the target");
        }
        if (n < k + 1) {
            throw Checks.iae(
                    "a law in %d ax%s needs at least %d base scales, found %d", k, k == 1 ? "is" : "es", k + 1, n);
        }
        double point = PowerLaw.fit(x, eta, names, NO_BOOTSTRAP).predict(xt);
        List<Double> weights = new ArrayList<>();
        List<Double> factors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] unit = new double[n];
            java.util.Arrays.fill(unit, 1);
            unit[i] = Math.E;
            weights.add(Math.log(PowerLaw.fit(x, unit, names, NO_BOOTSTRAP).predict(xt)));
            factors.add(1.0);
        }
        Interval iv = interval(point, optima, weights, factors, level);
        return new PlannedLr(
                k == 0 ? "law constant" : "law in " + String.join(", ", names),
                point,
                iv,
                level,
                bases,
                weights,
                factors,
                target);
    }

    private static double value(Scale s, Axis a, String where) {
        if (!s.has(a)) {
            throw Checks.iae(
                    "%s has no %s, a predictor of the law (has: %s)",
                    where, a.label(), s.values().keySet());
        }
        return s.get(a);
    }

    private static double[] check(List<Scale> bases, List<OptimalLrResult> optima, Scale target, double level) {
        Objects.requireNonNull(bases, "bases");
        Objects.requireNonNull(optima, "optima");
        Objects.requireNonNull(target, "target");
        Checks.sameLength(bases.size(), "bases", optima.size(), "optima");
        if (bases.isEmpty()) {
            throw Checks.iae("a plan needs at least one base scale, found none");
        }
        if (!(level > 0 && level < 1)) {
            throw Checks.iae("level (%s) must lie strictly between 0 and 1", level);
        }
        double[] eta = new double[bases.size()];
        for (int i = 0; i < eta.length; i++) {
            OptimalLrResult r = Objects.requireNonNull(optima.get(i), "optima[" + i + "]");
            Objects.requireNonNull(bases.get(i), "bases[" + i + "]");
            if (!r.isOk()) {
                throw Checks.iae("base %d has no accepted optimum: %s", i + 1, r.message());
            }
            eta[i] = r.etaStar();
        }
        return eta;
    }

    /** Split-normal propagation of the bases' intervals through ln eta = sum w_i ln eta*_i + const. */
    private static Interval interval(
            double point, List<OptimalLrResult> optima, List<Double> weights, List<Double> factors, double level) {
        double z = new NormalDistribution().inverseCumulativeProbability(0.5 * (1 + level));
        double lo = 0;
        double hi = 0;
        for (int i = 0; i < optima.size(); i++) {
            Interval iv = optima.get(i).interval();
            if (!iv.isKnown() || !(iv.low() > 0)) {
                return Interval.UNKNOWN;
            }
            double ln = Math.log(optima.get(i).etaStar());
            double down = Math.max(0, ln - Math.log(iv.low())) / z;
            double up = Math.max(0, Math.log(iv.high()) - ln) / z;
            double w = weights.get(i);
            double sLo = w * (w >= 0 ? down : up);
            double sHi = w * (w >= 0 ? up : down);
            lo += sLo * sLo;
            hi += sHi * sHi;
        }
        double lnPoint = Math.log(point);
        return new Interval(Math.exp(lnPoint - z * Math.sqrt(lo)), Math.exp(lnPoint + z * Math.sqrt(hi)));
    }
}
