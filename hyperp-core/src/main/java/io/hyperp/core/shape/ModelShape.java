package io.hyperp.core.shape;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Optional;

/**
 * The shape of a decoder-only transformer and its parameter and FLOP counts as SPEC section 4
 * defines them.
 *
 * <p>Per layer: attention {@code W_q [d -> heads*headDim]}, {@code W_k, W_v [d -> kvGroups*headDim]},
 * {@code W_o [heads*headDim -> d]}; a SwiGLU FFN of three matrices of width {@code ffnWidth} (dense),
 * or an MoE of SwiGLU experts plus a router {@code [E, d]}. Embedding {@code [V, d]} and, untied, a
 * head {@code [V, d]}. Gains are not counted. Counts:
 * \[ N = L\,(3 d f + 2 d q + 2 d kv) + 2 d V \] for the dense untied reference (SPEC 4), where
 * {@code q = heads*headDim} and {@code kv = kvGroups*headDim}.
 *
 * <p>FLOPs per token: {@code 6 N_active + 12 L heads headDim ctx}; compute {@code C = flops * tokens}.
 *
 * @param depth      number of layers L
 * @param width      model width d
 * @param heads      attention heads
 * @param headDim    head dimension
 * @param kvGroups   key/value groups (heads sharing K and V)
 * @param ffnWidth   dense SwiGLU FFN width
 * @param vocab      vocabulary size V
 * @param context    context length
 * @param tiedEmbeddings whether the head shares the embedding matrix
 * @param moe        MoE settings, or empty for a dense model
 */
public record ModelShape(
        int depth,
        int width,
        int heads,
        int headDim,
        int kvGroups,
        long ffnWidth,
        int vocab,
        int context,
        boolean tiedEmbeddings,
        Optional<MoeShape> moe) {

    /** Validates every field. */
    public ModelShape {
        checkArgument(depth >= 1, "depth (%s) must be >= 1", depth);
        checkArgument(width >= 1, "width (%s) must be >= 1", width);
        checkArgument(heads >= 1, "heads (%s) must be >= 1", heads);
        checkArgument(headDim >= 1, "headDim (%s) must be >= 1", headDim);
        checkArgument(
                kvGroups >= 1 && kvGroups <= heads && heads % kvGroups == 0,
                "kvGroups (%s) must divide heads (%s)",
                kvGroups,
                heads);
        checkArgument(ffnWidth >= 1, "ffnWidth (%s) must be >= 1", ffnWidth);
        checkArgument(vocab >= 1, "vocab (%s) must be >= 1", vocab);
        checkArgument(context >= 1, "context (%s) must be >= 1", context);
        java.util.Objects.requireNonNull(moe, "moe");
        moe.ifPresent(m -> m.expertWidth(ffnWidth));
    }

    /**
     * The reference family at depth L (SPEC 4): d = 128 L, 2L heads of dim 128, 4 key/value groups,
     * SwiGLU FFN 4d, vocabulary 32000, context 4096, untied embeddings, dense. N(8) = 208,142,336.
     */
    public static ModelShape reference(int depth) {
        checkArgument(depth >= 2, "depth (%s) must be >= 2 for the reference family (4 kv groups)", depth);
        int d = 128 * depth;
        return new ModelShape(depth, d, 2 * depth, 128, 4, 4L * d, 32000, 4096, false, Optional.empty());
    }

    /** A copy with another depth (other fields unchanged). */
    public ModelShape withDepth(int v) {
        return new ModelShape(v, width, heads, headDim, kvGroups, ffnWidth, vocab, context, tiedEmbeddings, moe);
    }

    /** A copy with another width (other fields unchanged). */
    public ModelShape withWidth(int v) {
        return new ModelShape(depth, v, heads, headDim, kvGroups, ffnWidth, vocab, context, tiedEmbeddings, moe);
    }

    /** A copy with another FFN width. */
    public ModelShape withFfnWidth(long v) {
        return new ModelShape(depth, width, heads, headDim, kvGroups, v, vocab, context, tiedEmbeddings, moe);
    }

    /** A copy with another context length. */
    public ModelShape withContext(int v) {
        return new ModelShape(depth, width, heads, headDim, kvGroups, ffnWidth, vocab, v, tiedEmbeddings, moe);
    }

    /** A copy with another vocabulary. */
    public ModelShape withVocab(int v) {
        return new ModelShape(depth, width, heads, headDim, kvGroups, ffnWidth, v, context, tiedEmbeddings, moe);
    }

    /** A copy with tied or untied embeddings. */
    public ModelShape withTiedEmbeddings(boolean v) {
        return new ModelShape(depth, width, heads, headDim, kvGroups, ffnWidth, vocab, context, v, moe);
    }

    /** A copy with MoE settings (or dense for null). */
    public ModelShape withMoe(MoeShape v) {
        return new ModelShape(
                depth,
                width,
                heads,
                headDim,
                kvGroups,
                ffnWidth,
                vocab,
                context,
                tiedEmbeddings,
                Optional.ofNullable(v));
    }

    /** The query width heads * headDim. */
    public long qWidth() {
        return (long) heads * headDim;
    }

    /** The key/value width kvGroups * headDim. */
    public long kvWidth() {
        return (long) kvGroups * headDim;
    }

    /** Attention parameters of one layer: 2 d q + 2 d kv. */
    public long attentionParamsPerLayer() {
        return 2L * width * qWidth() + 2L * width * kvWidth();
    }

    /** FFN parameters of one layer, all experts, shared expert and router included. */
    public long ffnParamsPerLayer() {
        if (moe.isEmpty()) {
            return 3L * width * ffnWidth;
        }
        MoeShape m = moe.get();
        long expert = 3L * width * m.expertWidth(ffnWidth);
        long experts = (long) m.routedExperts() + (m.sharedExpert() ? 1 : 0);
        return experts * expert + (long) m.routedExperts() * width;
    }

    /** FFN parameters of one layer that one token uses: its routed experts, the shared one, the router. */
    public long activeFfnParamsPerLayer() {
        if (moe.isEmpty()) {
            return 3L * width * ffnWidth;
        }
        MoeShape m = moe.get();
        long expert = 3L * width * m.expertWidth(ffnWidth);
        return (long) m.topK() * expert + (long) m.routedExperts() * width;
    }

    /** Embedding and head parameters: V d, twice when untied. */
    public long embeddingParams() {
        return (tiedEmbeddings ? 1L : 2L) * vocab * width;
    }

    /** Total parameters, embeddings and head included, gains excluded. */
    public long totalParams() {
        return depth * (attentionParamsPerLayer() + ffnParamsPerLayer()) + embeddingParams();
    }

    /** Parameters one token uses (total for a dense model). */
    public long activeParams() {
        return depth * (attentionParamsPerLayer() + activeFfnParamsPerLayer()) + embeddingParams();
    }

    /** Total parameters without embeddings and head (the Step Law's N). */
    public long nonEmbeddingParams() {
        return totalParams() - embeddingParams();
    }

    /** Training FLOPs per token: 6 N_active + 12 L heads headDim ctx. */
    public double flopsPerToken() {
        return 6.0 * activeParams() + 12.0 * depth * heads * (double) headDim * context;
    }

    /** Training compute for {@code tokens} tokens. */
    public double compute(double tokens) {
        checkArgument(tokens >= 0 && Double.isFinite(tokens), "tokens (%s) must be finite and >= 0", tokens);
        return flopsPerToken() * tokens;
    }
}
