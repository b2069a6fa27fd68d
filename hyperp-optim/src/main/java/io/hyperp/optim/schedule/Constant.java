package io.hyperp.optim.schedule;

/**
 * A constant learning rate.
 *
 * @param peak the rate, finite and >= 0
 */
public record Constant(double peak) implements LrSchedule {
    /** Validates the rate. */
    public Constant {
        Checks.checkPeak(peak);
    }

    @Override
    public double lr(long step) {
        Checks.warmup(step, 0);
        return peak;
    }
}
