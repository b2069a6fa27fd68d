package io.hyperp.moe;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;

/**
 * Configuration of a token-choice top-k router (SPEC section 5).
 *
 * @param layerName    the layer's name, used in every error message
 * @param experts      the number of routed experts E
 * @param topK         experts per token k, counting the shared expert if there is one
 * @param sharedExpert whether one always-on shared expert takes one of the k slots (then k' = k - 1
 *                     routed experts per token)
 * @param sqrtGate     whether routed outputs are weighted by sqrt(g) (SqrtGate) instead of g
 * @param sharedWeight p of the SqrtGate mix {@code sqrt(1-p) routed + sqrt(p) shared}, in (0, 1)
 */
public record RouterConfig(String layerName, int experts, int topK, boolean sharedExpert, boolean sqrtGate,
                           double sharedWeight) {

    /** Validates the fields: 1 <= k' <= E, a shared expert needs k >= 2. */
    public RouterConfig {
        Objects.requireNonNull(layerName, "layerName");
        checkArgument(experts >= 1, "%s: experts (%s) must be >= 1", layerName, experts);
        checkArgument(topK >= 1, "%s: topK (%s) must be >= 1", layerName, topK);
        checkArgument(!sharedExpert || topK >= 2,
                "%s: a shared expert takes one of the topK slots, so it needs topK >= 2, found %s", layerName, topK);
        int routed = topK - (sharedExpert ? 1 : 0);
        checkArgument(routed <= experts, "%s: %s routed experts per token (topK %s%s) exceed the %s experts",
                layerName, routed, topK, sharedExpert ? " with a shared expert" : "", experts);
        checkArgument(sharedWeight > 0 && sharedWeight < 1, "%s: sharedWeight (%s) must be in (0, 1)", layerName,
                sharedWeight);
    }

    /** HyperP's router: SqrtGate on, no shared expert, p = 0.5. */
    public static RouterConfig of(String layerName, int experts, int topK) {
        return new RouterConfig(layerName, experts, topK, false, true, 0.5);
    }

    /** The number of routed experts per token k'. */
    public int routedTopK() {
        return topK - (sharedExpert ? 1 : 0);
    }

    /** A copy with SqrtGate on or off. */
    public RouterConfig withSqrtGate(boolean v) {
        return new RouterConfig(layerName, experts, topK, sharedExpert, v, sharedWeight);
    }

    /** A copy with or without a shared expert. */
    public RouterConfig withSharedExpert(boolean v) {
        return new RouterConfig(layerName, experts, topK, v, sqrtGate, sharedWeight);
    }

    /** A copy with another shared weight p. */
    public RouterConfig withSharedWeight(double v) {
        return new RouterConfig(layerName, experts, topK, sharedExpert, sqrtGate, v);
    }

    /** The factor on the routed sum: sqrt(1 - p) with a shared expert under SqrtGate, else 1. */
    public double routedScale() {
        return sharedExpert && sqrtGate ? Math.sqrt(1 - sharedWeight) : 1.0;
    }

    /** The factor on the shared expert's output: sqrt(p) under SqrtGate, else 1 (plain addition). */
    public double sharedScale() {
        return sqrtGate ? Math.sqrt(sharedWeight) : 1.0;
    }
}
