package io.hyperp.optim.schedule;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Optional linear warmup, then a half-cosine decay from the peak to {@code floorFraction * peak} at the
 * last step: with \(p = (t-w)/(T-1-w)\) clamped to [0, 1],
 * \(\eta_t = \eta (f + (1-f)(1+\cos \pi p)/2)\); during warmup \(\eta_t = \eta (t+1)/w\).
 *
 * <p>References: Loshchilov and Hutter, <i>SGDR: Stochastic Gradient Descent with Warm Restarts</i>.
 *
 * @param peak          the peak rate
 * @param warmupSteps   warmup steps (>= 0)
 * @param totalSteps    total steps (> warmupSteps)
 * @param floorFraction the final rate as a fraction of the peak
 */
public record Cosine(double peak, long warmupSteps, long totalSteps, double floorFraction) implements LrSchedule {
    /** Validates the fields. */
    public Cosine {
        Checks.checkPeak(peak);
        Checks.checkSteps("warmupSteps", warmupSteps, 0);
        checkArgument(
                totalSteps > warmupSteps, "totalSteps (%s) must exceed warmupSteps (%s)", totalSteps, warmupSteps);
        Checks.checkFloor(floorFraction);
    }

    @Override
    public double lr(long step) {
        double w = Checks.warmup(step, warmupSteps);
        if (step < warmupSteps) {
            return peak * w;
        }
        long span = totalSteps - 1 - warmupSteps;
        double progress = span <= 0 ? 1.0 : Math.min(1.0, (double) (step - warmupSteps) / span);
        double cos = 0.5 * (1 + Math.cos(Math.PI * progress));
        return peak * (floorFraction + (1 - floorFraction) * cos);
    }
}
