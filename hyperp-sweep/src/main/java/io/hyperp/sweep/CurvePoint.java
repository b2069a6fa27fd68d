package io.hyperp.sweep;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One evaluation of a training run.
 *
 * @param step           optimizer steps taken before it
 * @param trainLoss      mean training loss since the previous evaluation (may be NaN)
 * @param validationLoss validation loss (may be NaN or infinite when the run diverged)
 * @param indicators     stability indicators by name (for example {@code attention_z}), kept sorted by
 *                       name; values may be NaN
 */
public record CurvePoint(int step, double trainLoss, double validationLoss, Map<String, Double> indicators) {

    /** Copies the indicators into a name-sorted, unmodifiable map. */
    public CurvePoint {
        Objects.requireNonNull(indicators, "indicators");
        if (step < 0) {
            throw new IllegalArgumentException("step (" + step + ") must be >= 0");
        }
        indicators = java.util.Collections.unmodifiableMap(new TreeMap<>(indicators));
    }
}
