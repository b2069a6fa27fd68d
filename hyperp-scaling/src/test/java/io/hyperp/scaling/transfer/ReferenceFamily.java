package io.hyperp.scaling.transfer;

/**
 * The reference model family's parameter count from SPEC section 4, for tests only (the library takes it from
 * hyperp-core's model shapes): d = 128 L, q width 256 L, 4 key/value groups of 128, SwiGLU FFN of width 4d
 * (three matrices), vocabulary 32000, untied embeddings and head, gains excluded:
 * N(L) = L (3 d ffn + 2 d q + 2 d kv) + 2 d V.
 */
final class ReferenceFamily {
    private ReferenceFamily() {}

    static long parameters(int depth) {
        long d = 128L * depth;
        long ffn = 4 * d;
        long q = 256L * depth;
        long kv = 4 * 128L;
        long vocab = 32000;
        return depth * (3 * d * ffn + 2 * d * q + 2 * d * kv) + 2 * d * vocab;
    }
}
