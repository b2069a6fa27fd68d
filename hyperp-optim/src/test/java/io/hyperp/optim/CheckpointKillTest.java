package io.hyperp.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency of checkpoints: a child JVM ({@link CheckpointKillChild}) trains and saves every
 * {@value #INTERVAL} steps; this test kills it with SIGKILL at a random instant, many times over, restarting it
 * after each kill so that it resumes from its latest checkpoint.
 *
 * <p>After every kill the latest checkpoint must load, must be byte for byte the checkpoint an uninterrupted
 * in-process run writes at that step (parameters and optimizer), and at most one save interval of steps may be
 * lost. Since each child resumes from what the previous one left, and its checkpoints equal the uninterrupted
 * run's, continuing from a checkpoint equals the uninterrupted run.
 *
 * <p>A child lives about a second and a half, nearly all of it ND4J's start-up (two children warm up ahead of
 * their turn). A regular build makes {@value #KILLS} kills; a longer campaign is
 * {@code mvn test -pl hyperp-optim -Dtest=CheckpointKillTest -Dhyperp.killTest.kills=200}.
 */
class CheckpointKillTest {
    static final int KILLS = 50;
    static final long INTERVAL = 5;
    private static final long TOTAL = 1_000_000;
    /** Children started ahead of their turn. */
    private static final int SPARES = 2;

    @TempDir
    Path dir;

    @TempDir
    Path refDir;

    /** The uninterrupted run, advanced on demand, and its checkpoint bytes per saved step. */
    private final ParamSet refParams = CheckpointKillChild.freshParams();

    private final Optimizer ref = OptimizerTest.hyperP(refParams);
    private final Map<Long, byte[][]> refFiles = new HashMap<>();

    private byte[][] reference(long step) throws IOException {
        while (ref.stepCount() < step) {
            long s = ref.stepCount();
            ref.step(CheckpointKillChild.grads(refParams, s), refParams);
            if ((s + 1) % INTERVAL == 0) {
                Path p = CheckpointKillChild.paramsFile(refDir, s + 1);
                Path c = CheckpointKillChild.ckpt(refDir, s + 1);
                CheckpointKillChild.saveParams(refParams, p);
                ref.save(c);
                refFiles.put(s + 1, new byte[][] {Files.readAllBytes(p), Files.readAllBytes(c)});
                Files.delete(p);
                Files.delete(c);
            }
        }
        return refFiles.get(step);
    }

    private static List<String> command(String java, String classPath, List<String> args) {
        // C1 only, serial GC, no perf data: a child lives a second or two, so start-up is what counts
        List<String> c = new ArrayList<>(
                List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"));
        c.add("-cp");
        c.add(classPath);
        c.addAll(args);
        return c;
    }

    private static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    @Test
    void killAtRandomInstants_latestCheckpointAlwaysLoadsAndEqualsTheUninterruptedRun() throws Exception {
        int kills = Integer.getInteger("hyperp.killTest.kills", KILLS);
        SplittableRandom rnd = new SplittableRandom(20261204);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> args = List.of(
                CheckpointKillChild.class.getName(), dir.toString(), Long.toString(TOTAL), Long.toString(INTERVAL));
        List<String> command = command(java, classPath, args);
        long restores = 0;
        long maxLost = 0;
        long lastStep = 0;
        // Processes warming up (ND4J's start-up is most of a child's life), started ahead of their turn.
        Deque<Process> spares = new ArrayDeque<>();
        int started = 0;
        for (; started < Math.min(SPARES, kills); started++) {
            spares.add(start(command));
        }
        try {
            for (int k = 0; k < kills; k++) {
                Process child = spares.poll();
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("warm", out.readLine(), "the child loaded ND4J");
                child.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
                child.getOutputStream().flush();
                String first = out.readLine();
                if (started < kills) {
                    spares.add(start(command));
                    started++;
                }
                AtomicLong printed = new AtomicLong(-1);
                assertTrue(first != null && first.startsWith("ready "), "child started: " + first);
                long resumedAt = Long.parseLong(first.substring(6));
                assertEquals(lastStep, resumedAt, "the child resumes from the latest checkpoint");
                printed.set(resumedAt);
                Thread reader = new Thread(() -> {
                    try {
                        for (String line = out.readLine(); line != null; line = out.readLine()) {
                            printed.set(Long.parseLong(line.substring(5)));
                        }
                    } catch (IOException | NumberFormatException e) {
                        // the pipe closes when the child dies
                    }
                });
                reader.start();
                // A random instant: after a random number of further steps (up to three save intervals),
                // then a random pause of up to 3 ms, so that kills fall while stepping, while writing a
                // temporary file, while forcing it and while renaming.
                long target = resumedAt + rnd.nextLong(1, 3 * INTERVAL + 1);
                while (printed.get() < target && child.isAlive()) {
                    Thread.sleep(0, 200_000);
                }
                Thread.sleep(rnd.nextLong(0, 4));
                child.destroyForcibly(); // SIGKILL on POSIX systems
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child died");
                reader.join(10_000);
                assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");

                Optional<Long> latest = CheckpointKillChild.latest(dir);
                if (latest.isEmpty()) {
                    assertTrue(printed.get() < INTERVAL, "no checkpoint yet after " + printed.get() + " steps");
                    continue;
                }
                long at = latest.get();
                byte[][] expected = reference(at);
                assertArrayEquals(
                        expected[0],
                        Files.readAllBytes(CheckpointKillChild.paramsFile(dir, at)),
                        "parameters of " + at);
                assertArrayEquals(
                        expected[1], Files.readAllBytes(CheckpointKillChild.ckpt(dir, at)), "optimizer of " + at);
                ParamSet params = CheckpointKillChild.freshParams();
                Optimizer restored = CheckpointKillChild.resume(dir, params);
                assertEquals(at, restored.stepCount());
                restores++;
                // Measured by the steps the child printed; it may have done one more without printing it.
                long lost = printed.get() - at;
                assertTrue(
                        lost <= INTERVAL, "lost " + lost + " steps: printed " + printed.get() + ", checkpoint " + at);
                maxLost = Math.max(maxLost, lost);
                lastStep = at;
            }
        } finally {
            spares.forEach(Process::destroyForcibly);
        }
        // Continuing in-process from the last checkpoint for two more intervals equals the uninterrupted run.
        ParamSet params = CheckpointKillChild.freshParams();
        Optimizer opt = CheckpointKillChild.resume(dir, params);
        long end = opt.stepCount() + 2 * INTERVAL;
        while (opt.stepCount() < end) {
            opt.step(CheckpointKillChild.grads(params, opt.stepCount()), params);
        }
        Path c = refDir.resolve("continued.ckpt");
        opt.save(c);
        assertArrayEquals(reference(end)[1], Files.readAllBytes(c), "continued optimizer state");
        System.out.printf(
                "CheckpointKillTest: %d kills, %d restores, last checkpoint at step %d, largest loss %d steps"
                        + " (save interval %d)%n",
                kills, restores, lastStep, maxLost, INTERVAL);
        assertTrue(restores >= kills / 2, "most kills came after a checkpoint: " + restores);
    }
}
