package io.hyperp.scaling.fit;

import io.hyperp.scaling.internal.Checks;
import io.hyperp.scaling.internal.Resampling;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Loss against training compute, \( L(C) = A C^{-b} + E \) with \( A, b, E \ge 0 \) and
 * \( E \le \min L \) (the irreducible loss cannot exceed a loss already reached), fitted by constrained
 * nonlinear least squares with seeded bootstrap intervals.
 *
 * <p>Constrained solve: the unconstrained least-squares fit (see {@link PowerLawWithOffset}) is accepted when
 * it satisfies the constraints. Otherwise the constrained optimum lies on the boundary, and the best feasible
 * one of these is taken: E held at 0, E held at min L (each fitting A and b), and the flat law A = mean(L) -
 * min L, b = 0, E = min L. {@link #solution()} says which. Immutable and thread-safe.
 *
 * <p>References: SPEC section 7; Hoffmann et al., Training Compute-Optimal Large Language Models (2022); Ren et
 * al., arXiv 2603.28743 (HyperP, compute leverage).
 *
 * @param a the coefficient A
 * @param b the exponent b
 * @param e the irreducible loss E
 * @param aInterval interval of A
 * @param bInterval interval of b
 * @param eInterval interval of E
 * @param r2 coefficient of determination of L
 * @param data the data fitted (predictor "compute", losses); {@link FitData#NONE} for a given law
 * @param solution "interior", "e_zero", "e_min_loss" or "flat"
 * @param bootstrap what the bootstrap did
 */
public record LossVsCompute(
        double a,
        double b,
        double e,
        Interval aInterval,
        Interval bInterval,
        Interval eInterval,
        double r2,
        FitData data,
        String solution,
        BootstrapSummary bootstrap) {

    /** Number of fitted parameters. */
    private static final int P = 3;

    /**
     * Fits the law.
     *
     * @param compute training compute C (FLOPs), positive
     * @param loss losses, finite
     * @param options bootstrap settings
     * @return the fitted law
     * @throws IllegalArgumentException for bad values, mismatched lengths, fewer than 3 points or a constant C
     */
    public static LossVsCompute fit(double[] compute, double[] loss, BootstrapOptions options) {
        Objects.requireNonNull(options, "options");
        double[][] x = PowerLaw.columns(compute);
        PowerLaw.checkShape(x, loss, List.of("compute"));
        int n = loss.length;
        PowerLawWithOffset.Problem free = PowerLawWithOffset.Problem.create(x, n, 1, Double.NaN, List.of("compute"));
        Fit f = solve(free, free.xs, loss, null);
        Interval[] intervals = new Interval[P];
        Arrays.fill(intervals, Interval.UNKNOWN);
        BootstrapSummary summary = BootstrapSummary.none(options);
        if (n > P && options.resamples() > 0) {
            Resampling.Draws draws = bootstrap(free, f, compute, loss, options);
            double level = Resampling.expandedLevel(options.level(), n, P);
            for (int j = 0; j < P; j++) {
                intervals[j] = draws.interval(j, level);
            }
            summary = BootstrapSummary.of(options, draws.failures(), level);
        }
        return new LossVsCompute(
                f.natural[0],
                f.natural[1],
                f.natural[2],
                intervals[0],
                intervals[1],
                intervals[2],
                OptimalLr.rSquared(loss, f.fitted),
                FitData.of(List.of("compute"), x, loss),
                f.kind,
                summary);
    }

    /**
     * Fits the law and passes each successful bootstrap draw [A, b, E] to {@code sink}, in resample order.
     * Package-private, for {@link Leverage}.
     */
    static void forEachDraw(
            double[] compute, double[] loss, BootstrapOptions options, java.util.function.Consumer<double[]> sink) {
        double[][] x = PowerLaw.columns(compute);
        PowerLaw.checkShape(x, loss, List.of("compute"));
        PowerLawWithOffset.Problem free =
                PowerLawWithOffset.Problem.create(x, loss.length, 1, Double.NaN, List.of("compute"));
        Fit f = solve(free, free.xs, loss, null);
        if (loss.length > P) {
            bootstrap(free, f, compute, loss, options).samples().forEach(sink);
        }
    }

    private static Resampling.Draws bootstrap(
            PowerLawWithOffset.Problem free, Fit f, double[] compute, double[] loss, BootstrapOptions options) {
        return Resampling.run(
                options,
                f.fitted,
                f.residuals,
                f.leverages,
                yStar -> {
                    Fit g = solve(free, free.xs, yStar, f);
                    return g == null ? null : g.natural;
                },
                idx -> {
                    double[][] rows = Resampling.gatherRows(free.xs, idx);
                    if (Arrays.stream(Resampling.gather(compute, idx))
                                    .distinct()
                                    .count()
                            < P) {
                        return null;
                    }
                    Fit g = solve(free, rows, Resampling.gather(loss, idx), f);
                    return g == null ? null : g.natural;
                });
    }

    /**
     * Builds a law from known parameters (no data, unknown intervals), for example a published fit.
     *
     * @param a A, non-negative
     * @param b b, non-negative
     * @param e E, non-negative
     * @return the law
     * @throws IllegalArgumentException for negative or non-finite values
     */
    public static LossVsCompute of(double a, double b, double e) {
        Checks.nonNegative(a, "a");
        Checks.nonNegative(b, "b");
        Checks.nonNegative(e, "e");
        return new LossVsCompute(
                a,
                b,
                e,
                Interval.UNKNOWN,
                Interval.UNKNOWN,
                Interval.UNKNOWN,
                Double.NaN,
                FitData.NONE,
                "given",
                BootstrapSummary.none(BootstrapOptions.defaults()));
    }

    /**
     * Returns the number of points fitted.
     *
     * @return {@code data().size()}, 0 for a given law
     */
    public int points() {
        return data.size();
    }

    /**
     * Evaluates the law.
     *
     * @param compute C, positive
     * @return A C^-b + E
     */
    public double loss(double compute) {
        return a * Math.pow(compute, -b) + e;
    }

    /**
     * Returns the compute at which the law reaches a loss, \( ((L - E) / A)^{-1/b} \).
     *
     * @param loss target loss
     * @return the compute; +infinity when the loss is at or below E (never reached); 0 when a flat law already
     *     sits at or below it
     */
    public double computeFor(double loss) {
        return computeFor(a, b, e, loss);
    }

    static double computeFor(double a, double b, double e, double loss) {
        if (!(loss > e)) {
            return Double.POSITIVE_INFINITY;
        }
        if (a == 0 || b == 0) {
            return loss >= a + e ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.pow((loss - e) / a, -1 / b);
    }

    /**
     * Returns the fit as an ordered map for {@link io.hyperp.scaling.io.Json}.
     *
     * @return keys a, b, e, r2, ci (name to [low, high]), points, solution
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", a);
        m.put("b", b);
        m.put("e", e);
        m.put("r2", r2);
        Map<String, Object> ci = new LinkedHashMap<>();
        ci.put("a", Arrays.asList(aInterval.low(), aInterval.high()));
        ci.put("b", Arrays.asList(bInterval.low(), bInterval.high()));
        ci.put("e", Arrays.asList(eInterval.low(), eInterval.high()));
        m.put("ci", ci);
        m.put("points", points());
        m.put("solution", solution);
        return m;
    }

    /** A constrained solution: natural [A, b, E], its kind, and what the residual bootstrap needs. */
    // An internal result passed between two methods of this class: never compared, hashed or handed out.
    @SuppressWarnings("ArrayRecordComponent")
    private record Fit(
            double[] natural,
            String kind,
            double rss,
            double[] fitted,
            double[] residuals,
            double[] leverages,
            double[] freeParams) {}

    /**
     * Constrained solve on given rows (scaled compute) and losses. {@code previous} (may be null) seeds the
     * unconstrained refit.
     */
    private static Fit solve(PowerLawWithOffset.Problem free, double[][] rows, double[] y, Fit previous) {
        double minLoss = Arrays.stream(y).min().orElseThrow();
        PowerLawWithOffset.Problem onRows = free.withRows(rows, Double.NaN);
        double[] start = previous != null && previous.freeParams != null ? previous.freeParams : null;
        PowerLawWithOffset.Solution s = onRows.solve(y, start);
        if (s == null && start != null) {
            s = onRows.solve(y, null);
        }
        Fit best = null;
        if (s != null) {
            Fit cand = candidate(onRows, s, "interior", minLoss);
            if (cand != null) {
                return cand;
            }
        }
        for (double fixed : new double[] {0, minLoss}) {
            PowerLawWithOffset.Problem p = free.withRows(rows, fixed);
            PowerLawWithOffset.Solution sf = p.solve(y, null);
            if (sf != null) {
                Fit cand = candidate(p, sf, fixed == 0 ? "e_zero" : "e_min_loss", minLoss);
                if (cand != null && (best == null || cand.rss < best.rss)) {
                    best = cand;
                }
            }
        }
        double mean = Arrays.stream(y).average().orElseThrow();
        double rssFlat = 0;
        double[] fitted = new double[y.length];
        double[] residuals = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            fitted[i] = mean;
            residuals[i] = y[i] - mean;
            rssFlat += residuals[i] * residuals[i];
        }
        if (best == null || rssFlat < best.rss) {
            double[] lev = new double[y.length];
            Arrays.fill(lev, 1.0 / y.length);
            best = new Fit(new double[] {mean - minLoss, 0, minLoss}, "flat", rssFlat, fitted, residuals, lev, null);
        }
        return best;
    }

    /** Returns the solution as a feasible fit, or null when it violates a constraint. */
    private static Fit candidate(
            PowerLawWithOffset.Problem p, PowerLawWithOffset.Solution s, String kind, double minLoss) {
        double[] nat = p.toNatural(s.params());
        double aFit = nat[0];
        double bFit = -nat[1];
        double eFit = nat[2];
        // A tolerance of 1e-12 relative to the loss scale absorbs round-off at an active bound.
        double slack = 1e-12 * Math.max(1, Math.abs(minLoss));
        if (!(aFit >= 0 && bFit >= 0 && eFit >= -slack && eFit <= minLoss + slack)) {
            return null;
        }
        return new Fit(
                new double[] {aFit, bFit, Math.min(Math.max(eFit, 0), minLoss)},
                kind,
                s.rss(),
                s.detailed().fitted(),
                s.detailed().residuals(),
                s.detailed().leverages(),
                kind.equals("interior") ? s.params() : null);
    }
}
