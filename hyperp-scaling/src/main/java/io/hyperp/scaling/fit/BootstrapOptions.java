package io.hyperp.scaling.fit;

import io.hyperp.scaling.internal.Checks;

/**
 * Settings of a seeded percentile bootstrap.
 *
 * <p>Immutable and thread-safe. Resampling uses {@link java.util.SplittableRandom} seeded with
 * {@link #seed()}, so equal options and data give equal intervals.
 *
 * <p>References: Efron and Tibshirani, An Introduction to the Bootstrap (1993), chapter 13.
 *
 * @param resamples number of bootstrap resamples B; 0 disables the bootstrap (intervals are NaN)
 * @param level two-sided confidence level of the percentile interval, in (0, 1)
 * @param seed seed of the resampling generator
 * @param method how resamples are drawn
 */
public record BootstrapOptions(int resamples, double level, long seed, BootstrapMethod method) {
    /** Default number of resamples. */
    public static final int DEFAULT_RESAMPLES = 1000;
    /** Default confidence level. */
    public static final double DEFAULT_LEVEL = 0.95;
    /** Default seed. */
    public static final long DEFAULT_SEED = 20260331L;

    /**
     * Validates the settings.
     *
     * @param resamples number of bootstrap resamples B; 0 disables the bootstrap (intervals are NaN)
     * @param level two-sided confidence level of the percentile interval, in (0, 1)
     * @param seed seed of the resampling generator
     * @param method how resamples are drawn
     * @throws IllegalArgumentException if resamples is negative, level is outside (0, 1) or NaN, or method is
     *     null
     */
    public BootstrapOptions {
        if (resamples < 0) {
            throw Checks.iae("resamples (%d) must be non-negative", resamples);
        }
        if (!(level > 0 && level < 1)) {
            throw Checks.iae("level (%s) must lie strictly between 0 and 1", level);
        }
        if (method == null) {
            throw Checks.iae("method must not be null");
        }
    }

    /**
     * Returns the defaults: 1000 residual resamples, 95% level, seed 20260331.
     *
     * @return the default options
     */
    public static BootstrapOptions defaults() {
        return new BootstrapOptions(DEFAULT_RESAMPLES, DEFAULT_LEVEL, DEFAULT_SEED, BootstrapMethod.RESIDUAL);
    }

    /**
     * Returns a copy with another number of resamples.
     *
     * @param value resamples, &gt;= 0
     * @return new options
     */
    public BootstrapOptions withResamples(int value) {
        return new BootstrapOptions(value, level, seed, method);
    }

    /**
     * Returns a copy with another confidence level.
     *
     * @param value level in (0, 1)
     * @return new options
     */
    public BootstrapOptions withLevel(double value) {
        return new BootstrapOptions(resamples, value, seed, method);
    }

    /**
     * Returns a copy with another seed.
     *
     * @param value seed
     * @return new options
     */
    public BootstrapOptions withSeed(long value) {
        return new BootstrapOptions(resamples, level, value, method);
    }

    /**
     * Returns a copy with another resampling method.
     *
     * @param value method
     * @return new options
     */
    public BootstrapOptions withMethod(BootstrapMethod value) {
        return new BootstrapOptions(resamples, level, seed, value);
    }
}
