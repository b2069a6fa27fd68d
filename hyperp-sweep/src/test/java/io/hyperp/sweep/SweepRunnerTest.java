package io.hyperp.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepRunnerTest {

    @TempDir
    Path dir;

    /** A plan whose settings make its ids unique to one test (FakeTrainer counts calls per id). */
    private static SweepPlan plan(String tag, List<String> modes) {
        Map<String, List<String>> g = new LinkedHashMap<>();
        g.put("mode", modes);
        g.put("width", List.of("32", "64"));
        g.put("lr", List.of("0.005", "0.01", "0.02"));
        return SweepPlan.of("fake", Map.of("steps", "20", "sleep_ms", tag), g);
    }

    private static int calls(SweepCell c) {
        AtomicInteger n = FakeTrainer.CALLS.get(c.id());
        return n == null ? 0 : n.get();
    }

    @Test
    void run_trainsEveryCell_andMergesInPlanOrder() throws Exception {
        SweepPlan p = plan("0", List.of("ok"));
        SweepOutcome o = SweepRunner.of(LocalEngine.create(2)).run(p, dir, SweepProgress.NONE);
        assertEquals(6, o.ran());
        assertEquals(0, o.skipped());
        assertEquals(6, o.count(CellStatus.OK));
        assertEquals(p.cells(), List.copyOf(o.results().keySet()));
        List<String> runs = Files.readAllLines(dir.resolve("runs.csv"));
        assertEquals(7, runs.size());
        for (int i = 0; i < 6; i++) {
            assertTrue(runs.get(i + 1).startsWith(p.cells().get(i).id() + ","), runs.get(i + 1));
        }
    }

    @Test
    void rerun_resumes_finishedCellsAreNotTrainedAgain() throws Exception {
        SweepPlan p = plan("1", List.of("ok"));
        SweepRunner runner = SweepRunner.of(LocalEngine.create(2));
        runner.run(p, dir, SweepProgress.NONE);
        String firstRuns = Files.readString(dir.resolve("runs.csv"));
        SweepOutcome again = runner.run(p, dir, SweepProgress.NONE);
        assertEquals(0, again.ran());
        assertEquals(6, again.skipped());
        assertEquals(firstRuns, Files.readString(dir.resolve("runs.csv")));
        // a sweep stopped after some cells (here: one file removed) trains only the missing ones
        SweepCell lost = p.cells().get(3);
        Files.delete(ResultStore.open(dir).file(lost.id()));
        SweepOutcome resumed = runner.run(p, dir, SweepProgress.NONE);
        assertEquals(1, resumed.ran());
        for (SweepCell c : p.cells()) {
            assertEquals(c.equals(lost) ? 2 : 1, calls(c), c.key());
        }
        // the fake trainer reports a fixed wall time, so the merged file is byte-identical
        assertEquals(firstRuns, Files.readString(dir.resolve("runs.csv")));
    }

    @Test
    void throwingCell_isRetriedThenFailed_withoutStoppingTheSweep() throws Exception {
        SweepPlan p = plan("2", List.of("ok", "throw", "flaky"));
        SweepOutcome o = SweepRunner.of(LocalEngine.create(2)).run(p, dir, SweepProgress.NONE);
        assertEquals(18, o.results().size());
        for (Map.Entry<SweepCell, CellResult> e : o.results().entrySet()) {
            SweepCell c = e.getKey();
            CellResult r = e.getValue();
            switch (c.value("mode")) {
                case "ok" -> {
                    assertEquals(CellStatus.OK, r.status());
                    assertEquals(1, r.attempts());
                }
                case "throw" -> {
                    assertEquals(CellStatus.FAILED, r.status());
                    assertEquals(SweepRunner.DEFAULT_MAX_ATTEMPTS, r.attempts());
                    assertEquals(SweepRunner.DEFAULT_MAX_ATTEMPTS, calls(c));
                    assertEquals("IllegalStateException: out of memory on purpose", r.reason());
                    assertTrue(Double.isNaN(r.finalValidationLoss()));
                }
                default -> {
                    assertEquals(CellStatus.OK, r.status());
                    assertEquals(2, r.attempts());
                }
            }
        }
        assertTrue(Files.readString(dir.resolve("runs.csv")).contains(",failed,"));
    }

    @Test
    void divergedCell_isAResult_neverRetried() throws Exception {
        SweepPlan p = plan("3", List.of("nan"));
        SweepOutcome o = SweepRunner.of(LocalEngine.create(2)).run(p, dir, SweepProgress.NONE);
        for (Map.Entry<SweepCell, CellResult> e : o.results().entrySet()) {
            assertEquals(CellStatus.DIVERGED, e.getValue().status());
            assertEquals(10, e.getValue().divergedAtStep());
            assertEquals(1, calls(e.getKey()));
        }
    }

    @Test
    void progress_seesEveryStepAndCell() throws Exception {
        SweepPlan p = plan("4", List.of("ok"));
        AtomicInteger steps = new AtomicInteger();
        List<SweepCell> finished = java.util.Collections.synchronizedList(new ArrayList<>());
        SweepRunner.of(LocalEngine.create(2)).run(p, dir, new SweepProgress() {
            @Override
            public void cellStep(SweepCell cell, int done, int total) {
                steps.incrementAndGet();
            }

            @Override
            public void cellFinished(SweepCell cell, CellResult result) {
                finished.add(cell);
            }
        });
        assertEquals(6 * 20, steps.get());
        assertEquals(6, finished.size());
    }

    @Test
    void badInput_throwsIae_andWritesNothing() {
        Path out = dir.resolve("never");
        SweepRunner runner = SweepRunner.of(LocalEngine.create(1));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> runner.run(
                        SweepPlan.of("fake", Map.of(), Map.of("lr", List.of("0.01"), "colour", List.of("red"))),
                        out,
                        SweepProgress.NONE));
        assertTrue(e.getMessage().contains("unknown axis 'colour'"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> runner.run(
                        SweepPlan.of("fake", Map.of("stepz", "3"), Map.of("lr", List.of("0.01"))),
                        out,
                        SweepProgress.NONE));
        assertTrue(e.getMessage().contains("unknown setting 'stepz'"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> runner.run(
                        SweepPlan.of("com.example.NoSuchTrainer", Map.of(), Map.of("lr", List.of("0.01"))),
                        out,
                        SweepProgress.NONE));
        assertTrue(e.getMessage().contains("trainer 'com.example.NoSuchTrainer' not found"), e.getMessage());
        assertTrue(e.getMessage().contains("fake"), "lists the known trainers: " + e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> runner.run(
                        SweepPlan.of(FakeTrainer.NotATrainer.class.getName(), Map.of(), Map.of("lr", List.of("0.01"))),
                        out,
                        SweepProgress.NONE));
        assertTrue(e.getMessage().contains("does not implement io.hyperp.sweep.Trainer"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void trainerByClassName_isTheSameTrainer() {
        assertEquals("fake", Trainers.load(FakeTrainer.class.getName()).name());
        assertTrue(Trainers.names().contains("fake"));
    }

    @Test
    void unknownEngine_namesTheAvailableOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SweepEngine.create("yarn", null, 0));
        assertTrue(e.getMessage().contains("engine 'yarn' is not available (available: [local"), e.getMessage());
    }
}
