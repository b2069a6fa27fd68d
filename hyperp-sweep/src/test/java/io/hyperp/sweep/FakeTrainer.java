package io.hyperp.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fast trainer for tests: a noisy quadratic in ln(lr) whose minimum moves with the width, with a
 * per-step "training" curve drawn from the cell's seed. Deterministic per cell.
 *
 * <p>Axes: {@code lr}, {@code width}, {@code seed}, {@code mode}. Modes: {@code ok}; {@code throw}
 * (throws on every try); {@code flaky} (throws on the first try of the cell in this process);
 * {@code nan} (the loss becomes NaN half way: a diverged run). Settings: {@code steps} (default 20),
 * {@code sleep_ms} per step (default 0). Counts its calls per cell id, so tests can tell whether a cell
 * ran.
 */
public final class FakeTrainer implements Trainer {

    /** Calls of {@link #train} per cell id in this process. */
    public static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    /** Creates the trainer (found by ServiceLoader under the name {@code fake}). */
    public FakeTrainer() {}

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Set<String> axes() {
        return Set.of("lr", "width", "seed", "mode");
    }

    @Override
    public Set<String> settings() {
        return Set.of("steps", "sleep_ms");
    }

    @Override
    public CellResult train(SweepCell cell, StepListener listener) throws Exception {
        int call = CALLS.computeIfAbsent(cell.id(), k -> new AtomicInteger()).incrementAndGet();
        String mode = cell.values().getOrDefault("mode", "ok");
        if (mode.equals("throw")) {
            throw new IllegalStateException("out of memory on purpose");
        }
        if (mode.equals("flaky") && call == 1) {
            throw new IllegalStateException("flaky first try");
        }
        int steps = Integer.parseInt(cell.setting("steps", "20"));
        long sleep = Long.parseLong(cell.setting("sleep_ms", "0"));
        double lr = cell.doubleValue("lr");
        int width = cell.values().containsKey("width") ? cell.intValue("width") : 64;
        long seed = cell.values().containsKey("seed") ? cell.longValue("seed") : cell.seed();
        Random rnd = new Random(seed * 31 + width);
        double opt = Math.log(0.01) + 0.1 * Math.log(width / 64.0);
        double target = 2 + Math.pow(Math.log(lr) - opt, 2) + 0.01 * rnd.nextGaussian();
        double[] losses = new double[steps];
        List<CurvePoint> curve = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
            losses[s] = target + 3 * Math.exp(-0.3 * s) + 0.01 * rnd.nextGaussian();
            if (mode.equals("nan") && s == steps / 2) {
                losses[s] = Double.NaN;
                listener.onStep(steps, steps);
                double[] ran = java.util.Arrays.copyOf(losses, s + 1);
                return CellResult.diverged(s, Double.NaN, ran, curve, Map.of("params", (double) width), 0.0);
            }
            listener.onStep(s + 1, steps);
            if ((s + 1) % 10 == 0 || s + 1 == steps) {
                curve.add(new CurvePoint(s + 1, losses[s], losses[s] + 0.05, Map.of("output_rms", 1.0 + lr)));
            }
        }
        return CellResult.finished(
                losses[steps - 1] + 0.05, losses[steps - 1], losses, curve, Map.of("params", (double) width), 0.001);
    }

    /** A trainer class that does not implement {@link Trainer}, for tests of the lookup. */
    public static final class NotATrainer {
        /** Creates it. */
        public NotATrainer() {}
    }
}
