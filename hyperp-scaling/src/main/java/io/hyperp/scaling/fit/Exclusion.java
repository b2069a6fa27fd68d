package io.hyperp.scaling.fit;

import io.hyperp.scaling.sweep.SweepPoint;

/**
 * A sweep point left out of a fit, and why.
 *
 * <p>Immutable and thread-safe.
 *
 * @param point the point
 * @param reason a short reason, such as "diverged (loss NaN)"
 *
 * <p>References: SPEC section 7.
 */
public record Exclusion(SweepPoint point, String reason) {}
