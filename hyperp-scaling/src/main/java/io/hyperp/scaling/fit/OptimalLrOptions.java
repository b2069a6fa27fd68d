package io.hyperp.scaling.fit;

import io.hyperp.scaling.internal.Checks;
import java.util.Objects;

/**
 * Settings of {@link OptimalLr}: the bootstrap, the exclusion rule for diverged runs and the minimum number
 * of learning rates.
 *
 * <p>Exclusion rule, applied point by point before fitting: a run is excluded as <em>diverged</em> if its loss
 * is NaN or infinite, or is at least {@code divergenceLoss} (an absolute ceiling such as the initial loss
 * ln V; +infinity disables it); it is excluded as <em>far up a wall</em> if its loss exceeds
 * {@code L_best + maxRelativeExcess * |L_best|}, with L_best the lowest loss of the runs that survived the
 * first test. The quadratic-in-ln(lr) model only holds near the optimum; runs far up the walls, where the
 * basin is asymmetric and divergence sets in, would bend the fit. The relative rule assumes cross-entropy-like
 * losses bounded away from 0; set {@code maxRelativeExcess} to +infinity to disable it.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Zhou et al., arXiv 2601.05049 (fitting paradigm), section on optimal learning rates; SPEC
 * section 7.
 *
 * @param bootstrap bootstrap settings for the interval of eta*
 * @param maxRelativeExcess wall threshold relative to the best loss, positive (may be +infinity)
 * @param divergenceLoss absolute loss ceiling (may be +infinity), not NaN
 * @param minPoints minimum number of distinct learning rates among the kept runs, at least 3
 */
public record OptimalLrOptions(
        BootstrapOptions bootstrap, double maxRelativeExcess, double divergenceLoss, int minPoints) {
    /** Default wall threshold: runs more than 20% above the best loss are excluded. */
    public static final double DEFAULT_MAX_RELATIVE_EXCESS = 0.2;

    /**
     * Validates.
     *
     * @param bootstrap bootstrap settings for the interval of eta*
     * @param maxRelativeExcess wall threshold relative to the best loss, positive (may be +infinity)
     * @param divergenceLoss absolute loss ceiling (may be +infinity), not NaN
     * @param minPoints minimum number of distinct learning rates among the kept runs, at least 3
     * @throws IllegalArgumentException for a null bootstrap, a non-positive or NaN threshold, a NaN ceiling
     *     or fewer than 3 minimum points
     */
    public OptimalLrOptions {
        if (bootstrap == null) {
            throw Checks.iae("bootstrap must not be null");
        }
        if (!(maxRelativeExcess > 0)) {
            throw Checks.iae("maxRelativeExcess (%s) must be positive (+Infinity disables it)", maxRelativeExcess);
        }
        if (Double.isNaN(divergenceLoss)) {
            throw Checks.iae("divergenceLoss must not be NaN (+Infinity disables it)");
        }
        if (minPoints < 3) {
            throw Checks.iae("minPoints (%d) must be at least 3: a quadratic has three coefficients", minPoints);
        }
    }

    /**
     * Returns the defaults: {@link BootstrapOptions#defaults()}, walls at +20% of the best loss, no absolute
     * ceiling, at least 3 learning rates.
     *
     * @return default options
     */
    public static OptimalLrOptions defaults() {
        return new OptimalLrOptions(
                BootstrapOptions.defaults(), DEFAULT_MAX_RELATIVE_EXCESS, Double.POSITIVE_INFINITY, 3);
    }

    /**
     * Returns a copy with other bootstrap settings.
     *
     * @param value bootstrap settings
     * @return new options
     */
    public OptimalLrOptions withBootstrap(BootstrapOptions value) {
        return new OptimalLrOptions(
                Objects.requireNonNull(value, "bootstrap"), maxRelativeExcess, divergenceLoss, minPoints);
    }

    /**
     * Returns a copy with another wall threshold.
     *
     * @param value relative excess, positive or +infinity
     * @return new options
     */
    public OptimalLrOptions withMaxRelativeExcess(double value) {
        return new OptimalLrOptions(bootstrap, value, divergenceLoss, minPoints);
    }

    /**
     * Returns a copy with another absolute loss ceiling.
     *
     * @param value ceiling, or +infinity
     * @return new options
     */
    public OptimalLrOptions withDivergenceLoss(double value) {
        return new OptimalLrOptions(bootstrap, maxRelativeExcess, value, minPoints);
    }

    /**
     * Returns a copy with another minimum number of learning rates.
     *
     * @param value at least 3
     * @return new options
     */
    public OptimalLrOptions withMinPoints(int value) {
        return new OptimalLrOptions(bootstrap, maxRelativeExcess, divergenceLoss, value);
    }
}
