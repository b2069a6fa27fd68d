package io.hyperp.sweep;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The child process of {@link ResultStoreKillTest}: runs {@link #plan()} into a directory on a local pool
 * of two threads. It prints {@code warm} once its classes are loaded and waits for a line on its input
 * (so that it can start ahead of its turn), then prints {@code ready N} (N cells already published),
 * {@code start ID} when a cell starts training and {@code done} when the sweep and its merge have
 * finished.
 */
final class SweepKillChild {

    private SweepKillChild() {}

    /** 32 learning rates by three widths by two seeds of the fake trainer, 10 steps of 1 ms each. */
    static SweepPlan plan() {
        List<String> lrs = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            lrs.add(Double.toString(0.001 * Math.pow(1.1, i)));
        }
        Map<String, List<String>> grid = new LinkedHashMap<>();
        grid.put("lr", lrs);
        grid.put("width", List.of("32", "64", "128"));
        grid.put("seed", List.of("1", "2"));
        return SweepPlan.of("fake", Map.of("steps", "10", "sleep_ms", "1"), grid);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        SweepPlan plan = plan();
        SweepRunner.check(plan);
        // Loading and initializing the classes (the store's JSON mapper above all) is most of a start-up.
        ResultStore store = ResultStore.open(dir);
        SweepRunner runner = SweepRunner.of(LocalEngine.create(2));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("warm");
        if (new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine() == null) {
            return;
        }
        out.println("ready " + store.countFinished(plan.cells()));
        runner.run(plan, dir, new SweepProgress() {
            @Override
            public void cellStarted(SweepCell cell) {
                out.println("start " + cell.id());
            }
        });
        out.println("done");
    }
}
