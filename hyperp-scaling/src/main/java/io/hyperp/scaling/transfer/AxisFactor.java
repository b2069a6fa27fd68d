package io.hyperp.scaling.transfer;

import io.hyperp.scaling.internal.Checks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One axis's contribution to a transferred learning rate, with the reason the rule gives it.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: SPEC sections 4, 7 and 8.
 *
 * @param axis the axis
 * @param base its value at the base scale, NaN when absent from both scales
 * @param target its value at the target scale, NaN when absent from both scales
 * @param factor the multiplicative factor, positive and finite
 * @param why one sentence: the rule's reason for this factor
 */
public record AxisFactor(Axis axis, double base, double target, double factor, String why) {
    /**
     * Validates.
     *
     * @param axis the axis
     * @param base its value at the base scale, or NaN
     * @param target its value at the target scale, or NaN
     * @param factor the multiplicative factor, positive and finite
     * @param why the rule's reason
     * @throws IllegalArgumentException for a factor that is not positive and finite
     */
    public AxisFactor {
        Objects.requireNonNull(axis, "axis");
        Objects.requireNonNull(why, "why");
        Checks.positive(factor, axis.label() + " factor");
    }

    /**
     * Returns the factor as an ordered map for {@link io.hyperp.scaling.io.Json}: {@code axis}, {@code base},
     * {@code target}, {@code factor}, {@code why} (NaN becomes null).
     *
     * @return a new mutable map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("axis", axis.label());
        m.put("base", base);
        m.put("target", target);
        m.put("factor", factor);
        m.put("why", why);
        return m;
    }
}
