package io.hyperp.scaling.fit;

import static io.hyperp.scaling.internal.Numbers.g;

import io.hyperp.scaling.internal.Checks;
import io.hyperp.scaling.internal.LinearLeastSquares;
import io.hyperp.scaling.internal.Numbers;
import io.hyperp.scaling.internal.Resampling;
import io.hyperp.scaling.sweep.SweepPoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.distribution.FDistribution;

/**
 * The optimal learning rate of one sweep: least squares fit of the quadratic
 * \( L(\eta) = a x^2 + b x + c \), \( x = \ln\eta \), so that \( \eta^* = \exp(-b / 2a) \) and
 * \( L_{min} = c - b^2 / 4a \), with a seeded percentile bootstrap interval.
 *
 * <p>Procedure: (1) exclude diverged runs and runs far up the walls by the rule documented in
 * {@link OptimalLrOptions}; (2) require {@code minPoints} distinct learning rates among the rest; (3) fit the
 * quadratic in ln(lr) (centred for conditioning); (4) refuse if a &lt;= 0 (no basin), or if the sweep does not
 * bracket the optimum: eta* lies outside [smallest, largest kept lr], or the lowest (mean, over repeated runs)
 * loss sits at the smallest or largest kept lr, so the data never show the loss rising on that side — the fit
 * never extrapolates; a refusal's message says in which direction to widen the sweep and suggests learning
 * rates to add; (5) check that the quadratic reads the sweep: if its eta* lies more than one sweep step (and more
 * than a factor 2) from the swept lr of lowest mean loss, or (with at least two residual degrees of freedom beyond a cubic) a cubic term
 * in ln(lr) is significant (F test at {@link #STRUCTURE_TEST_LEVEL}), the sweep is lopsided and the quadratic is
 * refitted on the points around the lowest loss (its swept lr and the neighbours one step either side; on the
 * demo's lopsided basins this moves eta* from more than a step off to within half a step of the planted optimum,
 * see LopsidedFitTest): {@link OptimalLrEstimator#LOCAL_QUADRATIC}, with the reason in the result's message;
 * with a single run per learning rate that fit is exact and has no interval, so replicate seeds are needed to
 * bound it; (6) bootstrap
 * eta* and L_min of the chosen fit (B resamples, expanded percentile intervals as in
 * {@link io.hyperp.scaling.internal.Resampling}; resamples whose refit is not convex count as failures and are
 * left out of the percentiles; with no residual degrees of freedom the intervals are NaN); (7) call the optimum
 * {@link OptimalLrStatus#UNRESOLVED} when the bootstrap ran but gave no interval, or an interval wider than the
 * swept range or than {@link #MAX_INTERVAL_STEPS} sweep steps: such a sweep cannot say where the optimum is.
 *
 * <p>{@link #fit} never throws on inadequate data: it returns a result whose status says what was wrong, so a
 * caller can record a refused fit and go on. {@link #fitOrThrow} throws instead. Stateless and thread-safe.
 *
 * <p>References: Zhou et al., How to Set the Learning Rate for Large-Scale Pre-training? (arXiv 2601.05049);
 * Ren et al., arXiv 2603.28743 (HyperP); SPEC section 7.
 */
public final class OptimalLr {
    /** Number of coefficients of the quadratic. */
    private static final int P = 3;
    /**
     * Widest bootstrap interval of eta*, in sweep steps (the median ratio between neighbouring swept learning
     * rates), that still counts as resolved: 2, so that the interval places the optimum within about one step on
     * either side. A wider interval (or one wider than the swept range) makes the fit
     * {@link OptimalLrStatus#UNRESOLVED}.
     */
    public static final double MAX_INTERVAL_STEPS = 2.0;

    /** Level of the F test for structure in the quadratic's residuals (a significant cubic term). */
    public static final double STRUCTURE_TEST_LEVEL = 0.05;

    /** Smallest grid step used when suggesting new learning rates. */
    private static final double MIN_SUGGESTION_RATIO = 2.0;

    private OptimalLr() {}

    /**
     * Fits with {@link OptimalLrOptions#defaults()}.
     *
     * @param points the sweep's runs (learning rate, loss)
     * @return the result, possibly a refusal
     * @throws NullPointerException if the list or a point is null
     */
    public static OptimalLrResult fit(List<SweepPoint> points) {
        return fit(points, OptimalLrOptions.defaults());
    }

