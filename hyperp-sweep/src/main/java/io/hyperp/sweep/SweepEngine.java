package io.hyperp.sweep;

import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Runs the cells of a sweep and publishes each result to a {@link ResultStore}. Engines: the
 * {@link LocalEngine} thread pool, and Apache Spark (hyperp-spark, found through {@link Factory} when
 * on the class path).
 */
public interface SweepEngine extends AutoCloseable {

    /** The engine's name ({@code local}, {@code spark}). */
    String name();

    /** A one-line description for logs (for example the pool size or the Spark master). */
    String describe();

    /**
     * Runs every cell and returns once each has a published result. A cell whose trainer throws is
     * retried up to {@code maxAttempts} times in all and then published as {@link CellStatus#FAILED};
     * the sweep never stops for one cell.
     *
     * @param cells       the cells to run (none of them finished yet)
     * @param store       where results go
     * @param maxAttempts tries per cell (>= 1)
     * @param progress    told of progress
     * @throws InterruptedException if interrupted while waiting; published results stay
     */
    void run(List<SweepCell> cells, ResultStore store, int maxAttempts, SweepProgress progress)
            throws InterruptedException;

    /** Releases the engine's resources (threads, a Spark context). */
    @Override
    default void close() {}

    /** Creates engines of one kind; listed in {@code META-INF/services/io.hyperp.sweep.SweepEngine$Factory}. */
    interface Factory {

        /** The engine's name. */
        String name();

        /**
         * A new engine.
         *
         * @param master      where to run: ignored by the local engine; a Spark master URL, or null for
         *                    what {@code spark-submit} supplies
         * @param parallelism cells run at once (0 for the engine's default)
         * @throws IllegalArgumentException if the master is malformed or cannot be reached
         */
        SweepEngine create(String master, int parallelism);
    }

    /**
     * An engine by name: {@code local}, or the name of a {@link Factory} on the class path.
     *
     * @throws IllegalArgumentException if no engine has that name (the message lists the known ones)
     */
    static SweepEngine create(String name, String master, int parallelism) {
        if (name.equals(LocalEngine.NAME)) {
            return parallelism > 0 ? LocalEngine.create(parallelism) : LocalEngine.create();
        }
        TreeSet<String> known = new TreeSet<>(List.of(LocalEngine.NAME));
        for (Factory f :
                ServiceLoader.load(Factory.class, Thread.currentThread().getContextClassLoader())) {
            if (f.name().equals(name)) {
                return f.create(master, parallelism);
            }
            known.add(f.name());
        }
        throw new IllegalArgumentException(String.format(
                Locale.ROOT,
                "engine '%s' is not available (available: %s)%s",
                name,
                known,
                name.equals("spark") ? "; put hyperp-spark and Spark on the class path (see the README)" : ""));
    }
}
