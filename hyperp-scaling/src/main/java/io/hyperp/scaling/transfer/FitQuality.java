package io.hyperp.scaling.transfer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Transfer-quality metric 1, fit quality: leave-one-out errors of a fitted law's eta* predictions, on the log
 * scale, \( e_i = \ln \hat\eta^*_{-i} - \ln \eta^*_i \) (so 0.1 means 10.5% too high).
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Kalra and Barkeshli, Quantifying Hyperparameter Transfer (arXiv 2605.21486); SPEC section 7.
 *
 * @param axes the law's predictors (empty: a constant law, i.e. the same eta at every scale)
 * @param lnErrors the leave-one-out errors, in point order
 * @param rmsLnError root mean square of the errors
 * @param maxAbsLnError largest absolute error
 * @param meanLnError mean error (bias)
 */
public record FitQuality(
        List<Axis> axes, List<Double> lnErrors, double rmsLnError, double maxAbsLnError, double meanLnError) {
    /**
     * Copies the lists.
     *
     * @param axes the law's predictors (empty: a constant law, i.e. the same eta at every scale)
     * @param lnErrors the leave-one-out errors, in point order
     * @param rmsLnError root mean square of the errors
     * @param maxAbsLnError largest absolute error
     * @param meanLnError mean error (bias)
     */
    public FitQuality {
        axes = List.copyOf(axes);
        lnErrors = List.copyOf(lnErrors);
    }

    /**
     * Returns the metric as an ordered map for {@link io.hyperp.scaling.io.Json}.
     *
     * @return keys axes, points, rms_ln_error, max_abs_ln_error, mean_ln_error, ln_errors
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (Axis a : axes) {
            names.add(a.label());
        }
        m.put("axes", names);
        m.put("points", lnErrors.size());
        m.put("rms_ln_error", rmsLnError);
        m.put("max_abs_ln_error", maxAbsLnError);
        m.put("mean_ln_error", meanLnError);
        m.put("ln_errors", lnErrors);
        return m;
    }
}
