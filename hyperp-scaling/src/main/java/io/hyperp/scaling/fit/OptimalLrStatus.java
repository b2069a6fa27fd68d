package io.hyperp.scaling.fit;

/**
 * Outcome of an {@link OptimalLr} fit: accepted, or the reason the fit refuses to name an optimum.
 *
 * <p>References: SPEC section 7 (the library must say to widen the sweep rather than extrapolate).
 */
public enum OptimalLrStatus {
    /** A convex basin whose optimum lies inside the swept range. */
    OK,
    /** Fewer distinct learning rates than required survived the exclusion rule. */
    TOO_FEW_POINTS,
    /** The fitted quadratic in ln(lr) is not convex: the sweep shows no basin. */
    NOT_CONVEX,
    /**
     * The sweep does not bracket the optimum from below: the fitted optimum lies below the smallest kept learning
     * rate, or the lowest loss is at the smallest kept learning rate.
     */
    OPTIMUM_BELOW_RANGE,
    /**
     * The sweep does not bracket the optimum from above: the fitted optimum lies above the largest kept learning
     * rate, or the lowest loss is at the largest kept learning rate.
     */
    OPTIMUM_ABOVE_RANGE,
    /**
     * A basin was fitted and brackets its optimum, but the data do not pin the optimum down: the bootstrap interval
     * of eta* is wider than the swept range or than {@link OptimalLr#MAX_INTERVAL_STEPS} sweep steps, or the
     * bootstrap could not give one. {@link OptimalLrResult#etaStar()} and the interval are kept for diagnostics;
     * the message says how to lengthen or widen the sweep.
     */
    UNRESOLVED;

    /**
     * Returns whether this status is a refusal.
     *
     * @return true for anything but {@link #OK}
     */
    public boolean isRefusal() {
        return this != OK;
    }
}
