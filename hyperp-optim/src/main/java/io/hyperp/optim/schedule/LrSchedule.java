package io.hyperp.optim.schedule;

/**
 * A learning-rate schedule: the learning rate of step {@code t} (0 for the first update). All
 * schedules are pure functions of the step, so the schedule position is the optimizer's step count.
 *
 * <p>HyperP's default (SPEC 4): no warmup, linear decay from the peak to 0.1 of the peak over the run:
 * {@link #linearDecay(double, long)}.
 *
 * <p>Every schedule is an immutable record, validated on construction (a NaN anywhere fails), and its
 * {@code toString()} identifies it completely: checkpoints store it to detect a changed schedule.
 * Thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743; Hu et al., <i>MiniCPM</i> (warmup-stable-decay);
 * Loshchilov and Hutter, <i>SGDR</i> (cosine).
 */
public sealed interface LrSchedule permits Constant, LinearWarmup, LinearDecay, Cosine, WarmupStableDecay {

    /**
     * The learning rate of step {@code step} (0 for the first update): finite and >= 0.
     *
     * @param step the number of updates applied before this one
     * @return the rate
     * @throws IllegalArgumentException if {@code step < 0}
     */
    double lr(long step);

    /**
     * The peak learning rate.
     *
     * @return the largest rate the schedule reaches
     */
    double peak();

    /**
     * A constant rate.
     *
     * @param lr the rate, finite and >= 0
     * @return {@code new Constant(lr)}
     */
    static LrSchedule constant(double lr) {
        return new Constant(lr);
    }

    /**
     * Linear warmup to the peak over {@code warmupSteps}, then constant.
     *
     * @param peak        the rate after warmup
     * @param warmupSteps the number of warmup steps (>= 0)
     * @return {@code new LinearWarmup(peak, warmupSteps)}
     */
    static LrSchedule linearWarmup(double peak, long warmupSteps) {
        return new LinearWarmup(peak, warmupSteps);
    }

    /**
     * HyperP's default schedule (SPEC 4): no warmup, linear decay from {@code peak} at step 0 to
     * {@link LinearDecay#HYPERP_FLOOR} {@code * peak} at step {@code totalSteps - 1}.
     *
     * @param peak       the initial rate, finite and >= 0
     * @param totalSteps the number of steps of the run (>= 1)
     * @return {@code new LinearDecay(peak, 0, totalSteps, 0.1)}
     */
    static LrSchedule linearDecay(double peak, long totalSteps) {
        return new LinearDecay(peak, 0, totalSteps, LinearDecay.HYPERP_FLOOR);
    }

    /**
     * Optional linear warmup, then linear decay from the peak at the end of warmup to
     * {@code floorFraction * peak} at {@code totalSteps - 1}, and the floor after.
     *
     * @param peak          the peak rate, finite and >= 0
     * @param warmupSteps   warmup steps (>= 0)
     * @param totalSteps    steps of the run (> warmupSteps)
     * @param floorFraction the final rate as a fraction of the peak, in [0, 1]
     * @return the {@link LinearDecay}
     */
    static LrSchedule linearDecay(double peak, long warmupSteps, long totalSteps, double floorFraction) {
        return new LinearDecay(peak, warmupSteps, totalSteps, floorFraction);
    }

    /**
     * Optional linear warmup, then cosine decay to {@code floorFraction * peak} at {@code totalSteps - 1}.
     *
     * @param peak          the peak rate, finite and >= 0
     * @param warmupSteps   warmup steps (>= 0)
     * @param totalSteps    steps of the run (> warmupSteps)
     * @param floorFraction the final rate as a fraction of the peak, in [0, 1]
     * @return the {@link Cosine}
     */
    static LrSchedule cosine(double peak, long warmupSteps, long totalSteps, double floorFraction) {
        return new Cosine(peak, warmupSteps, totalSteps, floorFraction);
    }

    /**
     * Warmup, a stable phase at the peak, then a linear decay to {@code floorFraction * peak}.
     *
     * @param peak          the peak rate, finite and >= 0
     * @param warmupSteps   warmup steps (>= 0)
     * @param stableSteps   steps at the peak after warmup (>= 0)
     * @param decaySteps    steps of the decay (>= 1)
     * @param floorFraction the final rate as a fraction of the peak, in [0, 1]
     * @return the {@link WarmupStableDecay}
     */
    static LrSchedule warmupStableDecay(
            double peak, long warmupSteps, long stableSteps, long decaySteps, double floorFraction) {
        return new WarmupStableDecay(peak, warmupSteps, stableSteps, decaySteps, floorFraction);
    }
}
