package io.hyperp.scaling.fit;

/**
 * What a bootstrap did: its settings and how many resamples failed (degenerate design, non-convergence,
 * or a refit the estimator refuses, such as a non-convex sweep).
 *
 * <p>Intervals are (expanded) percentiles of the successful resamples only. Immutable and thread-safe.
 *
 * <p>References: Efron and Tibshirani, An Introduction to the Bootstrap (1993), chapter 13.
 *
 * @param method resampling method
 * @param resamples resamples drawn
 * @param failures resamples whose refit failed
 * @param level nominal confidence level
 * @param percentileLevel level at which the percentiles were read (the expanded percentile interval; equals
 *     {@code level} with no expansion)
 * @param seed seed used
 */
public record BootstrapSummary(
        BootstrapMethod method, int resamples, int failures, double level, double percentileLevel, long seed) {
    /**
     * Builds the summary for given options.
     *
     * @param options the options used
     * @param failures failed resamples
     * @param percentileLevel level at which the percentiles were read
     * @return the summary
     */
    public static BootstrapSummary of(BootstrapOptions options, int failures, double percentileLevel) {
        return new BootstrapSummary(
                options.method(), options.resamples(), failures, options.level(), percentileLevel, options.seed());
    }

    /**
     * Builds the summary of a bootstrap that was not run.
     *
     * @param options the options that would have been used
     * @return a summary with zero resamples
     */
    public static BootstrapSummary none(BootstrapOptions options) {
        return new BootstrapSummary(options.method(), 0, 0, options.level(), options.level(), options.seed());
    }
}
