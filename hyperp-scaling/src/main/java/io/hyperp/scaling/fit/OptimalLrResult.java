package io.hyperp.scaling.fit;

import io.hyperp.scaling.sweep.SweepPoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimal learning rate of one sweep, or the refusal to name one.
 *
 * <p>When {@link #status()} is a refusal other than {@link OptimalLrStatus#UNRESOLVED}, {@link #etaStar()},
 * {@link #lossMin()} and the intervals are NaN and {@link #message()} says why and how to widen the sweep; the
 * basin is still reported when it could be fitted (for diagnostics). An unresolved result keeps its point
 * estimate and its too-wide interval for diagnostics, and its message says how to pin the optimum down. An
 * accepted result has an empty message, unless it used {@link OptimalLrEstimator#LOCAL_QUADRATIC}: then the
 * message says why the full quadratic was set aside. Immutable and thread-safe.
 *
 * <p>References: Zhou et al., arXiv 2601.05049; SPEC section 7.
 *
 * @param status OK or the refusal reason
 * @param message empty when OK; otherwise a one-sentence refusal with a suggestion
 * @param etaStar the optimal learning rate exp(-b / 2a)
 * @param interval percentile bootstrap interval of eta*
 * @param lossMin fitted loss at eta*
 * @param lossMinInterval percentile bootstrap interval of the fitted minimum loss
 * @param basin the fitted quadratic in ln(lr)
 * @param r2 coefficient of determination of the quadratic on the kept points
 * @param lrMin smallest kept learning rate
 * @param lrMax largest kept learning rate
 * @param used the kept points
 * @param excluded the excluded points with reasons
 * @param bootstrap what the bootstrap did
 * @param estimator the quadratic that located the optimum (all kept points, or those around the minimum)
 */
public record OptimalLrResult(
        OptimalLrStatus status,
        String message,
        double etaStar,
        Interval interval,
        double lossMin,
        Interval lossMinInterval,
        QuadraticBasin basin,
        double r2,
        double lrMin,
        double lrMax,
        List<SweepPoint> used,
        List<Exclusion> excluded,
        BootstrapSummary bootstrap,
        OptimalLrEstimator estimator) {

    /**
     * Copies the lists.
     *
     * @param status OK or the refusal reason
     * @param message empty when OK; otherwise a one-sentence refusal with a suggestion
     * @param etaStar the optimal learning rate exp(-b / 2a)
     * @param interval percentile bootstrap interval of eta*
     * @param lossMin fitted loss at eta*
     * @param lossMinInterval percentile bootstrap interval of the fitted minimum loss
     * @param basin the fitted quadratic in ln(lr)
     * @param r2 coefficient of determination of the quadratic on the kept points
     * @param lrMin smallest kept learning rate
     * @param lrMax largest kept learning rate
     * @param used the kept points
     * @param excluded the excluded points with reasons
     * @param bootstrap what the bootstrap did
     * @param estimator the quadratic that located the optimum
     * @throws NullPointerException if the estimator is null
     */
    public OptimalLrResult {
        java.util.Objects.requireNonNull(estimator, "estimator");
        used = List.copyOf(used);
        excluded = List.copyOf(excluded);
    }

    /**
     * Returns whether an optimum was accepted.
     *
     * @return true when the status is {@link OptimalLrStatus#OK}
     */
    public boolean isOk() {
        return status == OptimalLrStatus.OK;
    }

    /**
     * Returns this result if it is OK, else throws.
     *
     * @return this
     * @throws IllegalArgumentException carrying the refusal message (the sweep given is inadequate)
     */
    public OptimalLrResult orElseThrow() {
        if (!isOk()) {
            throw new IllegalArgumentException(message);
        }
        return this;
    }

    /**
     * Returns the result as an ordered map for {@link io.hyperp.scaling.io.Json}: {@code eta_star, ci_low,
     * ci_high, loss_min, points} (kept points), then {@code status}, {@code refusal} (null when OK),
     * {@code excluded}, {@code curvature}, {@code r2}, {@code lr_min}, {@code lr_max}, {@code resamples},
     * {@code bootstrap_failures}, {@code estimator}, {@code note} (why the local quadratic was used, or null). NaN
     * values become JSON null.
     *
     * @return a new mutable map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eta_star", etaStar);
        m.put("ci_low", interval.low());
        m.put("ci_high", interval.high());
        m.put("loss_min", lossMin);
        m.put("points", used.size());
        m.put("status", status.name().toLowerCase(java.util.Locale.ROOT));
        m.put("refusal", isOk() ? null : message);
        m.put("excluded", excluded.size());
        m.put("curvature", basin.a());
        m.put("r2", r2);
        m.put("lr_min", lrMin);
        m.put("lr_max", lrMax);
        m.put("resamples", bootstrap.resamples());
        m.put("bootstrap_failures", bootstrap.failures());
        m.put("estimator", estimator.name().toLowerCase(java.util.Locale.ROOT));
        m.put("note", isOk() && !message.isEmpty() ? message : null);
        return m;
    }
}
