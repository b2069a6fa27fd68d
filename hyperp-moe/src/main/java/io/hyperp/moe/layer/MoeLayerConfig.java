package io.hyperp.moe.layer;

import io.hyperp.core.shape.MoeShape;
import io.hyperp.moe.RouterConfig;
import io.hyperp.moe.balance.BalanceConfig;
import java.util.Locale;
import java.util.Objects;

/**
 * The shape and routing of one SwiGLU MoE feed-forward layer.
 *
 * <p>Every expert (routed or shared) is a SwiGLU block of width {@code expertWidth}:
 * \(E(x) = W_{\mathrm{down}} (\mathrm{silu}(W_{\mathrm{gate}} x) \odot W_{\mathrm{up}} x)\). The HyperP
 * granularity rule sets {@code expertWidth = 4 d / topK} so that the active parameter count does not
 * depend on {@code topK} ({@link #granular}).
 *
 * <p>Immutable; validated on construction.
 *
 * <p>References: Ren et al., arXiv 2603.28743, section 5; Shazeer, <i>GLU Variants Improve
 * Transformer</i> (SwiGLU).
 *
 * @param modelDim     {@code d}, the layer's input and output width, >= 1
 * @param expertWidth  {@code f}, the hidden width of each expert, >= 1
 * @param router       the routing configuration
 * @param balance      the auxiliary-loss weights
 * @param lossFreeRate the loss-free balancing bias update speed {@code u}; 0 turns it off; finite, >= 0
 */
public record MoeLayerConfig(
        int modelDim, int expertWidth, RouterConfig router, BalanceConfig balance, double lossFreeRate) {

    /** Validates the fields. */
    public MoeLayerConfig {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(balance, "balance");
        if (modelDim < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "modelDim (%d) must be >= 1", modelDim));
        }
        if (expertWidth < 1) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "expertWidth (%d) must be >= 1", expertWidth));
        }
        if (!(lossFreeRate >= 0 && Double.isFinite(lossFreeRate))) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "lossFreeRate (%s) must be finite and >= 0", lossFreeRate));
        }
    }

    /**
     * A layer of width {@code modelDim} with experts of width {@code max(1, 4 modelDim / topK)},
     * HyperP's balance losses and no loss-free balancing.
     */
    public static MoeLayerConfig granular(int modelDim, RouterConfig router) {
        Objects.requireNonNull(router, "router");
        if (modelDim < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "modelDim (%d) must be >= 1", modelDim));
        }
        int width = (int) Math.max(1, 4L * modelDim / router.topK());
        return new MoeLayerConfig(modelDim, width, router, BalanceConfig.defaults(), 0.0);
    }

    /**
     * The layer of a model's MoE settings at model width {@code modelDim}: the router of
     * {@link RouterConfig#of(MoeShape)}, experts of width {@code shape.expertWidth(4 modelDim)}, HyperP's
     * balance losses, no loss-free balancing.
     *
     * @throws IllegalArgumentException if {@code 4 modelDim} is not divisible by the granularity
     */
    public static MoeLayerConfig of(int modelDim, MoeShape shape) {
        Objects.requireNonNull(shape, "shape");
        if (modelDim < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "modelDim (%d) must be >= 1", modelDim));
        }
        long width = shape.expertWidth(4L * modelDim);
        return new MoeLayerConfig(
                modelDim, Math.toIntExact(width), RouterConfig.of(shape), BalanceConfig.defaults(), 0.0);
    }

    /** {@code granular(64, RouterConfig.defaults())}. */
    public static MoeLayerConfig defaults() {
        return granular(64, RouterConfig.defaults());
    }

    /** A copy with model width {@code v} (expert width unchanged). */
    public MoeLayerConfig withModelDim(int v) {
        return new MoeLayerConfig(v, expertWidth, router, balance, lossFreeRate);
    }

    /** A copy with expert width {@code v}. */
    public MoeLayerConfig withExpertWidth(int v) {
        return new MoeLayerConfig(modelDim, v, router, balance, lossFreeRate);
    }

    /** A copy with routing {@code v}. */
    public MoeLayerConfig withRouter(RouterConfig v) {
        return new MoeLayerConfig(modelDim, expertWidth, v, balance, lossFreeRate);
    }

    /** A copy with balance-loss weights {@code v}. */
    public MoeLayerConfig withBalance(BalanceConfig v) {
        return new MoeLayerConfig(modelDim, expertWidth, router, v, lossFreeRate);
    }

    /** A copy with loss-free balancing speed {@code v} (0 turns it off). */
    public MoeLayerConfig withLossFreeRate(double v) {
        return new MoeLayerConfig(modelDim, expertWidth, router, balance, v);
    }
}
