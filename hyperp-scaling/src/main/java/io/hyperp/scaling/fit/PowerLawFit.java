package io.hyperp.scaling.fit;

import io.hyperp.scaling.internal.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fitted power law \( y = c \prod_j x_j^{e_j} \) (plus an offset when {@link #hasOffset()}).
 *
 * <p>Immutable and thread-safe. Intervals are seeded bootstrap intervals ({@link Interval#UNKNOWN} when the
 * bootstrap was off or there were no residual degrees of freedom).
 *
 * <p>References: SPEC section 7; Zhou et al., arXiv 2601.05049.
 *
 * @param coefficient c
 * @param exponents predictor name to exponent, in predictor order
 * @param hasOffset whether an offset was fitted
 * @param offset the offset (0 when not fitted)
 * @param coefficientInterval interval of c
 * @param exponentIntervals predictor name to the interval of its exponent
 * @param offsetInterval interval of the offset ({@link Interval#UNKNOWN} when not fitted)
 * @param r2 coefficient of determination: of ln y for the plain law (fitted on log-log), of y with an offset
 * @param rss residual sum of squares on the scale of {@code r2}
 * @param data the data fitted (predictor names, rows and responses)
 * @param bootstrap what the bootstrap did
 */
public record PowerLawFit(
        double coefficient,
        Map<String, Double> exponents,
        boolean hasOffset,
        double offset,
        Interval coefficientInterval,
        Map<String, Interval> exponentIntervals,
        Interval offsetInterval,
        double r2,
        double rss,
        FitData data,
        BootstrapSummary bootstrap) {

    /**
     * Copies the maps (keeping their order).
     *
     * @param coefficient c
     * @param exponents predictor name to exponent, in predictor order
     * @param hasOffset whether an offset was fitted
     * @param offset the offset (0 when not fitted)
     * @param coefficientInterval interval of c
     * @param exponentIntervals predictor name to the interval of its exponent
     * @param offsetInterval interval of the offset ({@link Interval#UNKNOWN} when not fitted)
     * @param r2 coefficient of determination: of ln y for the plain law (fitted on log-log), of y with an offset
     * @param rss residual sum of squares on the scale of {@code r2}
     * @param data the data fitted (predictor names, rows and responses)
     * @param bootstrap what the bootstrap did
     */
    public PowerLawFit {
        exponents = Collections.unmodifiableMap(new LinkedHashMap<>(exponents));
        exponentIntervals = Collections.unmodifiableMap(new LinkedHashMap<>(exponentIntervals));
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
     * Returns the predictor names in order.
     *
     * @return unmodifiable list
     */
    public List<String> names() {
        return List.copyOf(exponents.keySet());
    }

    /**
     * Returns the exponent of a predictor.
     *
     * @param name predictor name
     * @return its exponent
     * @throws IllegalArgumentException for an unknown predictor
     */
    public double exponent(String name) {
        Double e = exponents.get(name);
        if (e == null) {
            throw Checks.iae("no predictor '%s' (predictors: %s)", name, exponents.keySet());
        }
        return e;
    }

    /**
     * Evaluates the law.
     *
     * @param x one value per predictor, in order, each positive
     * @return \( c \prod_j x_j^{e_j} + offset \)
     * @throws IllegalArgumentException for a wrong count or a non-positive value
     */
    public double predict(double... x) {
        if (x.length != exponents.size()) {
            throw Checks.iae(
                    "predict: expected %d predictor values %s, got %d", exponents.size(), exponents.keySet(), x.length);
        }
        double v = coefficient;
        int j = 0;
        for (double e : exponents.values()) {
            Checks.positive(x[j], "x[" + j + "]");
            v *= Math.pow(x[j], e);
            j++;
        }
        return v + offset;
    }

    /**
     * Returns the fit as an ordered map for {@link io.hyperp.scaling.io.Json}: {@code coefficient},
     * {@code exponents} (name to exponent), {@code offset} (null without offset), {@code r2}, {@code ci} (name
     * to [low, high] for "coefficient", each predictor and "offset"), {@code points}.
     *
     * @return a new mutable map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("coefficient", coefficient);
        m.put("exponents", new LinkedHashMap<>(exponents));
        m.put("offset", hasOffset ? offset : null);
        m.put("r2", r2);
        Map<String, Object> ci = new LinkedHashMap<>();
        ci.put("coefficient", pair(coefficientInterval));
        for (Map.Entry<String, Interval> e : exponentIntervals.entrySet()) {
            ci.put(e.getKey(), pair(e.getValue()));
        }
        if (hasOffset) {
            ci.put("offset", pair(offsetInterval));
        }
        m.put("ci", ci);
        m.put("points", points());
        return m;
    }

    private static List<Double> pair(Interval i) {
        return java.util.Arrays.asList(i.low(), i.high());
    }
}
