package io.hyperp.scaling.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepTest {
    private static SweepPoint p(double lr, String width, String depth) {
        return SweepPoint.of(lr, 3.0, Map.of("width", width, "depth", depth));
    }

    @Test
    void groupBy_twoLabels_firstAppearanceOrder() {
        Sweep s = Sweep.of(List.of(p(0.1, "64", "2"), p(0.2, "128", "2"), p(0.3, "64", "2"), p(0.4, "64", "4")));
        List<SweepGroup> g = s.groupBy(List.of("width", "depth"));
        assertEquals(3, g.size());
        assertEquals(Map.of("width", "64", "depth", "2"), g.get(0).key());
        assertEquals(2, g.get(0).points().size());
        assertEquals("128", g.get(1).key().get("width"));
    }

    @Test
    void groupBy_noLabels_oneGroup() {
        Sweep s = Sweep.of(List.of(p(0.1, "64", "2"), p(0.2, "128", "2")));
        assertEquals(1, s.groupBy(List.of()).size());
        assertTrue(s.groupBy(List.of()).get(0).key().isEmpty());
    }

    @Test
    void groupBy_missingLabel_namesPointAndLabel() {
        Sweep s = Sweep.of(List.of(p(0.1, "64", "2"), SweepPoint.of(0.2, 3.0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.groupBy(List.of("width")));
        assertTrue(e.getMessage().startsWith("point 2 (lr 0.2) has no label 'width'"), e.getMessage());
    }

    @Test
    void point_badValues_rejected() {
        assertThrows(IllegalArgumentException.class, () -> SweepPoint.of(0, 3.0));
        assertThrows(IllegalArgumentException.class, () -> SweepPoint.of(Double.NaN, 3.0));
        assertThrows(IllegalArgumentException.class, () -> SweepPoint.of(0.1, Double.NEGATIVE_INFINITY));
        assertThrows(
                IllegalArgumentException.class, () -> SweepPoint.of(0.1, 3.0).numeric("width"));
        assertThrows(
                IllegalArgumentException.class,
                () -> SweepPoint.of(0.1, 3.0).withLabel("w", "x").numeric("w"));
    }

    @Test
    void toList_json_hasPointsWithLabels() throws Exception {
        Sweep s = Sweep.of(List.of(p(0.1, "64", "2"), SweepPoint.of(0.2, Double.NaN)));
        com.fasterxml.jackson.databind.JsonNode n =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(io.hyperp.scaling.io.Json.write(s.toList()));
        assertEquals(2, n.size());
        assertEquals(0.1, n.get(0).get("lr").asDouble(), 0.0);
        assertEquals("64", n.get(0).get("labels").get("width").asText());
        assertTrue(n.get(1).get("loss").isNull(), "a diverged loss is written as null");
    }

    @Test
    void format_integralAndFractional() {
        assertEquals("8", SweepPoint.format(8.0));
        assertEquals("0.5", SweepPoint.format(0.5));
        assertEquals("10400000000", SweepPoint.format(1.04e10));
        assertEquals("1.0E20", SweepPoint.format(1e20));
    }
}
