package io.hyperp.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The embedded engine: a fixed pool of threads in this process, one cell per thread, the most expensive
 * cells (by {@link Trainer#cost}) first so that the workers finish together. The trainer's
 * {@link Trainer#setUp} is told the pool size (the demo trainer then runs ND4J single-threaded per
 * cell). Retries happen in place ({@link CellRun}). Thread-safe; a pool is created per {@link #run}.
 */
public final class LocalEngine implements SweepEngine {

    /** The engine's name. */
    public static final String NAME = "local";

    private final int threads;

    private LocalEngine(int threads) {
        this.threads = threads;
    }

    /** A pool with one thread per available processor. */
    public static LocalEngine create() {
        return create(Runtime.getRuntime().availableProcessors());
    }

    /**
     * A pool of {@code threads} threads.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static LocalEngine create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads (" + threads + ") must be >= 1");
        }
        return new LocalEngine(threads);
    }

    /** The pool size. */
    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "local pool of %d thread%s", threads, threads == 1 ? "" : "s");
    }

    @Override
    public void run(List<SweepCell> cells, ResultStore store, int maxAttempts, SweepProgress progress)
            throws InterruptedException {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts (" + maxAttempts + ") must be >= 1");
        }
        if (cells.isEmpty()) {
            return;
        }
        List<SweepCell> order = new ArrayList<>(cells);
        Trainer first = Trainers.loadAndSetUp(order.get(0).trainer(), threads);
        order.sort(Comparator.comparingDouble((SweepCell c) -> -first.cost(c)).thenComparingInt(SweepCell::index));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sweep-cell");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (SweepCell c : order) {
                futures.add(pool.submit(() -> {
                    Trainer trainer = Trainers.loadAndSetUp(c.trainer(), threads);
                    progress.cellStarted(c);
                    CellResult r =
                            CellRun.run(trainer, c, maxAttempts, (done, total) -> progress.cellStep(c, done, total));
                    store.write(c, r);
                    progress.cellFinished(c, r);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException("a sweep worker failed: " + cause, cause);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
