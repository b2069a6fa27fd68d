package io.hyperp.sweep;

/**
 * Trains one cell with retries: a trainer that throws is tried again up to a limit, then the cell is
 * recorded as {@link CellStatus#FAILED} with the last reason; a diverged result is returned at once
 * (never retried). Stateless and thread-safe.
 */
public final class CellRun {

    private CellRun() {}

    /**
     * Trains {@code cell} with up to {@code maxAttempts} tries.
     *
     * @throws IllegalArgumentException if {@code maxAttempts < 1}
     */
    public static CellResult run(Trainer trainer, SweepCell cell, int maxAttempts, Trainer.StepListener listener) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts (" + maxAttempts + ") must be >= 1");
        }
        String reason = "";
        double seconds = 0;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            long t0 = System.nanoTime();
            try {
                return attempt(trainer, cell, listener).withAttempts(attempt);
            } catch (Exception | LinkageError | AssertionError e) {
                reason = reason(e);
                seconds = (System.nanoTime() - t0) / 1e9;
            }
        }
        return CellResult.failed(reason, maxAttempts, seconds);
    }

    /**
     * One try: the trainer's result, or its exception (a null result is an {@link IllegalStateException}).
     *
     * @throws Exception whatever the trainer threw
     */
    public static CellResult attempt(Trainer trainer, SweepCell cell, Trainer.StepListener listener) throws Exception {
        CellResult r = trainer.train(cell, listener);
        if (r == null) {
            throw new IllegalStateException("trainer " + trainer.name() + " returned no result for cell " + cell.id());
        }
        return r;
    }

    /** A one-line reason for a failure: the exception's class and message. */
    public static String reason(Throwable e) {
        String m = e.getMessage();
        String s = e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