    /**
     * Fits the optimal learning rate; never throws for inadequate data.
     *
     * @param points the sweep's runs (learning rate, loss)
     * @param options exclusion rule, minimum points and bootstrap settings
     * @return the result, possibly a refusal
     * @throws NullPointerException if an argument or a point is null
     */
    public static OptimalLrResult fit(List<SweepPoint> points, OptimalLrOptions options) {
        Objects.requireNonNull(points, "points");
        Objects.requireNonNull(options, "options");
        List<SweepPoint> finite = new ArrayList<>();
        List<Exclusion> excluded = new ArrayList<>();
        for (SweepPoint p : points) {
            Objects.requireNonNull(p, "point");
            if (p.isDiverged()) {
                excluded.add(new Exclusion(p, "diverged (loss " + p.loss() + ")"));
            } else if (p.loss() >= options.divergenceLoss()) {
                excluded.add(new Exclusion(
                        p, Checks.fmt("diverged (loss %s >= ceiling %s)", g(p.loss()), g(options.divergenceLoss()))));
            } else {
                finite.add(p);
            }
        }
        List<SweepPoint> used = new ArrayList<>();
        if (!finite.isEmpty()) {
            double best = finite.stream().mapToDouble(SweepPoint::loss).min().orElseThrow();
            double threshold = Double.isInfinite(options.maxRelativeExcess())
                    ? Double.POSITIVE_INFINITY
                    : best + options.maxRelativeExcess() * Math.abs(best);
            for (SweepPoint p : finite) {
                if (p.loss() > threshold) {
                    excluded.add(new Exclusion(
                            p,
                            Checks.fmt(
                                    "far up the wall (loss %s > %s, best %s + %s%%)",
                                    g(p.loss()), g(threshold), g(best), g(100 * options.maxRelativeExcess()))));
                } else {
                    used.add(p);
                }
            }
        }
        int n = used.size();
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.log(used.get(i).learningRate());
            y[i] = used.get(i).loss();
        }
        double[] distinct = Numbers.sortedDistinct(x);
        double lrMin = used.stream().mapToDouble(SweepPoint::learningRate).min().orElse(Double.NaN);
        double lrMax = used.stream().mapToDouble(SweepPoint::learningRate).max().orElse(Double.NaN);
        BootstrapSummary noBootstrap = BootstrapSummary.none(options.bootstrap());
        if (distinct.length < options.minPoints()) {
            String msg = tooFewMessage(distinct.length, options.minPoints(), points.size(), excluded, used);
            return refusal(
                    OptimalLrStatus.TOO_FEW_POINTS,
                    msg,
                    QuadraticBasin.UNFITTED,
                    Double.NaN,
                    lrMin,
                    lrMax,
                    used,
                    excluded,
                    noBootstrap);
        }
        Quad full = quadratic(x, y);
        QuadraticBasin basin = full.basin();
        double r2 = full.r2();
        if (!(full.a() > 0)) {
            String msg = notConvexMessage(full.a(), used, lrMin, lrMax, distinct);
            return refusal(OptimalLrStatus.NOT_CONVEX, msg, basin, r2, lrMin, lrMax, used, excluded, noBootstrap);
        }
        double xStar = full.xStar();
        double etaStar = Math.exp(xStar);
        double lnBest = lnLowestMeanLoss(x, y, distinct);
        boolean edgeBest = lnBest == distinct[0] || lnBest == distinct[distinct.length - 1];
        if (edgeBest || xStar < distinct[0] || xStar > distinct[distinct.length - 1]) {
            boolean above = edgeBest ? lnBest == distinct[distinct.length - 1] : xStar > distinct[distinct.length - 1];
            String msg = notBracketedMessage(above, edgeBest, etaStar, lrMin, lrMax, distinct, excluded);
            return refusal(
                    above ? OptimalLrStatus.OPTIMUM_ABOVE_RANGE : OptimalLrStatus.OPTIMUM_BELOW_RANGE,
                    msg,
                    basin,
                    r2,
                    lrMin,
                    lrMax,
                    used,
                    excluded,
                    noBootstrap);
        }
        double step = medianGap(distinct);
        String misread = misreadReason(full, x, y, lnBest, step);
        Quad chosen = full;
        double[] fx = x;
        double[] fy = y;
        OptimalLrEstimator estimator = OptimalLrEstimator.QUADRATIC;
        String note = "";
        if (misread != null) {
            double[][] window = window(x, y, lnBest, step);
            fx = window[0];
            fy = window[1];
            double[] wd = Numbers.sortedDistinct(fx);
            // Fewer than three learning rates in the window (an irregular grid) cannot hold a quadratic.
            Quad local = wd.length < P ? null : quadratic(fx, fy);
            if (local == null || !(local.a() > 0) || local.xStar() < wd[0] || local.xStar() > wd[wd.length - 1]) {
                String msg = Checks.fmt(
                        "eta* unresolved: the quadratic over all points misreads the sweep (%s), and the quadratic "
                                + "over the %d learning rates around the lowest loss (lr %s) has no optimum inside "
                                + "them; add learning rates between %s and %s and refit",
                        misread,
                        wd.length,
                        g(Math.exp(lnBest)),
                        g(Math.exp(lnBest - step)),
                        g(Math.exp(lnBest + step)));
                return new OptimalLrResult(
                        OptimalLrStatus.UNRESOLVED,
                        msg,
                        etaStar,
                        Interval.UNKNOWN,
                        full.lossMin(),
                        Interval.UNKNOWN,
                        basin,
                        r2,
                        lrMin,
                        lrMax,
                        used,
                        excluded,
                        noBootstrap,
                        OptimalLrEstimator.QUADRATIC);
            }
            chosen = local;
            estimator = OptimalLrEstimator.LOCAL_QUADRATIC;
            note = Checks.fmt(
                    "the quadratic over all points misreads this sweep (%s): eta* comes from the quadratic over the "
                            + "%d learning rates from %s to %s around the lowest loss",
                    misread, wd.length, g(Math.exp(wd[0])), g(Math.exp(wd[wd.length - 1])));
        }
        Interval interval = Interval.UNKNOWN;
        Interval lossInterval = Interval.UNKNOWN;
        BootstrapSummary summary = noBootstrap;
        OptimalLrStatus status = OptimalLrStatus.OK;
        String message = note;
        BootstrapOptions bo = options.bootstrap();
        int nFit = fx.length;
        if (nFit > P && bo.resamples() > 0) {
            Quad q = chosen;
            double[] bx = fx;
            double[] by = fy;
            double[] residuals = new double[nFit];
            for (int i = 0; i < nFit; i++) {
                residuals[i] = by[i] - q.fitted()[i];
            }
            Resampling.Draws draws = Resampling.run(
                    bo,
                    q.fitted(),
                    residuals,
                    q.lls().leverages(),
                    yStar -> vertex(q.m(), q.lls().solve(yStar)),
                    idx -> {
                        double[][] d = Resampling.gatherRows(q.design(), idx);
                        if (Numbers.sortedDistinct(Resampling.gather(bx, idx)).length < P) {
                            return null;
                        }
                        LinearLeastSquares sub = LinearLeastSquares.of(d);
                        return sub.isFullRank() ? vertex(q.m(), sub.solve(Resampling.gather(by, idx))) : null;
                    });
            double level = Resampling.expandedLevel(bo.level(), nFit, P);
            interval = draws.interval(0, level).exp();
            lossInterval = draws.interval(1, level);
            summary = BootstrapSummary.of(bo, draws.failures(), level);
            String why = unresolvedReason(interval, lrMin, lrMax, step);
            if (why != null) {
                status = OptimalLrStatus.UNRESOLVED;
                message = Checks.fmt(
                        "eta* %s unresolved: %s, so this sweep cannot place the optimum; lengthen the runs (less "
                                + "noise), add seeds, or add learning rates between %s and %s, and refit",
                        g(Math.exp(chosen.xStar())), why, g(Math.exp(lnBest - step)), g(Math.exp(lnBest + step)));
                if (!note.isEmpty()) {
                    message = message + " (" + note + ")";
                }
            }
        }
        return new OptimalLrResult(
                status,
                message,
                Math.exp(chosen.xStar()),
                interval,
                chosen.lossMin(),
                lossInterval,
                chosen.basin(),
                chosen.r2(),
                lrMin,
                lrMax,
                used,
                excluded,
                summary,
                estimator);
    }

    /** A least-squares quadratic in centred ln(lr). */
    private record Quad(
            double m, double[][] design, LinearLeastSquares lls, double[] beta, double[] fitted, double r2) {
        double a() {
            return beta[0];
        }

        double xStar() {
            return m - beta[1] / (2 * beta[0]);
        }

        double lossMin() {
            return beta[2] - beta[1] * beta[1] / (4 * beta[0]);
        }

        QuadraticBasin basin() {
            return new QuadraticBasin(beta[0], beta[1] - 2 * beta[0] * m, beta[0] * m * m - beta[1] * m + beta[2]);
        }

        double rss(double[] y) {
            double s = 0;
            for (int i = 0; i < y.length; i++) {
                s += (y[i] - fitted[i]) * (y[i] - fitted[i]);
            }
            return s;
        }
    }

    private static Quad quadratic(double[] x, double[] y) {
        int n = x.length;
        double m = Arrays.stream(x).average().orElseThrow();
        double[][] design = new double[n][];
        for (int i = 0; i < n; i++) {
            double u = x[i] - m;
            design[i] = new double[] {u * u, u, 1};
        }
        LinearLeastSquares lls = LinearLeastSquares.of(design);
        double[] beta = lls.solve(y);
        double[] fitted = LinearLeastSquares.fitted(design, beta);
        return new Quad(m, design, lls, beta, fitted, rSquared(y, fitted));
    }

    /**
     * Why the quadratic over all points misreads the sweep, or null: its eta* lies more than one sweep step, and
     * more than a factor 2, from the swept lr of lowest mean loss, or (with at least two residual degrees of freedom left by a cubic) a cubic
     * term in ln(lr) reduces the residual sum of squares significantly (F test at level
     * {@link #STRUCTURE_TEST_LEVEL}).
     */
    private static String misreadReason(Quad full, double[] x, double[] y, double lnBest, double step) {
        double off = Math.abs(full.xStar() - lnBest) / step;
        // On grids finer than a factor 2, noise alone can move the best point by a step; a factor 2 cannot.
        if (off > 1 && Math.abs(full.xStar() - lnBest) > Math.log(2)) {
            return Checks.fmt(
                    "its eta* %s lies %s sweep steps from the best swept lr %s",
                    g(Math.exp(full.xStar())), g(Math.round(off * 100) / 100.0), g(Math.exp(lnBest)));
        }
        int n = x.length;
        int dof = n - 4;
        if (dof < 2) {
            return null;
        }
        double[][] cubic = new double[n][];
        for (int i = 0; i < n; i++) {
            double u = x[i] - full.m();
            cubic[i] = new double[] {u * u * u, u * u, u, 1};
        }
        LinearLeastSquares lls = LinearLeastSquares.of(cubic);
        if (!lls.isFullRank()) {
            return null;
        }
        double[] fit3 = LinearLeastSquares.fitted(cubic, lls.solve(y));
        double rss3 = 0;
        for (int i = 0; i < n; i++) {
            rss3 += (y[i] - fit3[i]) * (y[i] - fit3[i]);
        }
        double rss2 = full.rss(y);
        double scale = 0;
        for (double v : y) {
            scale = Math.max(scale, Math.abs(v));
        }
        // Residuals at round-off level (rms below 1e-9 of the losses) are an exact quadratic, not structure.
        if (!(Math.sqrt(rss2 / n) > 1e-9 * scale)) {
            return null;
        }
        double f = rss3 > 0 ? (rss2 - rss3) / (rss3 / dof) : Double.POSITIVE_INFINITY;
        double critical = new FDistribution(null, 1, dof).inverseCumulativeProbability(1 - STRUCTURE_TEST_LEVEL);
        if (f > critical) {
            return Checks.fmt(
                    "its residuals have structure: a cubic term removes %s%% of their sum of squares",
                    g(Math.round(1000 * (rss2 - rss3) / rss2) / 10.0));
        }
        return null;
    }

    /**
     * The points around the lowest loss: those at the swept lr of lowest mean loss and at its neighbours one
     * sweep step either side (every seed's run at those learning rates).
     */
    private static double[][] window(double[] x, double[] y, double lnBest, double step) {
        // Half a step of slack absorbs round-off in ln(lr) of a geometric grid.
        double half = 1.5 * step;
        List<double[]> keep = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i] - lnBest) < half) {
                keep.add(new double[] {x[i], y[i]});
            }
        }
        double[][] out = new double[2][keep.size()];
        for (int i = 0; i < keep.size(); i++) {
            out[0][i] = keep.get(i)[0];
            out[1][i] = keep.get(i)[1];
        }
        return out;
    }

    /** Why an interval leaves eta* unresolved, or null when it is narrow enough. */
    private static String unresolvedReason(Interval interval, double lrMin, double lrMax, double step) {
        if (!interval.isKnown()) {
            return "the bootstrap gave no interval (most resamples found no basin)";
        }
        double width = Math.log(interval.high() / interval.low());
        if (width > Math.log(lrMax / lrMin)) {
            return Checks.fmt(
                    "its interval [%s, %s] is wider than the swept range [%s, %s]",
                    g(interval.low()), g(interval.high()), g(lrMin), g(lrMax));
        }
        if (width > MAX_INTERVAL_STEPS * step) {
            return Checks.fmt(
                    "its interval [%s, %s] spans %s sweep steps, more than %s",
                    g(interval.low()),
                    g(interval.high()),
                    g(Math.round(width / step * 100) / 100.0),
                    g(MAX_INTERVAL_STEPS));
        }
        return null;
    }

    /** Median gap between neighbouring distinct ln(lr); at least two values. */
    private static double medianGap(double[] distinct) {
        double[] gaps = new double[distinct.length - 1];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = distinct[i + 1] - distinct[i];
        }
        Arrays.sort(gaps);
        return gaps.length % 2 == 1 ? gaps[gaps.length / 2] : 0.5 * (gaps[gaps.length / 2 - 1] + gaps[gaps.length / 2]);
    }

    /**
     * Fits and throws on refusal.
     *
     * @param points the sweep's runs
     * @param options settings
     * @return an accepted result
     * @throws IllegalArgumentException with the refusal message when the sweep does not bracket a convex
     *     optimum or has too few usable runs
     */
    public static OptimalLrResult fitOrThrow(List<SweepPoint> points, OptimalLrOptions options) {
        return fit(points, options).orElseThrow();
    }

    /** Returns [ln eta*, L_min] of centred coefficients, or null when not convex. */
    private static double[] vertex(double m, double[] beta) {
        if (!(beta[0] > 0)) {
            return null;
        }
        return new double[] {m - beta[1] / (2 * beta[0]), beta[2] - beta[1] * beta[1] / (4 * beta[0])};
    }

    static double rSquared(double[] y, double[] fitted) {
        double mean = Arrays.stream(y).average().orElse(Double.NaN);
        double rss = 0;
        double tss = 0;
        for (int i = 0; i < y.length; i++) {
            rss += (y[i] - fitted[i]) * (y[i] - fitted[i]);
            tss += (y[i] - mean) * (y[i] - mean);
        }
        return tss > 0 ? 1 - rss / tss : Double.NaN;
    }

    private static OptimalLrResult refusal(
            OptimalLrStatus status,
            String message,
            QuadraticBasin basin,
            double r2,
            double lrMin,
            double lrMax,
            List<SweepPoint> used,
            List<Exclusion> excluded,
            BootstrapSummary summary) {
        return new OptimalLrResult(
                status,
                message,
                Double.NaN,
                Interval.UNKNOWN,
                Double.NaN,
                Interval.UNKNOWN,
                basin,
                r2,
                lrMin,
                lrMax,
                used,
                excluded,
                summary,
                OptimalLrEstimator.QUADRATIC);
    }

    /** Grid ratio for suggestions: the median ratio of consecutive swept learning rates, at least 2. */
    private static double gridRatio(double[] lnDistinct) {
        if (lnDistinct.length < 2) {
            return MIN_SUGGESTION_RATIO;
        }
        double[] steps = new double[lnDistinct.length - 1];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = lnDistinct[i + 1] - lnDistinct[i];
        }
        Arrays.sort(steps);
        double median = steps[steps.length / 2];
        return Math.max(MIN_SUGGESTION_RATIO, Math.exp(median));
    }

    /** Returns the ln(lr) whose mean loss (over repeated runs at that lr) is lowest. */
    private static double lnLowestMeanLoss(double[] x, double[] y, double[] distinct) {
        double best = Double.NaN;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (double d : distinct) {
            double sum = 0;
            int count = 0;
            for (int i = 0; i < x.length; i++) {
                if (x[i] == d) {
                    sum += y[i];
                    count++;
                }
            }
            if (sum / count < bestLoss) {
                bestLoss = sum / count;
                best = d;
            }
        }
        return best;
    }

    private static String notBracketedMessage(
            boolean above,
            boolean edgeBest,
            double etaStar,
            double lrMin,
            double lrMax,
            double[] lnDistinct,
            List<Exclusion> excluded) {
        double ratio = gridRatio(lnDistinct);
        double edge = above ? lrMax : lrMin;
        // The nearest excluded run beyond the edge bounds how far the sweep can usefully be widened.
        double wall = Double.NaN;
        for (Exclusion e : excluded) {
            double lr = e.point().learningRate();
            if (above ? lr > lrMax && !(lr >= wall) : lr < lrMin && !(lr <= wall)) {
                wall = lr;
            }
        }
        StringBuilder sb = new StringBuilder();
        if (edgeBest) {
            sb.append(Checks.fmt(
                    "optimum not bracketed: the lowest loss is at the %s swept lr %s, so the loss never "
                            + "rises on that side; ",
                    above ? "largest" : "smallest", g(edge)));
        } else {
            sb.append(Checks.fmt(
                    "optimum not bracketed: the fitted optimum lr %s lies %s the %s swept lr %s; ",
                    g(etaStar), above ? "above" : "below", above ? "largest" : "smallest", g(edge)));
        }
        List<Double> add = new ArrayList<>();
        if (!Double.isNaN(wall)) {
            double q = Math.pow(wall / edge, 1.0 / 3);
            add.add(edge * q);
            add.add(edge * q * q);
            sb.append(Checks.fmt(
                    "runs at lr %s were excluded (diverged or far up the wall), so widen the sweep %s "
                            + "with runs between %s and %s, e.g. lr %s",
                    g(wall), above ? "upward" : "downward", g(edge), g(wall), Numbers.g(add)));
        } else {
            double lr = edge;
            double target = above ? etaStar * ratio : etaStar / ratio;
            for (int k = 0; k < 4 && (k < 2 || (above ? lr < target : lr > target)); k++) {
                lr = above ? lr * ratio : lr / ratio;
                add.add(lr);
            }
            sb.append(Checks.fmt("widen the sweep %s, e.g. add lr %s", above ? "upward" : "downward", Numbers.g(add)));
        }
        sb.append(", and refit (the fit does not extrapolate)");
        return sb.toString();
    }

    private static String notConvexMessage(
            double curvature, List<SweepPoint> used, double lrMin, double lrMax, double[] lnDistinct) {
        double ratio = gridRatio(lnDistinct);
        SweepPoint best = used.get(0);
        for (SweepPoint p : used) {
            if (p.loss() < best.loss()) {
                best = p;
            }
        }
        StringBuilder sb = new StringBuilder(Checks.fmt(
                "sweep is not convex in ln(lr) (fitted curvature %s <= 0), so it shows no basin to locate an optimum in; "
                        + "widen the sweep on both sides until the loss rises at both ends, e.g. add lr %s and %s",
                g(curvature), g(lrMin / ratio), g(lrMax * ratio)));
        double lnBest = Math.log(best.learningRate());
        if (lnBest == lnDistinct[lnDistinct.length - 1]) {
            sb.append(Checks.fmt("; the lowest loss is at the largest swept lr %s, so extend upward first", g(lrMax)));
        } else if (lnBest == lnDistinct[0]) {
            sb.append(
                    Checks.fmt("; the lowest loss is at the smallest swept lr %s, so extend downward first", g(lrMin)));
        }
        return sb.toString();
    }

    private static String tooFewMessage(
            int distinct, int needed, int total, List<Exclusion> excluded, List<SweepPoint> used) {
        long diverged =
                excluded.stream().filter(e -> e.reason().startsWith("diverged")).count();
        long wall = excluded.size() - diverged;
        String base = Checks.fmt(
                "only %d distinct learning rate%s usable out of %d run%s (%d diverged, %d far up the "
                        + "wall); a quadratic fit needs at least %d",
                distinct, distinct == 1 ? "" : "s", total, total == 1 ? "" : "s", diverged, wall, needed);
        if (used.isEmpty()) {
            return base + "; rerun the sweep with smaller learning rates";
        }
        SweepPoint best = used.get(0);
        for (SweepPoint p : used) {
            if (p.loss() < best.loss()) {
                best = p;
            }
        }
        double lr = best.learningRate();
        return base
                + Checks.fmt(
                        "; add runs around lr %s, e.g. %s, %s, %s and %s",
                        g(lr), g(lr / 4), g(lr / 2), g(lr * 2), g(lr * 4));
    }
}
