package io.hyperp.scaling.transfer;

import io.hyperp.scaling.fit.Interval;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The learning rate predicted at a target scale from the optima measured at one or more base scales, with its
 * interval, from {@link LrPlanner}.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: SPEC sections 4 and 7; Efron and Tibshirani, An Introduction to the Bootstrap (1993).
 *
 * @param method how the bases were combined: "rule NAME" or "law in AXES" ("law constant" for none)
 * @param eta the predicted learning rate at the target
 * @param interval its interval at {@code level} ({@link Interval#UNKNOWN} when a base optimum has none)
 * @param level the confidence level of the base optima's intervals and of {@code interval}
 * @param bases the base scales, in the order given
 * @param weights d ln(eta) / d ln(eta*_i) for each base: how much each base's optimum moves the prediction
 * @param factors for a rule, the rule's factor from each base to the target; for a law, 1 each
 * @param target the target scale
 */
public record PlannedLr(
        String method,
        double eta,
        Interval interval,
        double level,
        List<Scale> bases,
        List<Double> weights,
        List<Double> factors,
        Scale target) {
    /**
     * Copies the lists.
     *
     * @param method how the bases were combined
     * @param eta the predicted learning rate
     * @param interval its interval
     * @param level the confidence level
     * @param bases the base scales
     * @param weights each base's weight in ln eta
     * @param factors each base's rule factor
     * @param target the target scale
     */
    public PlannedLr {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(target, "target");
        bases = List.copyOf(bases);
        weights = List.copyOf(weights);
        factors = List.copyOf(factors);
    }

    /**
     * Returns the prediction as an ordered map for {@link io.hyperp.scaling.io.Json}: {@code method}, {@code eta},
     * {@code ci_low}, {@code ci_high}, {@code level}, {@code weights}, {@code factors} (NaN becomes null).
     *
     * @return a new mutable map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("eta", eta);
        m.put("ci_low", interval.low());
        m.put("ci_high", interval.high());
        m.put("level", level);
        m.put("weights", new ArrayList<>(weights));
        m.put("factors", new ArrayList<>(factors));
        return m;
    }
}
