package io.hyperp.core.param;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ParamSpecTest {

    private static void assertIae(Runnable r, String... words) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), e.getMessage());
        }
    }

    @Test
    void rank1WithMuonRole_throwsIaeNamingParam() {
        assertIae(() -> ParamSpec.vector("bias", 8, ParamRole.HIDDEN), "bias", "HIDDEN", "rank 1");
        assertIae(() -> ParamSpec.vector("r", 8, ParamRole.ROUTER), "r", "ROUTER");
    }

    @Test
    void expertAxisOutOfRange_throwsIaeNamingParam() {
        assertIae(
                () -> new ParamSpec("experts", new long[] {4, 3, 2}, ParamRole.EXPERT, 2, 1, 3),
                "experts",
                "expertAxis (3) out of range");
        assertIae(
                () -> new ParamSpec("experts", new long[] {4, 3, 2}, ParamRole.EXPERT, 2, 1, -2),
                "experts",
                "out of range");
    }

    @Test
    void expertAxisEqualToFanAxis_throwsIae() {
        assertIae(
                () -> new ParamSpec("experts", new long[] {4, 3, 2}, ParamRole.EXPERT, 0, 1, 0),
                "experts",
                "expert axis");
    }

    @Test
    void checkShape_mismatch_namesTensorAndShapes() {
        ParamSpec s = ParamSpec.matrixOutIn("w_q", 256, 64, ParamRole.HIDDEN);
        assertIae(() -> s.checkShape("grads", new long[] {64, 256}), "grads[w_q]", "[256, 64]", "[64, 256]");
    }

    @Test
    void accessors_reportFansAndCounts() {
        ParamSpec s = ParamSpec.expertStack("e", 4, 6, 3);
        assertEquals(3, s.fanIn());
        assertEquals(6, s.fanOut());
        assertEquals(4, s.matrixCount());
        assertEquals(72, s.length());
        ParamSpec m = ParamSpec.matrixInOut("w", 5, 7, ParamRole.HIDDEN);
        assertEquals(5, m.fanIn());
        assertEquals(7, m.fanOut());
    }
}
