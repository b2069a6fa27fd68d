package io.hyperp.sweep;

import java.util.Locale;
import java.util.Set;

/**
 * Trains one cell of a sweep. Implementations are found by {@link Trainers#load}: by {@link #name()}
 * through {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.hyperp.sweep.Trainer}), or by class name; either way they need a public
 * no-argument constructor.
 *
 * <p>Contract: {@link #train} is deterministic for its cell (the same cell gives bit-identical losses
 * in any process, on any engine, for the same {@link #setUp} concurrency); it reports divergence as a
 * result ({@link CellResult#diverged}, or a non-finite loss in {@link CellResult#finished}), and throws
 * only for a failure worth a retry. One instance serves every cell of a process and must allow
 * concurrent calls of {@link #train} on different cells.
 */
public interface Trainer {

    /** The name plans use for this trainer (for example {@code demo}). */
    String name();

    /** The axes a plan for this trainer may have; a plan with any other axis is refused. */
    Set<String> axes();

    /** The settings a plan for this trainer may give; a plan with any other setting is refused. */
    default Set<String> settings() {
        return Set.of();
    }

    /**
     * Checks that a plan suits this trainer before anything runs. The default refuses axes not in
     * {@link #axes()} and settings not in {@link #settings()}.
     *
     * @throws IllegalArgumentException naming the unknown axis or setting
     */
    default void validate(SweepPlan plan) {
        for (String axis : plan.axes()) {
            if (!axes().contains(axis)) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "plan: unknown axis '%s' for trainer %s (known axes: %s)",
                        axis,
                        name(),
                        new java.util.TreeSet<>(axes())));
            }
        }
        for (String s : plan.settings().keySet()) {
            if (!settings().contains(s)) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "plan: unknown setting '%s' for trainer %s (known settings: %s)",
                        s,
                        name(),
                        new java.util.TreeSet<>(settings())));
            }
        }
    }

    /**
     * Prepares the process before its first cell, once per process: for example a tensor library's
     * thread counts. The default does nothing.
     *
     * @param concurrentCells how many cells this process trains at once (>= 1)
     */
    default void setUp(int concurrentCells) {}

    /** A relative cost estimate of a cell (engines start expensive cells first); default 1. */
    default double cost(SweepCell cell) {
        return 1.0;
    }

    /**
     * Trains one cell.
     *
     * @param cell     the cell
     * @param listener told of progress, on the calling thread
     * @return the result; a diverged run is a result
     * @throws Exception for a failure worth retrying (the runner retries, then records it as failed)
     */
    CellResult train(SweepCell cell, StepListener listener) throws Exception;

    /** Progress of one cell's training. */
    @FunctionalInterface
    interface StepListener {

        /** A listener that ignores progress. */
        StepListener NONE = (done, total) -> {};

        /**
         * Called after every step.
         *
         * @param done  steps done so far
         * @param total steps the cell takes without divergence
         */
        void onStep(int done, int total);
    }
}
