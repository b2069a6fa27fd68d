package io.hyperp.scaling.transfer;

import io.hyperp.scaling.internal.Checks;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where a run sits on the scaling axes: a value per axis, for the axes that are known.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP).
 *
 * @param values axis to value, each finite and positive (copied)
 */
public record Scale(Map<Axis, Double> values) {
    /**
     * Validates and copies.
     *
     * @param values axis to value, each finite and positive (copied)
     * @throws IllegalArgumentException for a null or non-positive value
     */
    public Scale {
        EnumMap<Axis, Double> copy = new EnumMap<>(Axis.class);
        for (Map.Entry<Axis, Double> e : values.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw Checks.iae("scale entries must not be null");
            }
            Checks.positive(e.getValue(), e.getKey().label());
            copy.put(e.getKey(), e.getValue());
        }
        values = Collections.unmodifiableMap(copy);
    }

    /**
     * Returns the empty scale.
     *
     * @return a scale with no axes
     */
    public static Scale of() {
        return new Scale(Map.of());
    }

    /**
     * Returns a scale with one axis.
     *
     * @param axis the axis
     * @param value its value, positive
     * @return the scale
     */
    public static Scale of(Axis axis, double value) {
        return of().with(axis, value);
    }

    /**
     * Reads the axes found among labels (by {@link Axis#label()}); other labels are ignored.
     *
     * @param labels label name to value, e.g. a sweep point's labels
     * @return the scale
     * @throws IllegalArgumentException if an axis label is not a positive number
     */
    public static Scale fromLabels(Map<String, String> labels) {
        EnumMap<Axis, Double> m = new EnumMap<>(Axis.class);
        for (Axis a : Axis.values()) {
            String v = labels.get(a.label());
            if (v != null) {
                try {
                    m.put(a, Double.parseDouble(v.trim()));
                } catch (NumberFormatException e) {
                    throw Checks.iae("label '%s' ('%s') is not a number", a.label(), v);
                }
            }
        }
        return new Scale(m);
    }

    /**
     * Returns a copy with one axis set.
     *
     * @param axis the axis
     * @param value its value, positive
     * @return the new scale
     */
    public Scale with(Axis axis, double value) {
        EnumMap<Axis, Double> m = new EnumMap<>(Axis.class);
        m.putAll(values);
        m.put(axis, value);
        return new Scale(m);
    }

    /**
     * Returns whether an axis is known.
     *
     * @param axis the axis
     * @return true if present
     */
    public boolean has(Axis axis) {
        return values.containsKey(axis);
    }

    /**
     * Returns an axis's value.
     *
     * @param axis the axis
     * @return the value
     * @throws IllegalArgumentException if the axis is absent
     */
    public double get(Axis axis) {
        Double v = values.get(axis);
        if (v == null) {
            throw Checks.iae("scale has no %s (has: %s)", axis.label(), values.keySet());
        }
        return v;
    }
}
