package io.hyperp.scaling.transfer;

import io.hyperp.scaling.internal.Checks;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A power law in scaling axes that a user fitted, \( \eta^* = c \prod_a x_a^{e_a} \), for example the
 * fitting-paradigm law in {@link Axis#PARAMS} and {@link Axis#TOKENS} written by {@code hyperp fit-law --json}
 * and read back by {@link io.hyperp.scaling.io.LawJson}.
 *
 * <p>As a {@link TransferRule} ({@link #asRule()}) it is anchored at a base run: \( \eta = \eta_0 \prod_a
 * (x_a / x_{a,0})^{e_a} \), the coefficient cancels. Immutable and thread-safe.
 *
 * <p>References: Zhou et al., How to Set the Learning Rate for Large-Scale Pre-training? (arXiv 2601.05049);
 * SPEC section 7.
 *
 * @param coefficient c, positive
 * @param exponents axis to exponent, at least one, each finite (copied)
 */
public record FittedLaw(double coefficient, Map<Axis, Double> exponents) implements LrPredictor {
    /**
     * Validates and copies.
     *
     * @param coefficient c, positive
     * @param exponents axis to exponent, at least one, each finite (copied)
     * @throws IllegalArgumentException for a non-positive coefficient, no exponents or a non-finite exponent
     */
    public FittedLaw {
        Checks.positive(coefficient, "coefficient");
        if (exponents.isEmpty()) {
            throw Checks.iae("a fitted law needs at least one exponent, found none");
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

    @Override
    public String name() {
        return "fitted";
    }

    /**
     * Evaluates the law.
     *
     * @param scale a scale holding every axis of the law
     * @return \( c \prod_a x_a^{e_a} \)
     * @throws IllegalArgumentException if an axis of the law is missing
     */
    @Override
    public double predict(Scale scale) {
        double v = coefficient;
        for (Map.Entry<Axis, Double> e : exponents.entrySet()) {
            v *= Math.pow(scale.get(e.getKey()), e.getValue());
        }
        return v;
    }

    @Override
    public TransferRule asRule() {
        return new CustomExponentRule(name(), exponents);
    }
}
