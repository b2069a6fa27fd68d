package io.hyperp.optim.schedule;

/**
 * Warmup-stable-decay: linear warmup, a stable phase at the peak, then a linear decay over
 * {@code decaySteps} to {@code floorFraction * peak}, and the floor after: with \(s = w + \)
 * {@code stableSteps}, for \(t \ge s\), \(\eta_t = \eta (1 - (1-f)\min(1, (t-s+1)/D))\). Used by the
 * fitting paradigm (arXiv 2601.05049) so that one long run with decays at several budgets replaces a
 * sweep per budget (restore a stable-phase checkpoint with
 * {@link io.hyperp.optim.Optimizer#restoreWithNewSchedule} into an optimizer whose schedule decays there).
 *
 * <p>References: Hu et al., <i>MiniCPM</i> (warmup-stable-decay); Zhou et al., arXiv 2601.05049.
 *
 * @param peak          the peak rate
 * @param warmupSteps   warmup steps (>= 0)
 * @param stableSteps   steps at the peak (>= 0)
 * @param decaySteps    decay steps (>= 1)
 * @param floorFraction the final rate as a fraction of the peak
 */
public record WarmupStableDecay(double peak, long warmupSteps, long stableSteps, long decaySteps, double floorFraction)
        implements LrSchedule {
    /** Validates the fields. */
    public WarmupStableDecay {
        Checks.checkPeak(peak);
        Checks.checkSteps("warmupSteps", warmupSteps, 0);
        Checks.checkSteps("stableSteps", stableSteps, 0);
        Checks.checkSteps("decaySteps", decaySteps, 1);
        Checks.checkFloor(floorFraction);
    }

    @Override
    public double lr(long step) {
        double w = Checks.warmup(step, warmupSteps);
        if (step < warmupSteps) {
            return peak * w;
        }
        long decayStart = warmupSteps + stableSteps;
        if (step < decayStart) {
            return peak;
        }
        double progress = Math.min(1.0, (double) (step - decayStart + 1) / decaySteps);
        return peak * (1.0 - (1.0 - floorFraction) * progress);
    }
}
