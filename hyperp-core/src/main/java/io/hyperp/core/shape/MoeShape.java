package io.hyperp.core.shape;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * MoE settings of a model (SPEC section 5): each MoE layer has {@code sparsity * topK} experts, each
 * of FFN width {@code ffnWidth / granularity}; a token is routed to {@code topK} of them. With a
 * shared expert, one of the {@code topK} slots is the always-on shared expert: {@code topK - 1} are
 * routed among {@code sparsity * topK - 1} routed experts.
 *
 * <p>The reference uses {@code granularity = topK} (expert width {@code 4d / topK}), so that the
 * active FFN width stays {@code 4d} as the granularity changes.
 *
 * @param sparsity     total experts per active expert (>= 1)
 * @param topK         experts per token, including the shared one if any (>= 1; >= 2 with a shared expert)
 * @param sharedExpert whether one always-on shared expert takes one of the topK slots
 * @param granularity  the dense FFN width divided by one expert's width (>= 1)
 */
public record MoeShape(int sparsity, int topK, boolean sharedExpert, int granularity) {

    /** Validates the fields. */
    public MoeShape {
        checkArgument(sparsity >= 1, "sparsity (%s) must be >= 1", sparsity);
        checkArgument(topK >= 1, "topK (%s) must be >= 1", topK);
        checkArgument(!sharedExpert || topK >= 2, "a shared expert needs topK >= 2, found %s", topK);
        checkArgument(granularity >= 1, "granularity (%s) must be >= 1", granularity);
    }

    /** The reference setting: granularity equal to top-k. */
    public static MoeShape of(int sparsity, int topK, boolean sharedExpert) {
        return new MoeShape(sparsity, topK, sharedExpert, topK);
    }

    /** The number of routed experts: {@code s k}, or {@code s k - 1} with a shared expert. */
    public int routedExperts() {
        return sparsity * topK - (sharedExpert ? 1 : 0);
    }

    /** The number of routed experts a token selects: {@code k}, or {@code k - 1} with a shared expert. */
    public int routedTopK() {
        return topK - (sharedExpert ? 1 : 0);
    }

    /** One expert's FFN width for a dense FFN width. */
    public long expertWidth(long denseFfnWidth) {
        checkArgument(
                denseFfnWidth % granularity == 0,
                "dense FFN width %s is not divisible by granularity %s",
                denseFfnWidth,
                granularity);
        return denseFfnWidth / granularity;
    }
}
