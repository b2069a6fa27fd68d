package io.hyperp.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultStoreTest {

    @TempDir
    Path dir;

    private static final SweepPlan PLAN = SweepPlan.of("fake", Map.of(), Map.of("lr", List.of("0.01", "0.02", "0.04")));

    private static CellResult result(double v) {
        return CellResult.finished(
                v,
                v + 0.1,
                new double[] {3.0, v, Double.NaN, Double.POSITIVE_INFINITY, Math.nextUp(v)},
                List.of(new CurvePoint(5, v + 0.1, v, Map.of("attention_z", Double.NaN, "output_rms", 0.1 + 0.2))),
                Map.of("params", 1234.0),
                0.5);
    }

    @Test
    void write_roundTripsBitIdentical_includingNonFinite() {
        ResultStore store = ResultStore.open(dir);
        SweepCell c = PLAN.cells().get(0);
        CellResult r = result(2.0 / 3.0);
        assertFalse(store.contains(c.id()));
        assertTrue(store.write(c, r));
        assertTrue(store.contains(c.id()));
        CellResult back = store.read(c).orElseThrow();
        assertEquals(r, back);
        assertArrayEquals(r.trainLosses(), back.trainLosses());
        CellResult failed = CellResult.failed("IllegalStateException: boom, with a comma\nand a line", 3, 0.25);
        SweepCell c2 = PLAN.cells().get(1);
        store.write(c2, failed);
        assertEquals(failed, store.read(c2).orElseThrow());
    }

    @Test
    void read_refusesAnotherCellsFile_andAFileThatIsNoResult() throws Exception {
        ResultStore store = ResultStore.open(dir);
        SweepCell a = PLAN.cells().get(0);
        SweepCell b = PLAN.cells().get(1);
        store.write(a, result(2.0));
        Files.copy(store.file(a.id()), store.file(b.id()));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> store.read(b));
        assertTrue(e.getMessage().contains(store.file(b.id()).toString()), e.getMessage());
        assertTrue(e.getMessage().contains("is the result of cell " + a.id()), e.getMessage());
        Files.writeString(
                store.file(b.id()),
                Files.readString(store.file(a.id())).replace("\"steps_run\":", "\"steps_run\":0.5,\"x\":"));
        e = assertThrows(UncheckedIOException.class, () -> store.read(b));
        assertTrue(e.getMessage().contains("is the result of cell"), e.getMessage());
        Files.writeString(
                store.file(a.id()),
                Files.readString(store.file(a.id())).replace("\"steps_run\":", "\"steps_run\":0.5,\"x\":"));
        e = assertThrows(UncheckedIOException.class, () -> store.read(a));
        assertTrue(e.getMessage().contains("steps_run must be an integer"), e.getMessage());
    }

    @Test
    void write_publishesOnce_secondWriterLeavesTheFirstResult() throws Exception {
        ResultStore store = ResultStore.open(dir);
        SweepCell c = PLAN.cells().get(0);
        assertTrue(store.write(c, result(2.0)));
        byte[] before = Files.readAllBytes(store.file(c.id()));
        assertFalse(store.write(c, result(3.0)));
        assertArrayEquals(before, Files.readAllBytes(store.file(c.id())));
        assertEquals(2.0, store.read(c).orElseThrow().finalValidationLoss());
    }

    @Test
    void concurrentWriters_exactlyOnePublishes_noTemporaryFilesLeft() throws Exception {
        ResultStore store = ResultStore.open(dir);
        SweepCell c = PLAN.cells().get(2);
        int n = 8;
        CyclicBarrier barrier = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Boolean>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double v = 2 + i;
                Callable<Boolean> task = () -> {
                    barrier.await();
                    return store.write(c, result(v));
                };
                fs.add(pool.submit(task));
            }
            int published = 0;
            for (Future<Boolean> f : fs) {
                published += f.get() ? 1 : 0;
            }
            assertEquals(1, published);
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.list(dir.resolve("cells"))) {
            assertEquals(
                    List.of(c.id() + ".json"),
                    files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void merge_writesRunsAndCurvesInPlanOrder() throws Exception {
        ResultStore store = ResultStore.open(dir);
        List<SweepCell> cells = PLAN.cells();
        store.write(cells.get(2), result(2.5));
        store.write(cells.get(0), result(2.25));
        Map<SweepCell, CellResult> merged = store.merge(PLAN);
        assertEquals(List.of(cells.get(0), cells.get(2)), List.copyOf(merged.keySet()));
        List<String> runs = Files.readAllLines(dir.resolve("runs.csv"));
        assertEquals(
                "cell,lr,loss,status,train_loss,steps_run,diverged_at_step,seconds,attempts,reason,params",
                runs.get(0));
        assertEquals(3, runs.size());
        assertTrue(runs.get(1).startsWith(cells.get(0).id() + ",0.01,2.25,ok,"), runs.get(1));
        assertTrue(runs.get(2).startsWith(cells.get(2).id() + ",0.04,2.5,ok,"), runs.get(2));
        List<String> curves = Files.readAllLines(dir.resolve("curves.csv"));
        assertEquals("cell,lr,step,train_loss,validation_loss,attention_z,output_rms", curves.get(0));
        assertEquals(cells.get(0).id() + ",0.01,5,2.35,2.25,NaN," + (0.1 + 0.2), curves.get(1));
    }
}
