package io.hyperp.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SweepPlanTest {

    private static Map<String, List<String>> grid(Object... kv) {
        Map<String, List<String>> g = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> v = (List<String>) kv[i + 1];
            g.put((String) kv[i], v);
        }
        return g;
    }

    @Test
    void cells_areTheCrossProductInOrder_withStableUniqueIds() {
        SweepPlan p = SweepPlan.of(
                "fake", Map.of(), grid("width", List.of("32", "64"), "lr", List.of("0.01", "0.02", "0.04")));
        List<SweepCell> cells = p.cells();
        assertEquals(6, cells.size());
        assertEquals("width=32,lr=0.01", cells.get(0).key());
        assertEquals("width=32,lr=0.02", cells.get(1).key());
        assertEquals("width=64,lr=0.04", cells.get(5).key());
        Set<String> ids = new HashSet<>();
        Set<Long> seeds = new HashSet<>();
        for (int i = 0; i < cells.size(); i++) {
            assertEquals(i, cells.get(i).index());
            assertTrue(ids.add(cells.get(i).id()));
            assertTrue(seeds.add(cells.get(i).seed()));
            assertTrue(cells.get(i).id().matches("[0-9a-f]{16}"), cells.get(i).id());
        }
        // the same cell in a larger plan keeps its id and seed
        SweepPlan larger = SweepPlan.of(
                "fake", Map.of(), grid("width", List.of("16", "32", "64"), "lr", List.of("0.01", "0.02", "0.04")));
        SweepCell same = larger.cells().stream()
                .filter(c -> c.key().equals("width=32,lr=0.02"))
                .findFirst()
                .orElseThrow();
        assertEquals(cells.get(1).id(), same.id());
        assertEquals(cells.get(1).seed(), same.seed());
    }

    @Test
    void ids_dependOnSettingsAndTrainer_notOnNumberSpelling() {
        SweepPlan a = SweepPlan.of("fake", Map.of("steps", "20"), grid("lr", List.of("0.010", "64")));
        SweepPlan b = SweepPlan.of("fake", Map.of("steps", "20"), grid("lr", List.of("1e-2", "+64")));
        SweepPlan c = SweepPlan.of("fake", Map.of("steps", "30"), grid("lr", List.of("0.01", "64")));
        SweepPlan d = SweepPlan.of("other", Map.of("steps", "20"), grid("lr", List.of("0.01", "64")));
        assertEquals(a.cells(), b.cells());
        assertEquals("0.01", a.cells().get(0).value("lr"));
        assertEquals("64", a.cells().get(1).value("lr"));
        assertNotEquals(a.cells().get(0).id(), c.cells().get(0).id());
        assertNotEquals(a.cells().get(0).id(), d.cells().get(0).id());
    }

    @Test
    void severalGrids_giveTheUnion() {
        SweepPlan p = new SweepPlan(
                "fake",
                Map.of(),
                List.of(
                        grid("mode", List.of("ok"), "lr", List.of("0.01", "0.02")),
                        grid("lr", List.of("0.5"), "mode", List.of("nan"))));
        assertEquals(List.of("mode", "lr"), p.axes());
        assertEquals(3, p.cells().size());
        assertEquals("mode=nan,lr=0.5", p.cells().get(2).key());
    }

    @Test
    void badPlans_throwIaeNamingTheProblem() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new SweepPlan("fake", Map.of(), List.of()));
        assertTrue(e.getMessage().contains("empty grid"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SweepPlan.of("fake", Map.of(), grid("lr", List.of())));
        assertTrue(e.getMessage().contains("axis 'lr' has no values"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new SweepPlan("fake", Map.of(), List.of(grid("lr", List.of("1")), grid("width", List.of("1")))));
        assertTrue(e.getMessage().contains("same axes"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> SweepPlan.of("fake", Map.of(), grid("lr", List.of("0.01", "1e-2"))));
        assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> SweepPlan.of("fake", Map.of(), grid("LR", List.of("1"))));
        assertTrue(e.getMessage().contains("'LR'"), e.getMessage());
    }

    @Test
    void cellAccessors_parseAndNameTheAxis() {
        SweepCell c = SweepPlan.of("fake", Map.of(), grid("width", List.of("64"), "method", List.of("hyperp")))
                .cells()
                .get(0);
        assertEquals(64, c.intValue("width"));
        assertEquals(64.0, c.doubleValue("width"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.doubleValue("method"));
        assertTrue(e.getMessage().contains("axis 'method'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.value("depth"));
        assertTrue(e.getMessage().contains("no axis 'depth'"), e.getMessage());
    }

    @Test
    void tooManyCells_refusedBeforeAnyIsListed() {
        List<String> twenty = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            twenty.add(Integer.toString(i));
        }
        Map<String, List<String>> grid = new LinkedHashMap<>();
        for (String axis : List.of("a", "b", "c", "d")) {
            grid.put(axis, twenty); // 160,000 cells
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SweepPlan.of("fake", Map.of(), grid));
        assertTrue(e.getMessage().contains("more than 100000 cells"), e.getMessage());
        grid.remove("d"); // 8,000 cells
        assertEquals(8000, SweepPlan.of("fake", Map.of(), grid).cells().size());
    }
}
