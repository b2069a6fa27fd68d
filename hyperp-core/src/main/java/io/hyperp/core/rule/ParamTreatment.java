package io.hyperp.core.rule;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;

/**
 * What a parameterization rule prescribes for one parameter.
 *
 * @param init         the initialization distribution
 * @param family       the optimizer family; {@link OptimizerFamily#onSphere()} says whether the
 *                     parameter lives on a sphere
 * @param lrMultiplier multiplier of the scheduled learning rate for this parameter (finite, > 0);
 *                     for sphere families the product is a relative step
 * @param weightDecay  decoupled weight decay (finite, >= 0)
 */
public record ParamTreatment(InitScheme init, OptimizerFamily family, double lrMultiplier, double weightDecay) {

    /** Validates every field. */
    public ParamTreatment {
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(family, "family");
        checkArgument(
                lrMultiplier > 0 && Double.isFinite(lrMultiplier),
                "lrMultiplier (%s) must be finite and positive",
                lrMultiplier);
        checkArgument(
                weightDecay >= 0 && Double.isFinite(weightDecay),
                "weightDecay (%s) must be finite and >= 0",
                weightDecay);
    }

    /** Whether the parameter lives on a Frobenius sphere. */
    public boolean onSphere() {
        return family.onSphere();
    }
}
