package io.hyperp.scaling.fit;

import io.hyperp.scaling.internal.Checks;

/**
 * A confidence interval [low, high]; both ends are NaN when no interval could be computed (no bootstrap,
 * no residual degrees of freedom, or too many failed resamples).
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Efron and Tibshirani, An Introduction to the Bootstrap (1993), section 13.3.
 *
 * @param low lower end, or NaN
 * @param high upper end, or NaN
 */
public record Interval(double low, double high) {
    /** The interval that was not computed. */
    public static final Interval UNKNOWN = new Interval(Double.NaN, Double.NaN);

    /**
     * Validates the ends.
     *
     * @param low lower end, or NaN
     * @param high upper end, or NaN
     * @throws IllegalArgumentException if exactly one end is NaN or {@code low > high}
     */
    public Interval {
        if (Double.isNaN(low) != Double.isNaN(high)) {
            throw Checks.iae("interval [%s, %s]: both ends must be NaN or neither", low, high);
        }
        if (low > high) {
            throw Checks.iae("interval [%s, %s]: low must not exceed high", low, high);
        }
    }

    /**
     * Returns whether the interval was computed.
     *
     * @return false when both ends are NaN
     */
    public boolean isKnown() {
        return !Double.isNaN(low);
    }

    /**
     * Returns whether {@code value} lies in [low, high].
     *
     * @param value the value
     * @return false for an unknown interval or a NaN value
     */
    public boolean contains(double value) {
        return value >= low && value <= high;
    }

    /**
     * Maps both ends through {@code exp}, turning an interval on a log scale into one on the original scale.
     *
     * @return [exp(low), exp(high)]
     */
    public Interval exp() {
        return new Interval(Math.exp(low), Math.exp(high));
    }
}
