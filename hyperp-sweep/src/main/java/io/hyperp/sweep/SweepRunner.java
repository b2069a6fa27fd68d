package io.hyperp.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a {@link SweepPlan} on a {@link SweepEngine} into a {@link ResultStore}: checks the plan against
 * its trainer before anything is written, skips the cells already finished (so running the same sweep
 * again resumes it, and a finished sweep does no work), runs the rest, and merges every result into
 * {@code runs.csv} and {@code curves.csv} in plan order.
 *
 * <p>Immutable and thread-safe.
 */
public final class SweepRunner {

    /** Tries per cell unless set otherwise. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    private final SweepEngine engine;
    private final int maxAttempts;

    private SweepRunner(SweepEngine engine, int maxAttempts) {
        this.engine = engine;
        this.maxAttempts = maxAttempts;
    }

    /** A runner on {@code engine} with {@value #DEFAULT_MAX_ATTEMPTS} tries per cell. */
    public static SweepRunner of(SweepEngine engine) {
        return new SweepRunner(Objects.requireNonNull(engine, "engine"), DEFAULT_MAX_ATTEMPTS);
    }

    /**
     * This runner with another number of tries per cell.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public SweepRunner withMaxAttempts(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxAttempts (" + n + ") must be >= 1");
        }
        return new SweepRunner(engine, n);
    }

    /** The engine. */
    public SweepEngine engine() {
        return engine;
    }

    /**
     * Checks that the plan's trainer exists and accepts the plan; writes nothing.
     *
     * @return the trainer
     * @throws IllegalArgumentException naming the problem
     */
    public static Trainer check(SweepPlan plan) {
        Trainer t = Trainers.load(plan.trainer());
        t.validate(plan);
        return t;
    }

    /**
     * Runs the plan into {@code out} (see the class comment).
     *
     * @throws IllegalArgumentException if the plan does not suit its trainer (nothing is written)
     * @throws InterruptedException     if interrupted; published results stay and a rerun resumes
     */
    public SweepOutcome run(SweepPlan plan, Path out, SweepProgress progress) throws InterruptedException {
        check(plan);
        long t0 = System.nanoTime();
        ResultStore store = ResultStore.open(out);
        List<SweepCell> cells = plan.cells();
        List<SweepCell> todo =
                cells.stream().filter(c -> !store.contains(c.id())).toList();
        engine.run(todo, store, maxAttempts, progress);
        Map<SweepCell, CellResult> results = store.merge(plan);
        if (results.size() != cells.size()) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT,
                    "engine %s returned with %d of %d cells finished",
                    engine.name(),
                    results.size(),
                    cells.size()));
        }
        return new SweepOutcome(results, todo.size(), cells.size() - todo.size(), (System.nanoTime() - t0) / 1e9);
    }
}
