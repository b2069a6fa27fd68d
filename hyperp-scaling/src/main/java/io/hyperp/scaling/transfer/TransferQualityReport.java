package io.hyperp.scaling.transfer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three transfer-quality metrics together; a metric that was not measured is null.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Kalra and Barkeshli, arXiv 2605.21486; SPEC section 7.
 *
 * @param fitQuality leave-one-out fit quality, or null
 * @param extrapolation extrapolation robustness at a held-out scale, or null
 * @param penalty asymptotic penalty against a reference parameterization, or null
 */
public record TransferQualityReport(
        FitQuality fitQuality, ExtrapolationRobustness extrapolation, AsymptoticPenalty penalty) {

    /**
     * Returns the report as an ordered map for {@link io.hyperp.scaling.io.Json}; unmeasured metrics are null.
     *
     * @return keys fit_quality, extrapolation, asymptotic_penalty
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fit_quality", fitQuality == null ? null : fitQuality.toMap());
        m.put("extrapolation", extrapolation == null ? null : extrapolation.toMap());
        m.put("asymptotic_penalty", penalty == null ? null : penalty.toMap());
        return m;
    }
}
