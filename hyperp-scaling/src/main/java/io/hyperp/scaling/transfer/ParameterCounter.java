package io.hyperp.scaling.transfer;

/**
 * The parameter count of a model family as a function of depth, N(L). Supplied by the caller, typically from
 * hyperp-core: {@code depth -> ModelShape.reference(depth).totalParams()}; this module has no tensor
 * dependency and does not know model shapes itself.
 *
 * <p>Implementations must be pure functions (thread-safe).
 *
 * <p>References: SPEC section 4 (reference family: N(L) = L (3 d ffn + 2 d q + 2 d kv) + 2 d V,
 * N(8) = 208,142,336).
 */
@FunctionalInterface
public interface ParameterCounter {
    /**
     * Returns the parameter count at a depth.
     *
     * @param depth number of layers, positive
     * @return N(depth), positive
     */
    long parameters(int depth);
}
