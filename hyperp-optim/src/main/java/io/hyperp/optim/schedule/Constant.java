package io.hyperp.optim.schedule;

/**
 * A constant learning rate.
 *
 * @param peak the rate, finite and >= 0
 */
public record Constant(double peak) implements LrSchedule {
    /** Validates the rate. */
    public Constant {
        LrSchedule.checkPeak(peak);
    }

    @Override
    public double lr(long step) {
        LrSchedule.warmup(step, 0);
        return peak;
    }
}
