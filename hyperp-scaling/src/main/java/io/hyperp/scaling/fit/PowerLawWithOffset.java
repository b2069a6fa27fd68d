package io.hyperp.scaling.fit;

import io.hyperp.scaling.internal.Checks;
import io.hyperp.scaling.internal.LinearLeastSquares;
import io.hyperp.scaling.internal.Resampling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Power laws with an offset, \( y = c \prod_j x_j^{e_j} + o \), fitted by nonlinear least squares on the
 * original scale (Levenberg-Marquardt via {@link NonlinearLeastSquares}). With one predictor this is the
 * SPEC's \( \eta^*(T) = a T^b + c \) and the loss law \( L(D) = L_0 + A D^{-\gamma} \).
 *
 * <p>Each predictor is divided by its geometric mean before fitting (so c stays near the data's scale) and the
 * coefficient is converted back. Starting points: a profile over trial offsets on both sides of the data's
 * range, each solved by log-log least squares on |y - o|; Levenberg-Marquardt runs from the three best and
 * the lowest sum of squares wins. Bootstrap refits start from the solution. Stateless and thread-safe.
 *
 * <p>References: SPEC section 7; Hoffmann et al., Training Compute-Optimal Large Language Models (2022) for the
 * offset form; Moré (1978) for Levenberg-Marquardt.
 */
public final class PowerLawWithOffset {
    /** Solver settings for law fits: tolerances well below any statistical precision of the fit. */
    static final NllsOptions SOLVER =
            NllsOptions.defaults().withTolerance(1e-12).withMaxIterations(2000);
    /**
     * Solver settings for bootstrap refits, which start at the solution: a relative tolerance of 1e-10 leaves a
     * parameter error near sd * sqrt(1e-10 * (n - p)), some 1e-4 standard deviations, far below the resampling
     * noise of the percentiles.
     */
    static final NllsOptions REFIT = NllsOptions.defaults().withTolerance(1e-10).withMaxIterations(500);
    /** Trial offsets sit this many data ranges beyond the extreme response. */
    private static final double[] OFFSET_GAPS = {1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10, 30, 100};
    /** Number of trial starts refined by Levenberg-Marquardt. */
    private static final int STARTS = 3;

    private PowerLawWithOffset() {}

    /**
     * Fits \( y = c x^e + o \) with one predictor named "x".
     *
     * @param x predictor values, positive
     * @param y responses, finite
     * @param options bootstrap settings
     * @return the fit
     * @throws IllegalArgumentException for bad values, fewer than 3 points, a constant predictor, or data that no
     *     start brings to convergence
     */
    public static PowerLawFit fit(double[] x, double[] y, BootstrapOptions options) {
        return fit(PowerLaw.columns(x), y, List.of("x"), options);
    }

    /**
     * Fits \( y = c \prod_j x_j^{e_j} + o \).
     *
     * @param x predictor rows (n rows of k values), positive
     * @param y responses, finite
     * @param names k distinct predictor names (not "coefficient" or "offset")
     * @param options bootstrap settings
     * @return the fit
     * @throws IllegalArgumentException for bad values, fewer than k + 2 points, collinear predictors, or data
     *     that no start brings to convergence
     */
    public static PowerLawFit fit(double[][] x, double[] y, List<String> names, BootstrapOptions options) {
        Objects.requireNonNull(options, "options");
        int k = PowerLaw.checkShape(x, y, names);
        Problem problem = Problem.create(x, y.length, k, Double.NaN, names);
        Solution s = problem.solve(y, null);
        if (s == null) {
            throw Checks.iae("power law with offset: no start converged; the data may not follow c * x^e + offset");
        }
        double[] natural = problem.toNatural(s.params());
        Boot boot = problem.bootstrap(y, s, options);
        Interval[] intervals = boot.intervals();
        BootstrapSummary summary = boot.summary();
        Map<String, Double> exponents = new LinkedHashMap<>();
        Map<String, Interval> exponentIntervals = new LinkedHashMap<>();
        for (int j = 0; j < k; j++) {
            exponents.put(names.get(j), natural[j + 1]);
            exponentIntervals.put(names.get(j), intervals[j + 1]);
        }
        double rss = s.detailed().result().rss();
        return new PowerLawFit(
                natural[0],
                exponents,
                true,
                natural[k + 1],
                intervals[0],
                exponentIntervals,
                intervals[k + 1],
                OptimalLr.rSquared(y, s.detailed().fitted()),
                rss,
                FitData.of(names, x, y),
                summary);
    }

    /**
     * A solution in scaled parameters with its fit details.
     *
     * @param params scaled parameters [c~, e_1..e_k, (o)]
     * @param detailed the fit
     */
    // An internal result passed between two methods of this class: never compared, hashed or handed out.
    @SuppressWarnings("ArrayRecordComponent")
    record Solution(double[] params, NonlinearLeastSquares.Detailed detailed) {
        double rss() {
            return detailed.result().rss();
        }
    }

    /**
     * Bootstrap intervals of the natural parameters [c, e_1..e_k, o] and what the bootstrap did.
     *
     * @param intervals k + 2 intervals
     * @param summary the bootstrap summary
     */
    // An internal result passed between two methods of this class: never compared, hashed or handed out.
    @SuppressWarnings("ArrayRecordComponent")
    record Boot(Interval[] intervals, BootstrapSummary summary) {}

    /**
     * A power-law-with-offset problem on fixed predictors: free offset, or offset held at a given value.
     * Package-private engine shared with {@link LossVsTokens} and {@link LossVsCompute}; immutable.
     */
    static final class Problem {
        final double[][] xs;
        final double[] scale;
        final int k;
        final double fixedOffset;
        private final LinearLeastSquares logDesign;
        private final double[][] logRows;

        private Problem(double[][] xs, double[] scale, int k, double fixedOffset) {
            this.xs = xs;
            this.scale = scale;
            this.k = k;
            this.fixedOffset = fixedOffset;
            this.logRows = new double[xs.length][k + 1];
            for (int i = 0; i < xs.length; i++) {
                logRows[i][0] = 1;
                for (int j = 0; j < k; j++) {
                    logRows[i][j + 1] = Math.log(xs[i][j]);
                }
            }
            this.logDesign = LinearLeastSquares.of(logRows);
        }

        /**
         * Scales predictors by their geometric means and checks identifiability.
         *
         * @param x predictor rows, already checked positive
         * @param n number of points
         * @param k number of predictors
         * @param fixedOffset NaN for a free offset, else the offset's value
         * @param names predictor names for messages
         */
        static Problem create(double[][] x, int n, int k, double fixedOffset, List<String> names) {
            int p = k + 1 + (Double.isNaN(fixedOffset) ? 1 : 0);
            if (n < p) {
                throw Checks.iae(
                        "%d points cannot determine %d parameters of a power law%s",
                        n, p, Double.isNaN(fixedOffset) ? " with offset" : "");
            }
            double[] scale = new double[k];
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (double[] row : x) {
                    s += Math.log(row[j]);
                }
                scale[j] = Math.exp(s / n);
            }
            double[][] xs = new double[n][k];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    xs[i][j] = x[i][j] / scale[j];
                }
            }
            Problem problem = new Problem(xs, scale, k, fixedOffset);
            if (!problem.logDesign.isFullRank()) {
                throw Checks.iae(
                        "predictors %s are constant or collinear on the log scale; their exponents cannot be "
                                + "separated",
                        names);
            }
            return problem;
        }

        /**
         * Returns a problem on other (already scaled) rows with the same scale, free or fixed offset.
         *
         * @param rows scaled predictor rows
         * @param offset NaN for a free offset, else the fixed offset
         * @return the problem
         */
        Problem withRows(double[][] rows, double offset) {
            return new Problem(rows, scale, k, offset);
        }

        boolean freeOffset() {
            return Double.isNaN(fixedOffset);
        }

        int parameterCount() {
            return k + 1 + (freeOffset() ? 1 : 0);
        }

        ParametricModel model() {
            return new ParametricModel() {
                @Override
                public double value(double[] x, double[] p) {
                    double v = p[0];
                    for (int j = 0; j < k; j++) {
                        v *= Math.pow(x[j], p[j + 1]);
                    }
                    return v + (freeOffset() ? p[k + 1] : fixedOffset);
                }

                @Override
                public void gradient(double[] x, double[] p, double[] g) {
                    double prod = 1;
                    for (int j = 0; j < k; j++) {
                        prod *= Math.pow(x[j], p[j + 1]);
                    }
                    g[0] = prod;
                    for (int j = 0; j < k; j++) {
                        g[j + 1] = p[0] * prod * Math.log(x[j]);
                    }
                    if (freeOffset()) {
                        g[k + 1] = 1;
                    }
                }
            };
        }

        /** Converts scaled parameters to [c, e_1..e_k, o] in original units. */
        double[] toNatural(double[] p) {
            double[] out = new double[k + 2];
            double c = p[0];
            for (int j = 0; j < k; j++) {
                c *= Math.pow(scale[j], -p[j + 1]);
                out[j + 1] = p[j + 1];
            }
            out[0] = c;
            out[k + 1] = freeOffset() ? p[k + 1] : fixedOffset;
            return out;
        }

        /**
         * Solves from a start, or from the best trial starts when {@code start} is null; null when nothing
         * converges.
         */
        Solution solve(double[] y, double[] start) {
            return solveRows(xs, y, start);
        }

        private Solution solveRows(double[][] rows, double[] y, double[] start) {
            List<double[]> starts = start != null ? List.of(start) : trialStarts(rows, y);
            NllsOptions solver = start != null ? REFIT : SOLVER;
            Solution best = null;
            for (double[] s : starts) {
                try {
                    NonlinearLeastSquares.Detailed d = NonlinearLeastSquares.fitDetailed(model(), rows, y, s, solver);
                    if (best == null || d.result().rss() < best.rss()) {
                        best = new Solution(d.result().parameterArray(), d);
                    }
                } catch (IllegalStateException | IllegalArgumentException e) {
                    // This start did not converge; another may.
                }
            }
            return best;
        }

        /** Trial starts: log-log least squares of |y - o| over trial offsets, the best few by sum of squares. */
        private List<double[]> trialStarts(double[][] rows, double[] y) {
            List<double[]> candidates = new ArrayList<>();
            if (freeOffset()) {
                double lo = Arrays.stream(y).min().orElseThrow();
                double hi = Arrays.stream(y).max().orElseThrow();
                double range = hi > lo ? hi - lo : Math.max(Math.abs(lo), 1);
                for (double gap : OFFSET_GAPS) {
                    addStart(candidates, rows, y, lo - gap * range);
                    addStart(candidates, rows, y, hi + gap * range);
                }
                if (lo > 0) {
                    addStart(candidates, rows, y, 0);
                }
            } else {
                addStart(candidates, rows, y, fixedOffset);
            }
            candidates.sort(Comparator.comparingDouble(c -> c[c.length - 1]));
            List<double[]> out = new ArrayList<>();
            for (int i = 0; i < Math.min(STARTS, candidates.size()); i++) {
                out.add(Arrays.copyOf(candidates.get(i), parameterCount()));
            }
            if (out.isEmpty()) {
                double[] flat = new double[parameterCount()];
                flat[0] = Arrays.stream(y).average().orElse(1) - (freeOffset() ? 0 : fixedOffset);
                out.add(flat);
            }
            return out;
        }

        /** Appends [params..., rss] for offset o when y - o has one sign on the points where it is non-zero. */
        private void addStart(List<double[]> out, double[][] rows, double[] y, double o) {
            List<double[]> design = new ArrayList<>();
            List<Double> target = new ArrayList<>();
            int sign = 0;
            for (int i = 0; i < y.length; i++) {
                double d = y[i] - o;
                if (d == 0) {
                    continue;
                }
                int s = d > 0 ? 1 : -1;
                if (sign != 0 && s != sign) {
                    return;
                }
                sign = s;
                double[] row = new double[k + 1];
                row[0] = 1;
                for (int j = 0; j < k; j++) {
                    row[j + 1] = Math.log(rows[i][j]);
                }
                design.add(row);
                target.add(Math.log(Math.abs(d)));
            }
            if (sign == 0 || design.size() < k + 1) {
                return;
            }
            LinearLeastSquares lls = LinearLeastSquares.of(design.toArray(new double[0][]));
            if (!lls.isFullRank()) {
                return;
            }
            double[] beta =
                    lls.solve(target.stream().mapToDouble(Double::doubleValue).toArray());
            double[] p = new double[parameterCount() + 1];
            p[0] = sign * Math.exp(beta[0]);
            System.arraycopy(beta, 1, p, 1, k);
            if (freeOffset()) {
                p[k + 1] = o;
            }
            ParametricModel m = model();
            double[] params = Arrays.copyOf(p, parameterCount());
            double rss = 0;
            for (int i = 0; i < y.length; i++) {
                double r = y[i] - m.value(rows[i], params);
                rss += r * r;
            }
            if (Double.isFinite(rss)) {
                p[p.length - 1] = rss;
                out.add(p);
            }
        }

        /**
         * Bootstraps the natural parameters [c, e_1..e_k, o] from a solution; returns k + 2 intervals.
         */
        Boot bootstrap(double[] y, Solution s, BootstrapOptions options) {
            Interval[] intervals = new Interval[k + 2];
            Arrays.fill(intervals, Interval.UNKNOWN);
            int n = y.length;
            int p = parameterCount();
            if (n <= p || options.resamples() == 0) {
                return new Boot(intervals, BootstrapSummary.none(options));
            }
            Resampling.Draws draws = Resampling.run(
                    options,
                    s.detailed().fitted(),
                    s.detailed().residuals(),
                    s.detailed().leverages(),
                    yStar -> {
                        Solution b = solve(yStar, s.params());
                        return b == null ? null : toNatural(b.params());
                    },
                    idx -> {
                        double[][] rows = Resampling.gatherRows(xs, idx);
                        long distinctRows = Arrays.stream(rows)
                                .map(Arrays::toString)
                                .distinct()
                                .count();
                        if (distinctRows < p
                                || !LinearLeastSquares.of(Resampling.gatherRows(logRows, idx))
                                        .isFullRank()) {
                            return null;
                        }
                        Solution b = solveRows(rows, Resampling.gather(y, idx), s.params());
                        return b == null ? null : toNatural(b.params());
                    });
            double level = Resampling.expandedLevel(options.level(), n, p);
            for (int j = 0; j < k + 2; j++) {
                intervals[j] = draws.interval(j, level);
            }
            if (!freeOffset()) {
                intervals[k + 1] = Interval.UNKNOWN;
            }
            return new Boot(intervals, BootstrapSummary.of(options, draws.failures(), level));
        }
    }
}
