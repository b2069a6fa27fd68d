package io.hyperp.optim.schedule;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Optional linear warmup, then a linear decay from the peak to {@code floorFraction * peak} at the last
 * step: for \(w \le t \le T-1\), \(\eta_t = \eta (1 - (1-f)\,(t-w)/(T-1-w))\); after the run, the floor.
 * During warmup \(\eta_t = \eta (t+1)/w\).
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP decays linearly to 0.1 of the peak, no warmup).
 *
 * @param peak          the peak rate
 * @param warmupSteps   warmup steps (>= 0)
 * @param totalSteps    total steps of the run (> warmupSteps)
 * @param floorFraction the final rate as a fraction of the peak (HyperP: 0.1)
 */
public record LinearDecay(double peak, long warmupSteps, long totalSteps, double floorFraction) implements LrSchedule {

    /** HyperP's floor: the run ends at 0.1 of the peak (SPEC 4). */
    public static final double HYPERP_FLOOR = 0.1;

    /** Validates the fields. */
    public LinearDecay {
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
        return peak * (1.0 - (1.0 - floorFraction) * progress);
    }
}
