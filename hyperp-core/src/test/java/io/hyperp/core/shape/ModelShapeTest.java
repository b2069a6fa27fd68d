package io.hyperp.core.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelShapeTest {

    @Test
    void reference_depth8_matchesSpecCount() {
        // SPEC 4: N(8) = 208,142,336.
        assertEquals(208_142_336L, ModelShape.reference(8).totalParams());
    }

    @Test
    void reference_depth24_matchesFormula() {
        // d = 3072, ffn = 12288, q = 48*128 = 6144, kv = 512, V = 32000:
        // 24 * (3*3072*12288 + 2*3072*6144 + 2*3072*512) + 2*3072*32000
        // = 24 * (113,246,208 + 37,748,736 + 3,145,728) + 196,608,000 = 3,895,984,128.
        ModelShape s = ModelShape.reference(24);
        assertEquals(3_895_984_128L, s.totalParams());
        assertEquals(s.totalParams(), s.activeParams());
        assertEquals(3_895_984_128L - 196_608_000L, s.nonEmbeddingParams());
    }

    @Test
    void flopsPerToken_reference8_isSixNPlusAttention() {
        // 6 * 208,142,336 + 12 * 8 * 16 * 128 * 4096 = 1,248,854,016 + 805,306,368.
        assertEquals(1_248_854_016.0 + 805_306_368.0, ModelShape.reference(8).flopsPerToken(), 0.0);
    }

    @Test
    void moe_countsByHand() {
        // d = 1024, dense ffn 4096, sparsity 4, top-k 4 with a shared expert, granularity 4:
        // expert width 1024, routed experts 15, routed top-k 3; one expert = 3*1024*1024 = 3,145,728.
        // FFN per layer: 16 experts * 3,145,728 + router 15*1024 = 50,331,648 + 15,360 = 50,347,008.
        // Active FFN per layer: 4 * 3,145,728 + 15,360 = 12,598,272.
        ModelShape dense = ModelShape.reference(8);
        ModelShape moe = dense.withMoe(MoeShape.of(4, 4, true));
        assertEquals(50_347_008L, moe.ffnParamsPerLayer());
        assertEquals(12_598_272L, moe.activeFfnParamsPerLayer());
        assertEquals(15, moe.moe().orElseThrow().routedExperts());
        assertEquals(3, moe.moe().orElseThrow().routedTopK());
        long attention = 2L * 1024 * 2048 + 2L * 1024 * 512;
        assertEquals(8 * (attention + 50_347_008L) + 2L * 32000 * 1024, moe.totalParams());
        assertTrue(moe.activeParams() < moe.totalParams());
    }

    @Test
    void invalid_sharedExpertWithTopK1_throwsIae() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MoeShape(4, 1, true, 1));
        assertTrue(e.getMessage().contains("shared expert"), e.getMessage());
    }

    @Test
    void invalid_kvGroupsNotDividingHeads_throwsIae() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ModelShape.reference(8)
                        .withDepth(8)
                        .withWidth(1024)
                        .withFfnWidth(4096)
                        .withMoe(null)
                        .withContext(0));
        assertTrue(e.getMessage().contains("context"), e.getMessage());
    }
}
