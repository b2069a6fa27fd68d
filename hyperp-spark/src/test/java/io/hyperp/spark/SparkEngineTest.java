package io.hyperp.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.demo.train.DemoTrainer;
import io.hyperp.sweep.CellResult;
import io.hyperp.sweep.CellStatus;
import io.hyperp.sweep.FakeTrainer;
import io.hyperp.sweep.LocalEngine;
import io.hyperp.sweep.SweepCell;
import io.hyperp.sweep.SweepEngine;
import io.hyperp.sweep.SweepOutcome;
import io.hyperp.sweep.SweepPlan;
import io.hyperp.sweep.SweepProgress;
import io.hyperp.sweep.SweepRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark engine on {@code local[2]} (one Spark context for the class: starting one takes seconds). */
class SparkEngineTest {

    private static SparkEngine spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkEngine.create("local[2]", 0);
    }

    @AfterAll
    static void stop() {
        spark.close();
    }

    private static SweepPlan fakePlan(String tag, List<String> modes) {
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

    /** The loss columns of runs.csv (loss and train_loss, as written: Double.toString, exact). */
    private static List<String> losses(Path runsCsv) throws Exception {
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(runsCsv);
        List<String> header = List.of(lines.get(0).split(","));
        int loss = header.indexOf("loss");
        int train = header.indexOf("train_loss");
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            out.add(c[0] + " " + c[loss] + " " + c[train]);
        }
        return out;
    }

    @Test
    void fakeSweep_sameLossesAsTheLocalEngine_andResumeDoesNoWork() throws Exception {
        SweepPlan p = fakePlan("0", List.of("ok"));
        Path local = dir.resolve("local");
        Path onSpark = dir.resolve("spark");
        SweepRunner.of(LocalEngine.create(2)).run(p, local, SweepProgress.NONE);
        AtomicInteger seen = new AtomicInteger();
        SweepOutcome o = SweepRunner.of(spark).run(p, onSpark, new SweepProgress() {
            @Override
            public void cellFinished(SweepCell cell, CellResult result) {
                seen.incrementAndGet();
            }
        });
        assertEquals(6, o.ran());
        assertEquals(6, seen.get(), "progress hears of every cell once");
        // the fake trainer reports a fixed wall time, so the whole file is identical
        assertEquals(Files.readString(local.resolve("runs.csv")), Files.readString(onSpark.resolve("runs.csv")));
        assertEquals(Files.readString(local.resolve("curves.csv")), Files.readString(onSpark.resolve("curves.csv")));
        for (SweepCell c : p.cells()) {
            assertEquals(2, calls(c), "once per engine: " + c.key());
        }
        SweepOutcome again = SweepRunner.of(spark).run(p, onSpark, SweepProgress.NONE);
        assertEquals(0, again.ran());
        assertEquals(6, again.skipped());
        for (SweepCell c : p.cells()) {
            assertEquals(2, calls(c), "a resumed sweep trains nothing: " + c.key());
        }
    }

    @Test
    void throwingCellIsRetriedBySparkThenFailed_divergedIsNotRetried() throws Exception {
        SweepPlan p = fakePlan("1", List.of("ok", "throw", "flaky", "nan"));
        SweepOutcome o = SweepRunner.of(spark).run(p, dir, SweepProgress.NONE);
        assertEquals(24, o.results().size());
        for (Map.Entry<SweepCell, CellResult> e : o.results().entrySet()) {
            SweepCell c = e.getKey();
            CellResult r = e.getValue();
            switch (c.value("mode")) {
                case "ok" -> assertEquals(CellStatus.OK, r.status());
                case "throw" -> {
                    assertEquals(CellStatus.FAILED, r.status(), c.key());
                    assertEquals(SweepRunner.DEFAULT_MAX_ATTEMPTS, r.attempts());
                    assertEquals(SweepRunner.DEFAULT_MAX_ATTEMPTS, calls(c));
                    assertEquals("IllegalStateException: out of memory on purpose", r.reason());
                }
                case "flaky" -> {
                    assertEquals(CellStatus.OK, r.status(), c.key());
                    assertEquals(2, r.attempts());
                }
                default -> {
                    assertEquals(CellStatus.DIVERGED, r.status(), c.key());
                    assertEquals(1, calls(c), "a diverged run is never retried");
                }
            }
        }
    }

    @Test
    void demoTrainer_bitIdenticalLossesOnLocalAndSpark() throws Exception {
        Map<String, List<String>> g = new LinkedHashMap<>();
        g.put("method", List.of("hyperp", "muon"));
        g.put("width", List.of("16"));
        g.put("lr", List.of("0.01", "0.04"));
        SweepPlan p = SweepPlan.of(DemoTrainer.NAME, DemoTrainer.settings("tiny", false, 4, 3, 0.08), g);
        Path local = dir.resolve("local");
        Path onSpark = dir.resolve("spark");
        SweepRunner.of(LocalEngine.create(2)).run(p, local, SweepProgress.NONE);
        SweepRunner.of(spark).run(p, onSpark, SweepProgress.NONE);
        List<String> a = losses(local.resolve("runs.csv"));
        assertEquals(4, a.size());
        assertEquals(a, losses(onSpark.resolve("runs.csv")));
        assertTrue(a.stream().anyMatch(r -> !r.contains(" NaN ")), "the check compares trained losses: " + a);
    }

    @Test
    void badMasters_throwIaeNamingTheMaster() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> SweepEngine.create("spark", "spark://127.0.0.1:1", 0));
        assertTrue(e.getMessage().contains("Spark master spark://127.0.0.1:1 is unreachable"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkEngine.create("spark://nohostport", 0));
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
    }

    @Test
    void localMasters_getTaskRetries() {
        assertEquals("local[2,3]", SparkEngine.withRetries("local[2]", 3));
        assertEquals("local[*,4]", SparkEngine.withRetries("local[*]", 4));
        assertEquals("local[1,2]", SparkEngine.withRetries("local", 2));
        assertEquals("local[2,7]", SparkEngine.withRetries("local[2,7]", 3));
        assertEquals("spark://h:7077", SparkEngine.withRetries("spark://h:7077", 3));
    }
}
