package io.hyperp.optim.schedule;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Warmup, then a linear decay from the peak to {@code floorFraction * peak} at the last step.
 *
 * @param peak          the peak rate
 * @param warmupSteps   warmup steps (>= 0)
 * @param totalSteps    total steps of the run (> warmupSteps)
 * @param floorFraction the final rate as a fraction of the peak (HyperP: 0.1)
 */
public record LinearDecay(double peak, long warmupSteps, long totalSteps, double floorFraction)
        implements LrSchedule {
    /** Validates the fields. */
    public LinearDecay {
        LrSchedule.checkPeak(peak);
        LrSchedule.checkSteps("warmupSteps", warmupSteps, 0);
        checkArgument(totalSteps > warmupSteps, "totalSteps (%s) must exceed warmupSteps (%s)", totalSteps,
                warmupSteps);
        LrSchedule.checkFloor(floorFraction);
    }

    @Override
    public double lr(long step) {
        double w = LrSchedule.warmup(step, warmupSteps);
        if (step < warmupSteps) {
            return peak * w;
        }
        long span = totalSteps - 1 - warmupSteps;
        double progress = span <= 0 ? 1.0 : Math.min(1.0, (double) (step - warmupSteps) / span);
        return peak * (1.0 - (1.0 - floorFraction) * progress);
    }
}
