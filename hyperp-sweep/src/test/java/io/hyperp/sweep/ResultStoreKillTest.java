package io.hyperp.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency of a sweep's result store: a child JVM ({@link SweepKillChild}) runs a sweep of 192
 * fast cells on two threads; this test kills it with SIGKILL at a random instant, many times over,
 * restarting it after each kill so that it resumes, and lets the last child finish.
 *
 * <p>After every kill: every published cell file reads back and equals the uninterrupted run's result
 * (all but the wall time), the directory holds nothing but published files and ignored temporary files,
 * no cell published before a child started was started again by it, and at most two cells' work (one per
 * thread) was lost. At the end {@code runs.csv} (but for its {@code seconds} column) and
 * {@code curves.csv} are byte for byte those of an uninterrupted run.
 *
 * <p>{@value #KILLS} kills in a regular build; {@code -Dhyperp.killTest.kills=N} runs more.
 */
class ResultStoreKillTest {
    static final int KILLS = 50;
    /** Children started ahead of their turn. */
    private static final int SPARES = 3;

    private static final Pattern PUBLISHED = Pattern.compile("[0-9a-f]{16}\\.json");
    private static final Pattern TEMPORARY = Pattern.compile("\\.[0-9a-f]{16}\\.[0-9a-f-]{36}\\.tmp");

    @TempDir
    Path dir;

    @TempDir
    Path refDir;

    private static List<String> command(Path dir) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // C1 only, serial GC, no perf data: a child lives a fraction of a second, so start-up is what counts
        return List.of(
                java,
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-cp",
                classPath,
                SweepKillChild.class.getName(),
                dir.toString());
    }

    private Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** A result without its wall time, which differs from run to run. */
    private static CellResult timeless(CellResult r) {
        return new CellResult(
                r.status(),
                r.finalValidationLoss(),
                r.finalTrainLoss(),
                r.stepsRun(),
                r.divergedAtStep(),
                r.trainLosses(),
                r.curve(),
                r.metrics(),
                0,
                r.attempts(),
                r.reason());
    }

    /** Published cell ids; fails on any file that is neither published nor a temporary file. */
    private Set<String> published(Path cells) throws IOException {
        Set<String> ids = new HashSet<>();
        try (Stream<Path> files = Files.list(cells)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (PUBLISHED.matcher(name).matches()) {
                    ids.add(name.substring(0, 16));
                } else {
                    assertTrue(TEMPORARY.matcher(name).matches(), "unexpected file " + name);
                }
            }
        }
        return ids;
    }

    private static List<String> withoutSeconds(Path runsCsv) throws IOException {
        List<String> lines = Files.readAllLines(runsCsv, StandardCharsets.UTF_8);
        int col = List.of(lines.get(0).split(",", -1)).indexOf("seconds");
        assertTrue(col > 0, "runs.csv has a seconds column");
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            List<String> fields = new ArrayList<>(List.of(line.split(",", -1)));
            fields.remove(col);
            out.add(String.join(",", fields));
        }
        return out;
    }

    @Test
    void killAtRandomInstants_everyPublishedCellIsWholeAndNoFinishedCellRunsAgain() throws Exception {
        int kills = Integer.getInteger("hyperp.killTest.kills", KILLS);
        SplittableRandom rnd = new SplittableRandom(20261204);
        SweepPlan plan = SweepKillChild.plan();
        Map<String, SweepCell> byId = new HashMap<>();
        plan.cells().forEach(c -> byId.put(c.id(), c));
        // The uninterrupted run, in process.
        SweepRunner.of(LocalEngine.create(2)).run(plan, refDir, new SweepProgress() {});
        ResultStore refStore = ResultStore.open(refDir);
        ResultStore store = ResultStore.open(dir);
        Map<String, CellResult> reference = new HashMap<>();
        plan.cells()
                .forEach(c -> reference.put(c.id(), timeless(refStore.read(c).orElseThrow())));

        List<String> command = command(dir);
        Deque<Process> spares = new ArrayDeque<>();
        int launched = 0;
        for (; launched < Math.min(SPARES, kills + 1); launched++) {
            spares.add(start(command));
        }
        Set<String> before = Set.of();
        int killed = 0;
        int maxLost = 0;
        int temporaries = 0;
        boolean finished = false;
        try {
            for (int k = 0; k <= kills && !finished; k++) {
                boolean last = k == kills;
                Process child = spares.poll();
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("warm", out.readLine(), "the child started");
                child.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
                child.getOutputStream().flush();
                String ready = out.readLine();
                assertEquals("ready " + before.size(), ready, "the child sees every published cell");
                if (launched < kills + 1) {
                    spares.add(start(command));
                    launched++;
                }
                Set<String> started = ConcurrentHashMap.newKeySet();
                AtomicInteger done = new AtomicInteger();
                Thread reader = new Thread(() -> {
                    try {
                        for (String line = out.readLine(); line != null; line = out.readLine()) {
                            if (line.startsWith("start ")) {
                                started.add(line.substring(6));
                            } else if (line.equals("done")) {
                                done.set(1);
                            }
                        }
                    } catch (IOException e) {
                        // the pipe closes when the child dies
                    }
                });
                reader.start();
                if (last) {
                    assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the last child finished the sweep");
                    reader.join(10_000);
                    assertEquals(0, child.exitValue(), "the last child's exit code");
                    finished = done.get() == 1;
                } else {
                    // A random instant: after a random number of cells started (up to six), then a random
                    // pause of up to 5 ms, so that kills fall while training, writing, forcing and linking.
                    int target = rnd.nextInt(1, 7);
                    while (started.size() < target && child.isAlive()) {
                        Thread.sleep(0, 200_000);
                    }
                    Thread.sleep(rnd.nextLong(0, 6));
                    child.destroyForcibly(); // SIGKILL on POSIX systems
                    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child died");
                    reader.join(10_000);
                    finished = done.get() == 1;
                    assertTrue(finished || child.exitValue() == 137, "killed by SIGKILL (128 + 9)");
                }
                Set<String> now = published(dir.resolve("cells"));
                assertTrue(now.containsAll(before), "published cells stay published");
                for (String id : now) {
                    SweepCell cell = byId.get(id);
                    assertTrue(cell != null, "a cell of the plan: " + id);
                    assertEquals(reference.get(id), timeless(store.read(cell).orElseThrow()), "result of " + id);
                }
                for (String id : started) {
                    assertFalse(before.contains(id), "a cell published before the child started ran again: " + id);
                }
                Set<String> lost = new HashSet<>(started);
                lost.removeAll(now);
                maxLost = Math.max(maxLost, lost.size());
                assertTrue(lost.size() <= 2, "cells lost: " + lost.size() + " (two threads)");
                try (Stream<Path> files = Files.list(dir.resolve("cells"))) {
                    temporaries =
                            (int) files.filter(f -> f.getFileName().toString().endsWith(".tmp"))
                                    .count();
                }
                if (!last && !finished) {
                    killed++;
                }
                before = now;
            }
        } finally {
            spares.forEach(Process::destroyForcibly);
        }
        assertTrue(finished, "the sweep finished");
        assertEquals(kills, killed, "every kill fell before the sweep's end");
        assertEquals(plan.cells().size(), before.size(), "every cell published");
        assertEquals(withoutSeconds(refDir.resolve("runs.csv")), withoutSeconds(dir.resolve("runs.csv")), "runs.csv");
        assertEquals(
                Files.readString(refDir.resolve("curves.csv")),
                Files.readString(dir.resolve("curves.csv")),
                "curves.csv");
        System.out.printf(
                "ResultStoreKillTest: %d kills, %d cells, at most %d cells' work lost per kill,"
                        + " %d temporary files left%n",
                killed, before.size(), maxLost, temporaries);
    }
}
