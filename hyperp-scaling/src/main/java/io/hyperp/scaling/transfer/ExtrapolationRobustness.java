package io.hyperp.scaling.transfer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Transfer-quality metric 2, extrapolation robustness: the excess loss of a predicted learning rate at a
 * held-out larger scale, read off that scale's fitted quadratic basin,
 * \( L(\eta_{pred}) - L(\eta^*) = a (\ln\eta_{pred} - \ln\eta^*)^2 \).
 *
 * <p>When the prediction lies outside the held-out sweep's range, the basin is extrapolated and
 * {@link #predictionInsideSweep()} is false: treat the excess loss as indicative only. Immutable and
 * thread-safe.
 *
 * <p>References: Kalra and Barkeshli, arXiv 2605.21486; SPEC section 7.
 *
 * @param etaPredicted the transferred or predicted learning rate
 * @param etaStar the held-out scale's fitted optimum
 * @param lnRatio ln(etaPredicted / etaStar)
 * @param excessLoss the excess loss, non-negative
 * @param predictionInsideSweep whether etaPredicted lies within the held-out sweep's learning rates
 * @param predictionInsideInterval whether etaPredicted lies within eta*'s bootstrap interval
 */
public record ExtrapolationRobustness(
        double etaPredicted,
        double etaStar,
        double lnRatio,
        double excessLoss,
        boolean predictionInsideSweep,
        boolean predictionInsideInterval) {

    /**
     * Returns the metric as an ordered map for {@link io.hyperp.scaling.io.Json}.
     *
     * @return keys eta_predicted, eta_star, ln_ratio, excess_loss, inside_sweep, inside_interval
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eta_predicted", etaPredicted);
        m.put("eta_star", etaStar);
        m.put("ln_ratio", lnRatio);
        m.put("excess_loss", excessLoss);
        m.put("inside_sweep", predictionInsideSweep);
        m.put("inside_interval", predictionInsideInterval);
        return m;
    }
}
