package io.hyperp.optim.schedule;

import static com.google.common.base.Preconditions.checkArgument;

/** Argument checks and the warmup factor shared by the schedule records. */
final class Checks {

    private Checks() {}

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
