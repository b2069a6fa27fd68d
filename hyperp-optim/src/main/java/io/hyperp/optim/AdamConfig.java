package io.hyperp.optim;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Configuration of the Adam direction \( \hat m / (\sqrt{\hat v} + \epsilon) \) with bias-corrected
 * moments.
 *
 * @param beta1   first-moment decay, in [0, 1)
 * @param beta2   second-moment decay, in [0, 1)
 * @param epsilon added to the root of the second moment, finite and > 0
 */
public record AdamConfig(double beta1, double beta2, double epsilon) {

    /** Validates the fields. */
    public AdamConfig {
        checkArgument(beta1 >= 0 && beta1 < 1, "beta1 (%s) must be in [0, 1)", beta1);
        checkArgument(beta2 >= 0 && beta2 < 1, "beta2 (%s) must be in [0, 1)", beta2);
        checkArgument(epsilon > 0 && Double.isFinite(epsilon), "epsilon (%s) must be finite and positive", epsilon);
    }

    /** HyperP's AdamW settings (SPEC 1): beta1 0.9, beta2 0.95, eps 1e-8. */
    public static AdamConfig defaults() {
        return new AdamConfig(0.9, 0.95, 1e-8);
    }

    /** A copy with another beta1. */
    public AdamConfig withBeta1(double v) {
        return new AdamConfig(v, beta2, epsilon);
    }

    /** A copy with another beta2. */
    public AdamConfig withBeta2(double v) {
        return new AdamConfig(beta1, v, epsilon);
    }

    /** A copy with another epsilon. */
    public AdamConfig withEpsilon(double v) {
        return new AdamConfig(beta1, beta2, v);
    }
}
