package io.hyperp.scaling.transfer;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A transferred learning rate and the factor each axis contributed: eta = baseLr * product of factors.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); SPEC section 4.
 *
 * @param rule the rule's name
 * @param baseLr the base learning rate
 * @param eta the learning rate at the target scale
 * @param factors axis to its multiplicative factor (every axis the rule scales, 1 for unchanged axes)
 * @param base the base scale
 * @param target the target scale (with any default filled in, e.g. the token budget)
 */
public record TransferResult(
        String rule, double baseLr, double eta, Map<Axis, Double> factors, Scale base, Scale target) {
    /**
     * Copies the factors.
     *
     * @param rule the rule's name
     * @param baseLr the base learning rate
     * @param eta the learning rate at the target scale
     * @param factors axis to its multiplicative factor (every axis the rule scales, 1 for unchanged axes)
     * @param base the base scale
     * @param target the target scale (with any default filled in, e.g. the token budget)
     */
    public TransferResult {
        EnumMap<Axis, Double> m = new EnumMap<>(Axis.class);
        m.putAll(factors);
        factors = Collections.unmodifiableMap(m);
    }

    /**
     * Returns one axis's factor.
     *
     * @param axis the axis
     * @return its factor, 1 when the rule does not scale it
     */
    public double factor(Axis axis) {
        return factors.getOrDefault(axis, 1.0);
    }

    /**
     * Returns the result as an ordered map for {@link io.hyperp.scaling.io.Json}: {@code eta},
     * {@code target_tokens} (null when unknown), {@code factors} (axis label to factor), {@code rule},
     * {@code base_lr}.
     *
     * @return a new mutable map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eta", eta);
        m.put("target_tokens", target.has(Axis.TOKENS) ? target.get(Axis.TOKENS) : null);
        Map<String, Object> f = new LinkedHashMap<>();
        for (Map.Entry<Axis, Double> e : factors.entrySet()) {
            f.put(e.getKey().label(), e.getValue());
        }
        m.put("factors", f);
        m.put("rule", rule);
        m.put("base_lr", baseLr);
        return m;
    }
}
