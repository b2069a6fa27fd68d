package io.hyperp.scaling.fit;

/**
 * What a bootstrap did: its settings and how many resamples failed (degenerate design, non-convergence,
 * or a refit the estimator refuses, such as a non-convex sweep).
 *
 * <p>Intervals are percentiles of the successful resamples only. Immutable and thread-safe.
 *
 * @param method resampling method
 * @param resamples resamples drawn
 * @param failures resamples whose refit failed
 * @param level confidence level
 * @param seed seed used
 *
 * <p>References: Efron and Tibshirani, An Introduction to the Bootstrap (1993), chapter 13.
 */
public record BootstrapSummary(BootstrapMethod method, int resamples, int failures, double level, long seed) {
  /**
   * Builds the summary for given options.
   *
   * @param options the options used
   * @param failures failed resamples
   * @return the summary
   */
  public static BootstrapSummary of(BootstrapOptions options, int failures) {
    return new BootstrapSummary(options.method(), options.resamples(), failures, options.level(), options.seed());
  }
}
