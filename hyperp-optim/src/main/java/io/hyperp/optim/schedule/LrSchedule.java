package io.hyperp.optim.schedule;

import static com.google.common.base.Preconditions.checkArgument;

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
     * @throws IllegalArgumentException if {@code step < 0}
     */
    double lr(long step);

    /** The peak learning rate. */
    double peak();

    /** A constant rate. */
    static LrSchedule constant(double lr) {
        return new Constant(lr);
    }

    /** Linear warmup from 0 to the peak over {@code warmupSteps}, then constant. */
    static LrSchedule linearWarmup(double peak, long warmupSteps) {
        return new LinearWarmup(peak, warmupSteps);
    }

    /**
     * HyperP's default schedule (SPEC 4): no warmup, linear decay from {@code peak} at step 0 to
     * {@link LinearDecay#HYPERP_FLOOR} {@code * peak} at step {@code totalSteps - 1}.
     */
    static LrSchedule linearDecay(double peak, long totalSteps) {
        return new LinearDecay(peak, 0, totalSteps, LinearDecay.HYPERP_FLOOR);
    }

    /**
     * Optional linear warmup, then linear decay from the peak at the end of warmup to
     * {@code floorFraction * peak} at {@code totalSteps - 1}, and the floor after.
     */
    static LrSchedule linearDecay(double peak, long warmupSteps, long totalSteps, double floorFraction) {
        return new LinearDecay(peak, warmupSteps, totalSteps, floorFraction);
    }

    /** Optional linear warmup, then cosine decay to {@code floorFraction * peak}. */
    static LrSchedule cosine(double peak, long warmupSteps, long totalSteps, double floorFraction) {
        return new Cosine(peak, warmupSteps, totalSteps, floorFraction);
    }

    /** Warmup, a stable phase at the peak, then a linear decay to {@code floorFraction * peak}. */
    static LrSchedule warmupStableDecay(double peak, long warmupSteps, long stableSteps, long decaySteps,
                                        double floorFraction) {
        return new WarmupStableDecay(peak, warmupSteps, stableSteps, decaySteps, floorFraction);
    }

    /** Checks a peak learning rate: finite and >= 0. */
    static void checkPeak(double peak) {
        checkArgument(peak >= 0 && Double.isFinite(peak), "learningRate (%s) must be finite and >= 0", peak);
    }

    /** Checks a step count: {@code steps >= min}. */
    static void checkSteps(String what, long steps, long min) {
        checkArgument(steps >= min, "%s (%s) must be >= %s", what, steps, min);
    }

    /** Checks a floor fraction: in [0, 1]. */
    static void checkFloor(double f) {
        checkArgument(f >= 0 && f <= 1, "floorFraction (%s) must be in [0, 1]", f);
    }

    /** The warmup factor at {@code step}: (step + 1) / warmup inside the warmup, else 1. */
    static double warmup(long step, long warmupSteps) {
        checkArgument(step >= 0, "step (%s) must be >= 0", step);
        return step < warmupSteps ? (double) (step + 1) / warmupSteps : 1.0;
    }
}
