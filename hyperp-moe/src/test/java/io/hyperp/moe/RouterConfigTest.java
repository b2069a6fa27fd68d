package io.hyperp.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.shape.MoeShape;
import org.junit.jupiter.api.Test;

class RouterConfigTest {

    @Test
    void defaults_areHyperPsRouter() {
        RouterConfig c = RouterConfig.defaults();
        assertTrue(c.sqrtGate());
        assertFalse(c.sharedExpert());
        assertEquals(0.5, c.sharedWeight());
        assertEquals(c.topK(), c.routedTopK());
        assertEquals(1.0, c.routedScale());
        assertEquals(0.0, c.sharedScale());
    }

    @Test
    void sharedExpert_takesOneSlotAndMixesBySqrtP() {
        RouterConfig c = new RouterConfig(7, 4, true, true, 0.5);
        assertEquals(3, c.routedTopK());
        assertEquals(Math.sqrt(0.5), c.routedScale(), 0.0);
        assertEquals(Math.sqrt(0.5), c.sharedScale(), 0.0);
        RouterConfig p = c.withSharedWeight(0.2);
        assertEquals(Math.sqrt(0.8), p.routedScale(), 0.0);
        assertEquals(Math.sqrt(0.2), p.sharedScale(), 0.0);
        RouterConfig plain = c.withSqrtGate(false);
        assertEquals(1.0, plain.routedScale(), 0.0);
        assertEquals(1.0, plain.sharedScale(), 0.0);
    }

    @Test
    void ofMoeShape_followsTheGranularityFamily() {
        RouterConfig c = RouterConfig.of(MoeShape.of(8, 4, true));
        assertEquals(31, c.experts());
        assertEquals(4, c.topK());
        assertEquals(3, c.routedTopK());
        assertTrue(c.sqrtGate());
        RouterConfig d = RouterConfig.of(MoeShape.of(8, 2, false));
        assertEquals(16, d.experts());
        assertEquals(2, d.routedTopK());
    }

    @Test
    void kEqualToE_isAllowed_andWithSharedKIsEPlusOne() {
        assertEquals(5, new RouterConfig(5, 5, false, true, 0.5).routedTopK());
        assertEquals(5, new RouterConfig(5, 6, true, true, 0.5).routedTopK());
    }

    @Test
    void topKBelowOne_throwsIae() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new RouterConfig(8, 0, false, true, 0.5));
        assertTrue(e.getMessage().contains("topK (0)"), e.getMessage());
    }

    @Test
    void topKAboveExperts_throwsIae() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new RouterConfig(8, 9, false, true, 0.5));
        assertTrue(e.getMessage().contains("topK (9)") && e.getMessage().contains("8 routed experts"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RouterConfig(8, 10, true, true, 0.5));
    }

    @Test
    void sharedExpertWithTopKOne_throwsIae() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new RouterConfig(8, 1, true, true, 0.5));
        assertTrue(e.getMessage().contains("shared expert"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> RouterConfig.defaults().withTopK(1).withSharedExpert(true));
    }

    @Test
    void badExpertsOrSharedWeight_throwIae() {
        assertThrows(IllegalArgumentException.class, () -> new RouterConfig(0, 1, false, true, 0.5));
        for (double p : new double[] {0.0, 1.0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> RouterConfig.defaults().withSharedWeight(p));
            assertTrue(e.getMessage().contains("sharedWeight"), e.getMessage());
        }
    }
}
