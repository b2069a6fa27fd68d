package io.hyperp.scaling.fit;

import io.hyperp.scaling.internal.Checks;
import io.hyperp.scaling.internal.LinearLeastSquares;
import io.hyperp.scaling.internal.Resampling;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Power laws \( y = c \prod_j x_j^{e_j} \) fitted on log-log by ordinary least squares:
 * \( \ln y = \ln c + \sum_j e_j \ln x_j \). With one predictor this is the SPEC's
 * \( \eta^*(T) = a T^b \); with (N, D) it is the fitting-paradigm law; with none it is a constant (the
 * geometric mean).
 *
 * <p>Predictors are centred on the log scale for conditioning. Intervals come from a seeded bootstrap of the
 * log-scale fit ({@link BootstrapOptions}); the interval of c is that of ln c mapped through exp. Stateless and
 * thread-safe; inputs are not modified.
 *
 * <p>References: SPEC section 7; Zhou et al., arXiv 2601.05049; Kaplan et al., Scaling Laws for Neural Language
 * Models (2020).
 */
public final class PowerLaw {
    private PowerLaw() {}

    /**
     * Fits \( y = c x^e \) with one predictor named "x".
     *
     * @param x predictor values, positive
     * @param y responses, positive
     * @param options bootstrap settings
     * @return the fit
     * @throws IllegalArgumentException for non-positive or non-finite values, mismatched lengths, fewer than two
     *     points or a constant predictor
     */
    public static PowerLawFit fit(double[] x, double[] y, BootstrapOptions options) {
        return fit(columns(x), y, List.of("x"), options);
    }

    /**
     * Fits \( y = c \prod_j x_j^{e_j} \).
     *
     * @param x predictor rows (n rows of k values), positive
     * @param y responses, positive
     * @param names k distinct predictor names (not "coefficient" or "offset")
     * @param options bootstrap settings
     * @return the fit
     * @throws IllegalArgumentException for non-positive or non-finite values, mismatched shapes, fewer than
     *     k + 1 points or predictors that are collinear on the log scale
     */
    public static PowerLawFit fit(double[][] x, double[] y, List<String> names, BootstrapOptions options) {
        Objects.requireNonNull(options, "options");
        int k = checkShape(x, y, names);
        Checks.allPositive(y, "y");
        int n = y.length;
        if (n < k + 1) {
            throw Checks.iae(
                    "%d points cannot determine a power law with %d exponent%s and a coefficient",
                    n, k, k == 1 ? "" : "s");
        }
        double[] means = new double[k];
        double[][] lx = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                lx[i][j] = Math.log(x[i][j]);
                means[j] += lx[i][j] / n;
            }
        }
        double[][] design = new double[n][k + 1];
        double[] ly = new double[n];
        for (int i = 0; i < n; i++) {
            design[i][0] = 1;
            for (int j = 0; j < k; j++) {
                design[i][j + 1] = lx[i][j] - means[j];
            }
            ly[i] = Math.log(y[i]);
        }
        LinearLeastSquares lls = LinearLeastSquares.of(design);
        if (!lls.isFullRank()) {
            throw Checks.iae(
                    "predictors %s are constant or collinear on the log scale; their exponents cannot be "
                            + "separated",
                    names);
        }
        double[] beta = lls.solve(ly);
        double[] fitted = LinearLeastSquares.fitted(design, beta);
        double[] residuals = new double[n];
        double rss = 0;
        for (int i = 0; i < n; i++) {
            residuals[i] = ly[i] - fitted[i];
            rss += residuals[i] * residuals[i];
        }
        double r2 = OptimalLr.rSquared(ly, fitted);
        double[] natural = natural(beta, means);
        Interval[] intervals = new Interval[k + 1];
        java.util.Arrays.fill(intervals, Interval.UNKNOWN);
        BootstrapSummary summary = BootstrapSummary.none(options);
        if (n > k + 1 && options.resamples() > 0) {
            Resampling.Draws draws = Resampling.run(
                    options, fitted, residuals, lls.leverages(), yStar -> natural(lls.solve(yStar), means), idx -> {
                        LinearLeastSquares sub = LinearLeastSquares.of(Resampling.gatherRows(design, idx));
                        return sub.isFullRank() ? natural(sub.solve(Resampling.gather(ly, idx)), means) : null;
                    });
            double level = Resampling.expandedLevel(options.level(), n, k + 1);
            for (int j = 0; j <= k; j++) {
                intervals[j] = draws.interval(j, level);
            }
            intervals[0] = intervals[0].exp();
            summary = BootstrapSummary.of(options, draws.failures(), level);
        }
        Map<String, Double> exponents = new LinkedHashMap<>();
        Map<String, Interval> exponentIntervals = new LinkedHashMap<>();
        for (int j = 0; j < k; j++) {
            exponents.put(names.get(j), natural[j + 1]);
            exponentIntervals.put(names.get(j), intervals[j + 1]);
        }
        return new PowerLawFit(
                Math.exp(natural[0]),
                exponents,
                false,
                0,
                intervals[0],
                exponentIntervals,
                Interval.UNKNOWN,
                r2,
                rss,
                FitData.of(names, x, y),
                summary);
    }

    /** Converts centred coefficients to [ln c, e_1..e_k]. */
    private static double[] natural(double[] beta, double[] means) {
        double[] out = beta.clone();
        for (int j = 0; j < means.length; j++) {
            out[0] -= beta[j + 1] * means[j];
        }
        return out;
    }

    /** Wraps a single predictor as rows. */
    static double[][] columns(double[] x) {
        double[][] rows = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            rows[i] = new double[] {x[i]};
        }
        return rows;
    }

    /**
     * Checks predictor rows, responses and names; returns the number of predictors.
     */
    static int checkShape(double[][] x, double[] y, List<String> names) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        Objects.requireNonNull(names, "names");
        Checks.sameLength(x.length, "x", y.length, "y");
        int k = names.size();
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (name == null || name.isBlank() || name.equals("coefficient") || name.equals("offset")) {
                throw Checks.iae("predictor name '%s' is blank or reserved", name);
            }
            if (!seen.add(name)) {
                throw Checks.iae("predictor name '%s' appears twice", name);
            }
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != k) {
                throw Checks.iae("x row %d has %d values but there are %d predictors %s", i, x[i].length, k, names);
            }
            for (int j = 0; j < k; j++) {
                if (!(x[i][j] > 0 && Double.isFinite(x[i][j]))) {
                    throw Checks.iae("%s[%d] (%s) must be positive and finite", names.get(j), i, x[i][j]);
                }
            }
        }
        Checks.allFinite(y, "y");
        return k;
    }
}
