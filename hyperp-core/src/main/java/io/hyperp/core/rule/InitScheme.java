package io.hyperp.core.rule;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;

/**
 * An initialization distribution.
 *
 * @param kind  the distribution family
 * @param scale the family's scale: the standard deviation for {@link Kind#NORMAL}, the value for
 *              {@link Kind#CONSTANT}, a multiplier of the bound {@code 1/sqrt(fan_in)} for
 *              {@link Kind#UNIFORM_FAN_IN} (1 in the reference)
 */
public record InitScheme(Kind kind, double scale) {

    /** Distribution families. */
    public enum Kind {
        /** U(-scale/sqrt(fan_in), +scale/sqrt(fan_in)); E||W||_F^2 = scale^2 fan_out / 3 per matrix. */
        UNIFORM_FAN_IN,
        /** N(0, scale^2). */
        NORMAL,
        /** Every entry equals scale. */
        CONSTANT
    }

    /** Validates the scale: finite, and positive except for a constant. */
    public InitScheme {
        Objects.requireNonNull(kind, "kind");
        checkArgument(Double.isFinite(scale), "init scale (%s) must be finite", scale);
        checkArgument(kind == Kind.CONSTANT || scale > 0, "init scale (%s) must be positive for %s", scale, kind);
    }

    /** The reference HIDDEN init U(+-1/sqrt(fan_in)). */
    public static InitScheme uniformFanIn() {
        return new InitScheme(Kind.UNIFORM_FAN_IN, 1.0);
    }

    /** N(0, std^2). */
    public static InitScheme normal(double std) {
        return new InitScheme(Kind.NORMAL, std);
    }

    /** A constant. */
    public static InitScheme constant(double value) {
        return new InitScheme(Kind.CONSTANT, value);
    }
}
