package io.hyperp.cli;

import io.hyperp.core.shape.ModelShape;
import io.hyperp.core.shape.MoeShape;
import io.hyperp.scaling.transfer.Axis;
import io.hyperp.scaling.transfer.Scale;
import java.util.Locale;
import java.util.Optional;

/**
 * Model shapes for the planning commands: the reference family of SPEC section 4 extended to any width, depth
 * and MoE setting, so that parameter counts and FLOPs come from hyperp-core's {@link ModelShape}.
 *
 * <p>Conventions (those of the reference family at d = 128 L): width d (default 128 L), d / 64 heads of
 * dimension 128 (at least one), gcd(4, heads) key/value groups, SwiGLU FFN of width 4d, untied embeddings; with
 * E experts and top-k k (E a multiple of k), SPEC 5's MoE: sparsity E / k and granularity k, no shared expert.
 * Vocabulary and context are the caller's (reference: 32000 and 4096).
 *
 * <p>Stateless and thread-safe.
 *
 * <p>References: SPEC sections 4 and 5; Ren et al., arXiv 2603.28743 (HyperP).
 */
final class Shapes {
    /** Reference vocabulary (SPEC 4). */
    static final int REFERENCE_VOCAB = 32000;
    /** Reference context (SPEC 4). */
    static final int REFERENCE_CONTEXT = 4096;

    private Shapes() {}

    /**
     * Reads a model preset: {@code reference:L} (alias {@code ref:L}), the reference family at depth L.
     *
     * @param flag the flag, for messages
     * @param text the preset
     * @return the scale: depth L and width 128 L
     * @throws IllegalArgumentException for an unknown preset
     */
    static Scale preset(String flag, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        String family = colon < 0 ? t : t.substring(0, colon);
        if (!(family.equals("reference") || family.equals("ref")) || colon < 0) {
            throw new IllegalArgumentException(
                    flag + " '" + text + "' is not a model preset (known: reference:L, e.g. reference:8)");
        }
        int depth;
        try {
            depth = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            depth = 0;
        }
        if (depth < 2 || depth > 1 << 16) {
            throw new IllegalArgumentException(
                    flag + " '" + text + "': the depth must be a whole number from 2 to " + (1 << 16));
        }
        return Scale.of(Axis.DEPTH, depth).with(Axis.WIDTH, 128.0 * depth);
    }

    /**
     * Builds the model shape of a scale that has a depth, or returns empty when it has none.
     *
     * @param s the scale (depth, optional width, experts, top-k)
     * @param vocab vocabulary size
     * @param context context length
     * @return the shape, or empty without a depth
     * @throws IllegalArgumentException for values that are not whole numbers or an MoE that does not fit
     */
    static Optional<ModelShape> of(Scale s, int vocab, int context) {
        if (!s.has(Axis.DEPTH)) {
            return Optional.empty();
        }
        int depth = whole(s, Axis.DEPTH);
        int width = s.has(Axis.WIDTH) ? whole(s, Axis.WIDTH) : 128 * depth;
        int heads = Math.max(1, width / 64);
        int kv = gcd(4, heads);
        ModelShape shape =
                new ModelShape(depth, width, heads, 128, kv, 4L * width, vocab, context, false, Optional.empty());
        int experts = s.has(Axis.EXPERTS) ? whole(s, Axis.EXPERTS) : 1;
        int topK = s.has(Axis.TOP_K) ? whole(s, Axis.TOP_K) : 1;
        if (experts == 1 && topK == 1) {
            return Optional.of(shape);
        }
        if (experts < topK || experts % topK != 0) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "experts (%d) must be a multiple of top_k (%d) for an MoE shape", experts, topK));
        }
        if ((4L * width) % topK != 0) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "the FFN width 4d (%d) must be divisible by top_k (%d)", 4L * width, topK));
        }
        return Optional.of(shape.withMoe(MoeShape.of(experts / topK, topK, false)));
    }

    private static int whole(Scale s, Axis a) {
        double v = s.get(a);
        if (v != Math.rint(v) || v < 1 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    a.label() + " (" + TextTable.num(v) + ") must be a whole number for a model shape");
        }
        return (int) v;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
