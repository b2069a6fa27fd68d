package io.hyperp.scaling.transfer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A transferred learning rate with each factor's axis and reason, from {@link PlanningRule#transfer}.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: SPEC sections 4, 7 and 8.
 *
 * @param result the rule's result (eta and the factors by axis)
 * @param factors every axis the rule covers, in axis order, with its reason
 * @param notes further sentences (other parameter groups' rates, model settings the rule needs)
 */
public record ExplainedTransfer(TransferResult result, List<AxisFactor> factors, List<String> notes) {
    /**
     * Copies the lists.
     *
     * @param result the rule's result
     * @param factors the explained factors
     * @param notes further sentences
     */
    public ExplainedTransfer {
        Objects.requireNonNull(result, "result");
        factors = List.copyOf(factors);
        notes = List.copyOf(notes);
    }

    /**
     * Returns the learning rate at the target.
     *
     * @return eta
     */
    public double eta() {
        return result.eta();
    }

    /**
     * Returns the result as an ordered map for {@link io.hyperp.scaling.io.Json}: the keys of
     * {@link TransferResult#toMap()}, then {@code axes} (see {@link AxisFactor#toMap()}) and {@code notes}.
     *
     * @return a new mutable map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(result.toMap());
        List<Object> axes = new ArrayList<>();
        for (AxisFactor f : factors) {
            axes.add(f.toMap());
        }
        m.put("axes", axes);
        m.put("notes", notes);
        return m;
    }
}
