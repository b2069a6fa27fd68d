package io.hyperp.scaling.fit;

/**
 * Which quadratic an {@link OptimalLr} fit used to locate the optimum.
 *
 * <p>References: Zhou et al., arXiv 2601.05049; SPEC section 7.
 */
public enum OptimalLrEstimator {
    /** The quadratic in ln(lr) over every kept point. */
    QUADRATIC,
    /**
     * The quadratic in ln(lr) over the points around the lowest loss only, used where the full quadratic misreads
     * a lopsided sweep (see {@link OptimalLr}).
     */
    LOCAL_QUADRATIC
}
