package io.hyperp.sweep;

/**
 * Observes a sweep while it runs. Engines call it from their worker threads, so implementations must be
 * thread-safe. Every method has an empty default; an engine that cannot see steps (a cluster) calls
 * only {@link #cellFinished}.
 */
public interface SweepProgress {

    /** A progress observer that ignores everything. */
    SweepProgress NONE = new SweepProgress() {};

    /** A cell started training in this process. */
    default void cellStarted(SweepCell cell) {}

    /** A cell in this process finished {@code done} of {@code total} steps. */
    default void cellStep(SweepCell cell, int done, int total) {}

    /**
     * A cell's result was published (by this call or, when {@code result} is null, by another process).
     *
     * @param result the result when known in this process, else null
     */
    default void cellFinished(SweepCell cell, CellResult result) {}
}
