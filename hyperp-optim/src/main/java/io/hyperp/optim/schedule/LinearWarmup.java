package io.hyperp.optim.schedule;

/**
 * Linear warmup to the peak, then constant: {@code peak * min(1, (t + 1) / warmupSteps)}; with
 * {@code warmupSteps = 0}, the peak from the first step.
 *
 * <p>References: Goyal et al., <i>Accurate, Large Minibatch SGD</i> (gradual warmup).
 *
 * @param peak        the rate after warmup
 * @param warmupSteps the number of warmup steps (>= 0)
 */
public record LinearWarmup(double peak, long warmupSteps) implements LrSchedule {
    /** Validates the fields. */
    public LinearWarmup {
        LrSchedule.checkPeak(peak);
        LrSchedule.checkSteps("warmupSteps", warmupSteps, 0);
    }

    @Override
    public double lr(long step) {
        return peak * LrSchedule.warmup(step, warmupSteps);
    }
}
