package io.hyperp.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Coverage-guided fuzzing of the sweep plan reader behind {@code hyperp sweep --plan}.
 *
 * <p>The first byte picks the format (odd: YAML, even: JSON), the rest is the file. The contract: either
 * an {@link IllegalArgumentException} with a message, or a plan whose cells can be listed (at
 * most {@value SweepPlan#MAX_CELLS}), each with a distinct id, its values in the plan's axis order, and
 * the same id when the plan is read again. Replays {@code PlanFilesFuzzTestInputs/plan/} in a regular
 * build; {@code JAZZER_FUZZ=1} fuzzes (see the README).
 */
class PlanFilesFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void plan(byte[] data) {
        if (data.length == 0) {
            return;
        }
        boolean yaml = (data[0] & 1) == 1;
        byte[] content = Arrays.copyOfRange(data, 1, data.length);
        SweepPlan plan;
        try {
            plan = PlanFiles.parse(content, yaml, yaml ? "fuzz.yaml" : "fuzz.json");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an error message");
            return;
        }
        List<SweepCell> cells = plan.cells();
        assertFalse(cells.isEmpty(), "a plan has cells");
        assertTrue(cells.size() <= SweepPlan.MAX_CELLS, "cells: " + cells.size());
        Set<String> ids = new HashSet<>();
        for (SweepCell c : cells) {
            assertTrue(ids.add(c.id()), "distinct ids");
            assertEquals(plan.axes(), List.copyOf(c.values().keySet()), "values in axis order");
            assertTrue(c.seed() >= 0, "seed");
        }
        SweepPlan again = PlanFiles.parse(content, yaml, "again");
        assertEquals(plan, again, "the same plan when read again");
        assertEquals(cells.get(0).id(), again.cells().get(0).id(), "stable ids");
    }
}
