package io.hyperp.scaling.transfer;

import io.hyperp.scaling.internal.Checks;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A transfer rule with one power per axis: \( \eta = \eta_0 \prod_a (x_a / x_{a,0})^{e_a} \).
 *
 * <p>An axis absent from both scales contributes 1; an axis with exponent 0 contributes 1 whatever the
 * scales say; otherwise an axis given for only one scale is an error. Immutable and thread-safe.
 *
 * <p>References: SPEC section 4; Ren et al., arXiv 2603.28743 (HyperP).
 *
 * @param name the rule's name
 * @param exponents axis to exponent (finite; copied)
 */
public record CustomExponentRule(String name, Map<Axis, Double> exponents) implements TransferRule {
    /**
     * Validates and copies.
     *
     * @param name the rule's name
     * @param exponents axis to exponent (finite; copied)
     * @throws IllegalArgumentException for a blank name or a non-finite exponent
     */
    public CustomExponentRule {
        if (name == null || name.isBlank()) {
            throw Checks.iae("rule name must not be blank");
        }
        EnumMap<Axis, Double> m = new EnumMap<>(Axis.class);
        for (Map.Entry<Axis, Double> e : exponents.entrySet()) {
            Objects.requireNonNull(e.getKey(), "axis");
            Checks.finite(
                    Objects.requireNonNull(e.getValue(), "exponent"), e.getKey().label() + " exponent");
            m.put(e.getKey(), e.getValue());
        }
        exponents = Collections.unmodifiableMap(m);
    }

    /**
     * Creates a rule named "custom".
     *
     * @param exponents axis to exponent
     * @return the rule
     */
    public static CustomExponentRule of(Map<Axis, Double> exponents) {
        return new CustomExponentRule("custom", exponents);
    }

    @Override
    public TransferResult transfer(double baseLr, Scale base, Scale target) {
        Checks.positive(baseLr, "baseLr");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(target, "target");
        EnumMap<Axis, Double> factors = new EnumMap<>(Axis.class);
        double eta = baseLr;
        for (Map.Entry<Axis, Double> e : exponents.entrySet()) {
            Axis axis = e.getKey();
            double factor = 1;
            if (e.getValue() != 0 && (base.has(axis) || target.has(axis))) {
                if (!base.has(axis) || !target.has(axis)) {
                    throw Checks.iae(
                            "%s is given for the %s scale only; give it for both or neither",
                            axis.label(), base.has(axis) ? "base" : "target");
                }
                factor = Math.pow(target.get(axis) / base.get(axis), e.getValue());
            }
            factors.put(axis, factor);
            eta *= factor;
        }
        return new TransferResult(name, baseLr, eta, factors, base, target);
    }
}
