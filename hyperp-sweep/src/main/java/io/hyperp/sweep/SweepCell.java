package io.hyperp.sweep;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One cell of a {@link SweepPlan}: a value for each axis, the plan's trainer and settings, a stable id
 * and a seed derived from the id.
 *
 * <p>The id is a function of the trainer, the settings and the axis values only (not of the cell's
 * position), so a cell keeps its id when a plan grows, and a changed setting gives new ids (a resumed
 * sweep never mixes results of different settings). Immutable and serializable, so engines may ship
 * cells to other processes.
 *
 * @param index    position in the plan's order (0-based)
 * @param id       stable id: 16 hex digits of a SHA-256 of trainer, settings and values
 * @param seed     a seed derived from the id, for trainers that need one per cell
 * @param values   the axis values in the plan's axis order, in canonical form (numbers as
 *                 {@link Long#toString(long)} or {@link Double#toString(double)})
 * @param trainer  the trainer's name or class name
 * @param settings the plan's settings shared by every cell, sorted by name
 */
public record SweepCell(
        int index, String id, long seed, Map<String, String> values, String trainer, Map<String, String> settings)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Copies the maps (keeping the axis order). */
    public SweepCell {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(trainer, "trainer");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        settings = Collections.unmodifiableMap(new java.util.TreeMap<>(settings));
    }

    /** The cell's values as {@code axis=value} pairs joined by commas, in axis order. */
    public String key() {
        return values.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /**
     * The value of an axis.
     *
     * @throws IllegalArgumentException naming the axis and the cell's axes if the cell has no such axis
     */
    public String value(String axis) {
        String v = values.get(axis);
        if (v == null) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "cell %s has no axis '%s' (axes: %s)", id, axis, values.keySet()));
        }
        return v;
    }

    /** The value of an axis as a double; IAE naming the axis if it is missing or not a number. */
    public double doubleValue(String axis) {
        String v = value(axis);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "axis '%s': expected a number, found '%s'", axis, v), e);
        }
    }

    /** The value of an axis as an int; IAE naming the axis if it is missing or not an integer. */
    public int intValue(String axis) {
        long v = longValue(axis);
        if (v != (int) v) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "axis '%s': %d is out of the int range", axis, v));
        }
        return (int) v;
    }

    /** The value of an axis as a long; IAE naming the axis if it is missing or not an integer. */
    public long longValue(String axis) {
        String v = value(axis);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "axis '%s': expected an integer, found '%s'", axis, v), e);
        }
    }

    /** A setting of the plan, or {@code fallback} if the plan does not set it. */
    public String setting(String name, String fallback) {
        return settings.getOrDefault(name, fallback);
    }
}
