package io.hyperp.demo.gpt;

import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The shape and settings of a {@link TinyGpt}: a byte-level decoder-only transformer.
 *
 * <p>The number of attention heads is {@code width / headDim}; the query, key and value widths all
 * equal {@code width}. Every residual branch is multiplied by \(1/\sqrt{2L}\) (Depth-muP, SPEC
 * section 4); the output logits are multiplied by {@link #logitMultiplier()} (1 under HyperP,
 * \(d_0/L\) for the plain Muon baseline).
 *
 * <p>Immutable and thread-safe. Invalid values (non-positive sizes, a width that is not a multiple of
 * the head dimension, a non-finite or non-positive logit multiplier, a dtype other than FLOAT or
 * DOUBLE) throw {@link IllegalArgumentException} naming the field.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP), section 4 (the reference model family).
 *
 * @param vocab           vocabulary size (256 for bytes)
 * @param context         sequence length T
 * @param batch           sequences per step B
 * @param depth           number of transformer blocks L
 * @param width           model width d
 * @param headDim         width of one attention head
 * @param ffn             hidden width of the SwiGLU MLP (4 d by default)
 * @param qkNorm          whether queries and keys are RMS-normalized over the head dimension, with gains
 * @param logitMultiplier multiplier of the output logits
 * @param seed            seed of the initialization
 * @param dtype           floating-point type of every parameter and buffer (FLOAT or DOUBLE)
 */
public record TinyGptConfig(
        int vocab,
        int context,
        int batch,
        int depth,
        int width,
        int headDim,
        int ffn,
        boolean qkNorm,
        double logitMultiplier,
        long seed,
        DataType dtype) {

    /** Validates every field; see the class documentation. */
    public TinyGptConfig {
        Objects.requireNonNull(dtype, "dtype");
        positive("vocab", vocab);
        positive("context", context);
        positive("batch", batch);
        positive("depth", depth);
        positive("width", width);
        positive("headDim", headDim);
        positive("ffn", ffn);
        if (width % headDim != 0) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "width (%d) must be a multiple of headDim (%d)", width, headDim));
        }
        if (!(logitMultiplier > 0 && Double.isFinite(logitMultiplier))) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "logitMultiplier (%s) must be positive and finite", logitMultiplier));
        }
        if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "dtype (%s) must be FLOAT or DOUBLE", dtype));
        }
        long tokens = (long) batch * context;
        if (tokens * Math.max(Math.max(width, ffn), vocab) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "batch * context * max(width, ffn, vocab) (%d * %d) is too large",
                    tokens,
                    Math.max(Math.max(width, ffn), vocab)));
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s (%d) must be >= 1", name, value));
        }
    }

    /**
     * The demo model at width 128: vocabulary 256 (bytes), context 64, batch 16, depth 2, head
     * dimension 32, FFN 4 d, QK-norm on, logit multiplier 1, seed 1, float32.
     */
    public static TinyGptConfig defaults() {
        return new TinyGptConfig(256, 64, 16, 2, 128, 32, 4 * 128, true, 1.0, 1L, DataType.FLOAT);
    }

    /** The number of attention heads, {@code width / headDim}. */
    public int heads() {
        return width / headDim;
    }

    /** The number of tokens in one batch, {@code batch * context}. */
    public int tokens() {
        return batch * context;
    }

    /** The residual-branch multiplier \(1/\sqrt{2L}\). */
    public double residualMultiplier() {
        return 1.0 / Math.sqrt(2.0 * depth);
    }

    /** The number of trainable scalars, gains included. */
    public long parameterCount() {
        long d = width;
        long perLayer = 4 * d * d + 3 * d * ffn + 2 * d + (qkNorm ? 2L * headDim : 0);
        return depth * perLayer + 2L * vocab * d + d;
    }

    /** This config with another vocabulary size. */
    public TinyGptConfig withVocab(int v) {
        return new TinyGptConfig(v, context, batch, depth, width, headDim, ffn, qkNorm, logitMultiplier, seed, dtype);
    }

    /** This config with another context length. */
    public TinyGptConfig withContext(int v) {
        return new TinyGptConfig(vocab, v, batch, depth, width, headDim, ffn, qkNorm, logitMultiplier, seed, dtype);
    }

    /** This config with another batch size. */
    public TinyGptConfig withBatch(int v) {
        return new TinyGptConfig(vocab, context, v, depth, width, headDim, ffn, qkNorm, logitMultiplier, seed, dtype);
    }

    /** This config with another depth. */
    public TinyGptConfig withDepth(int v) {
        return new TinyGptConfig(vocab, context, batch, v, width, headDim, ffn, qkNorm, logitMultiplier, seed, dtype);
    }

    /** This config with another width and the FFN width reset to 4 times it. */
    public TinyGptConfig withWidth(int v) {
        return new TinyGptConfig(vocab, context, batch, depth, v, headDim, 4 * v, qkNorm, logitMultiplier, seed, dtype);
    }

    /** This config with another head dimension. */
    public TinyGptConfig withHeadDim(int v) {
        return new TinyGptConfig(vocab, context, batch, depth, width, v, ffn, qkNorm, logitMultiplier, seed, dtype);
    }

    /** This config with another FFN width. */
    public TinyGptConfig withFfn(int v) {
        return new TinyGptConfig(vocab, context, batch, depth, width, headDim, v, qkNorm, logitMultiplier, seed, dtype);
    }

    /** This config with QK-norm switched on or off. */
    public TinyGptConfig withQkNorm(boolean v) {
        return new TinyGptConfig(vocab, context, batch, depth, width, headDim, ffn, v, logitMultiplier, seed, dtype);
    }

    /** This config with another logit multiplier. */
    public TinyGptConfig withLogitMultiplier(double v) {
        return new TinyGptConfig(vocab, context, batch, depth, width, headDim, ffn, qkNorm, v, seed, dtype);
    }

    /** This config with another initialization seed. */
    public TinyGptConfig withSeed(long v) {
        return new TinyGptConfig(vocab, context, batch, depth, width, headDim, ffn, qkNorm, logitMultiplier, v, dtype);
    }

    /** This config with another dtype (FLOAT or DOUBLE). */
    public TinyGptConfig withDtype(DataType v) {
        return new TinyGptConfig(vocab, context, batch, depth, width, headDim, ffn, qkNorm, logitMultiplier, seed, v);
    }
}
