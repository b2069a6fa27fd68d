package io.hyperp.scaling.sweep;

import io.hyperp.scaling.internal.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of a sweep: its learning rate, its final (or evaluated) loss and its labels.
 *
 * <p>A loss of NaN or +infinity marks a diverged run; fitters exclude such points by their documented rules.
 * Labels keep their insertion order. Immutable and thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP).
 *
 * @param learningRate the base learning rate, finite and positive
 * @param loss the loss, finite, NaN or +infinity
 * @param labels label name to value, names non-blank, values non-null (copied)
 */
public record SweepPoint(double learningRate, double loss, Map<String, String> labels) {
    /** Label for the model width (d_model). */
    public static final String WIDTH = "width";
    /** Label for the depth (number of layers). */
    public static final String DEPTH = "depth";
    /** Label for the training tokens. */
    public static final String TOKENS = "tokens";
    /** Label for the batch size in tokens per step. */
    public static final String BATCH = "batch";
    /** Label for the parameter count. */
    public static final String PARAMS = "params";
    /** Label for the number of experts. */
    public static final String EXPERTS = "experts";
    /** Label for the number of routed experts per token. */
    public static final String TOP_K = "top_k";
    /** Label for the random seed. */
    public static final String SEED = "seed";

    /**
     * Validates and copies.
     *
     * @param learningRate the base learning rate, finite and positive
     * @param loss the loss, finite, NaN or +infinity
     * @param labels label name to value, names non-blank, values non-null (copied)
     * @throws IllegalArgumentException if the learning rate is not finite and positive, the loss is -infinity,
     *     or a label name is blank or a label value null
     */
    public SweepPoint {
        Checks.positive(learningRate, "learningRate");
        if (loss == Double.NEGATIVE_INFINITY) {
            throw Checks.iae("loss (%s) must be finite, NaN or +Infinity", loss);
        }
        if (labels == null) {
            throw Checks.iae("labels must not be null");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw Checks.iae("label name '%s' must not be blank", e.getKey());
            }
            if (e.getValue() == null) {
                throw Checks.iae("label '%s' has a null value", e.getKey());
            }
            copy.put(e.getKey(), e.getValue());
        }
        labels = Collections.unmodifiableMap(copy);
    }

    /**
     * Creates an unlabelled point.
     *
     * @param learningRate the learning rate
     * @param loss the loss
     * @return the point
     */
    public static SweepPoint of(double learningRate, double loss) {
        return new SweepPoint(learningRate, loss, Map.of());
    }

    /**
     * Creates a labelled point.
     *
     * @param learningRate the learning rate
     * @param loss the loss
     * @param labels labels (copied)
     * @return the point
     */
    public static SweepPoint of(double learningRate, double loss, Map<String, String> labels) {
        return new SweepPoint(learningRate, loss, labels);
    }

    /**
     * Returns a copy with one label added or replaced.
     *
     * @param name label name
     * @param value label value
     * @return the new point
     */
    public SweepPoint withLabel(String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(labels);
        m.put(name, value);
        return new SweepPoint(learningRate, loss, m);
    }

    /**
     * Returns a copy with one numeric label added or replaced, written with {@link #format(double)}.
     *
     * @param name label name
     * @param value label value
     * @return the new point
     */
    public SweepPoint withLabel(String name, double value) {
        return withLabel(name, format(value));
    }

    /**
     * Returns whether the run diverged (loss NaN or +infinity).
     *
     * @return true for a non-finite loss
     */
    public boolean isDiverged() {
        return !Double.isFinite(loss);
    }

    /**
     * Returns a label's value.
     *
     * @param name label name
     * @return the value
     * @throws IllegalArgumentException if the label is absent
     */
    public String label(String name) {
        String v = labels.get(name);
        if (v == null) {
            throw Checks.iae("point (lr %s) has no label '%s' (labels: %s)", learningRate, name, labels.keySet());
        }
        return v;
    }

    /**
     * Returns a label read as a finite number.
     *
     * @param name label name
     * @return the value
     * @throws IllegalArgumentException if the label is absent, not a number or not finite
     */
    public double numeric(String name) {
        String v = label(name);
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw Checks.iae("label '%s' (%s) must be finite", name, v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw Checks.iae("label '%s' ('%s') is not a number", name, v);
        }
    }

    /**
     * Returns the point as an ordered map for {@link io.hyperp.scaling.io.Json}: {@code lr}, {@code loss} (null
     * when diverged) and {@code labels}.
     *
     * @return a new mutable map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", learningRate);
        m.put("loss", loss);
        m.put("labels", new LinkedHashMap<>(labels));
        return m;
    }

    /**
     * Formats a number for a label: integers without a decimal point (8, not 8.0), others with
     * {@link Double#toString(double)}.
     *
     * @param value the number
     * @return its text
     */
    public static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
