package io.hyperp.moe;

import io.hyperp.core.shape.MoeShape;
import java.util.Locale;

/**
 * How tokens are routed to experts (SPEC section 5).
 *
 * <p>{@code topK} counts every expert a token activates. Without a shared expert, a token is routed
 * to {@code k' = topK} of the {@code experts} routed experts. With a shared expert, one of the
 * {@code topK} slots is the always-on shared expert and a token is routed to {@code k' = topK - 1}
 * routed experts; so a shared expert needs {@code topK >= 2}.
 *
 * <p>Gates are the softmax over the selected logits only, \(g_j = \mathrm{softmax}(l_{e_1},\dots,
 * l_{e_{k'}})_j\), so \(\sum_j g_j = 1\). The routed output is
 * \[ y_{\mathrm{routed}} = \sum_j c_j\, E_{e_j}(x), \qquad c_j = \begin{cases} \sqrt{g_j} &amp;
 * \text{SqrtGate} \\ g_j &amp; \text{otherwise,} \end{cases} \]
 * and with a shared expert \(y = \sqrt{1-p}\, y_{\mathrm{routed}} + \sqrt{p}\, E_{\mathrm{shared}}(x)\)
 * under SqrtGate, \(y = y_{\mathrm{routed}} + E_{\mathrm{shared}}(x)\) without it.
 *
 * <p>Immutable; validated on construction.
 *
 * <p>References: Ren et al., <i>Rethinking Language Model Scaling under Transferable Hypersphere
 * Optimization</i> (arXiv 2603.28743), SqrtGate; Fedus et al., <i>Switch Transformer</i>; DeepSeek-V3
 * report (shared experts).
 *
 * @param experts      the number of routed experts {@code E}, >= 1
 * @param topK         the number of experts each token activates, counting a shared expert, >= 1
 * @param sharedExpert whether one always-on shared expert takes one of the {@code topK} slots
 * @param sqrtGate     whether routed outputs are weighted by {@code sqrt(g)} instead of {@code g}
 * @param sharedWeight the mixing weight {@code p} of the shared expert under SqrtGate, in (0, 1);
 *                     unused without a shared expert or without SqrtGate
 */
public record RouterConfig(int experts, int topK, boolean sharedExpert, boolean sqrtGate, double sharedWeight) {

    /** The default shared-expert mixing weight {@code p}. */
    public static final double DEFAULT_SHARED_WEIGHT = 0.5;

    /** Validates the fields; see the class documentation. */
    public RouterConfig {
        if (experts < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "experts (%d) must be >= 1", experts));
        }
        if (topK < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "topK (%d) must be >= 1", topK));
        }
        if (sharedExpert && topK < 2) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "topK (%d) must be >= 2 with a shared expert: the shared expert takes one of the topK slots and"
                            + " at least one routed expert must remain",
                    topK));
        }
        int routed = sharedExpert ? topK - 1 : topK;
        if (routed > experts) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "topK (%d) routes %d experts per token but there are only %d routed experts%s",
                    topK,
                    routed,
                    experts,
                    sharedExpert ? " (one of the topK slots is the shared expert)" : ""));
        }
        if (!(sharedWeight > 0 && sharedWeight < 1)) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "sharedWeight (%s) must be in (0, 1)", sharedWeight));
        }
    }

    /** 8 routed experts, top-2, no shared expert, SqrtGate, {@code p = 0.5}. */
    public static RouterConfig defaults() {
        return new RouterConfig(8, 2, false, true, DEFAULT_SHARED_WEIGHT);
    }

    /**
     * The router of a model's MoE settings: {@code shape.routedExperts()} routed experts,
     * {@code shape.topK()} experts per token (one of them shared if {@code shape.sharedExpert()}),
     * SqrtGate on, {@code p = 0.5}.
     */
    public static RouterConfig of(MoeShape shape) {
        java.util.Objects.requireNonNull(shape, "shape");
        return new RouterConfig(shape.routedExperts(), shape.topK(), shape.sharedExpert(), true, DEFAULT_SHARED_WEIGHT);
    }

    /** A copy with {@code experts} routed experts. */
    public RouterConfig withExperts(int v) {
        return new RouterConfig(v, topK, sharedExpert, sqrtGate, sharedWeight);
    }

    /** A copy with {@code topK} active experts per token. */
    public RouterConfig withTopK(int v) {
        return new RouterConfig(experts, v, sharedExpert, sqrtGate, sharedWeight);
    }

    /** A copy with or without a shared expert. */
    public RouterConfig withSharedExpert(boolean v) {
        return new RouterConfig(experts, topK, v, sqrtGate, sharedWeight);
    }

    /** A copy with or without SqrtGate. */
    public RouterConfig withSqrtGate(boolean v) {
        return new RouterConfig(experts, topK, sharedExpert, v, sharedWeight);
    }

    /** A copy with shared-expert mixing weight {@code p}. */
    public RouterConfig withSharedWeight(double v) {
        return new RouterConfig(experts, topK, sharedExpert, sqrtGate, v);
    }

    /** {@code k'}: the number of routed experts each token is sent to. */
    public int routedTopK() {
        return sharedExpert ? topK - 1 : topK;
    }

    /**
     * The factor applied to the routed sum: {@code sqrt(1 - p)} with a shared expert under SqrtGate,
     * 1 otherwise.
     */
    public double routedScale() {
        return sharedExpert && sqrtGate ? Math.sqrt(1 - sharedWeight) : 1.0;
    }

    /**
     * The factor applied to the shared expert's output: {@code sqrt(p)} under SqrtGate, 1 without it,
     * 0 without a shared expert.
     */
    public double sharedScale() {
        if (!sharedExpert) {
            return 0.0;
        }
        return sqrtGate ? Math.sqrt(sharedWeight) : 1.0;
    }
}
