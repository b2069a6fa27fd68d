package io.hyperp.scaling.transfer;

import io.hyperp.scaling.internal.Checks;
import java.util.Objects;

/**
 * The default token budget at a fixed tokens-per-parameter ratio: \( T(L) = T_0 N(L) / N(d_0) \).
 *
 * <p>Immutable and thread-safe when the counter is.
 *
 * <p>References: SPEC section 4 (worked example: T(24) = 194.67e9 from T0 = 10.4e9 at d0 = 8).
 *
 * @param counter N(L)
 */
public record TokenBudget(ParameterCounter counter) {
    /**
     * Validates.
     *
     * @param counter N(L)
     */
    public TokenBudget {
        Objects.requireNonNull(counter, "counter");
    }

    /**
     * Returns the budget at a fixed ratio.
     *
     * @param counter N(L)
     * @return the budget rule
     */
    public static TokenBudget fixedRatio(ParameterCounter counter) {
        return new TokenBudget(counter);
    }

    /**
     * Returns T0 * N(targetDepth) / N(baseDepth).
     *
     * @param baseTokens T0, positive
     * @param baseDepth d0, positive
     * @param targetDepth L, positive
     * @return the target budget
     * @throws IllegalArgumentException for non-positive inputs or a counter returning a non-positive count
     */
    public double tokens(double baseTokens, int baseDepth, int targetDepth) {
        Checks.positive(baseTokens, "baseTokens");
        long n0 = count(baseDepth);
        long n = count(targetDepth);
        return baseTokens * ((double) n / (double) n0);
    }

    private long count(int depth) {
        if (depth <= 0) {
            throw Checks.iae("depth (%d) must be positive", depth);
        }
        long n = counter.parameters(depth);
        if (n <= 0) {
            throw Checks.iae("parameter count at depth %d (%d) must be positive", depth, n);
        }
        return n;
    }

    /**
     * Fills in the target's token budget when it is missing and the base has tokens and both scales have a
     * depth; otherwise returns the target unchanged.
     *
     * @param base the base scale
     * @param target the target scale
     * @return the target with {@link Axis#TOKENS} set
     * @throws IllegalArgumentException if a depth is not a whole number
     */
    public Scale complete(Scale base, Scale target) {
        if (target.has(Axis.TOKENS) || !base.has(Axis.TOKENS) || !base.has(Axis.DEPTH) || !target.has(Axis.DEPTH)) {
            return target;
        }
        return target.with(Axis.TOKENS, tokens(base.get(Axis.TOKENS), wholeDepth(base), wholeDepth(target)));
    }

    private static int wholeDepth(Scale s) {
        double d = s.get(Axis.DEPTH);
        if (d != Math.rint(d) || d > Integer.MAX_VALUE) {
            throw Checks.iae("depth (%s) must be a whole number", d);
        }
        return (int) d;
    }
}
