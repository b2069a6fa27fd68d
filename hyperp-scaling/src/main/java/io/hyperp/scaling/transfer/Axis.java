package io.hyperp.scaling.transfer;

import io.hyperp.scaling.internal.Checks;
import java.util.Locale;

/**
 * A scaling axis of a training run.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP), the axes over which the learning rate transfers.
 */
public enum Axis {
    /** Model width d_model. */
    WIDTH("width"),
    /** Number of layers. */
    DEPTH("depth"),
    /** Training tokens. */
    TOKENS("tokens"),
    /** Batch size in tokens per step. */
    BATCH("batch"),
    /** Parameter count. */
    PARAMS("params"),
    /** Number of experts. */
    EXPERTS("experts"),
    /** Routed experts per token. */
    TOP_K("top_k");

    private final String label;

    Axis(String label) {
        this.label = label;
    }

    /**
     * Returns the axis's name in CSV headers, sweep labels and JSON (lower case, e.g. "top_k").
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * Finds an axis by its label, ignoring case.
     *
     * @param label the label, e.g. "depth"
     * @return the axis
     * @throws IllegalArgumentException for an unknown label, listing the known ones
     */
    public static Axis fromLabel(String label) {
        for (Axis a : values()) {
            if (a.label.equalsIgnoreCase(label.trim())) {
                return a;
            }
        }
        StringBuilder known = new StringBuilder();
        for (Axis a : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(a.label);
        }
        throw Checks.iae("unknown axis '%s' (known: %s)", label, known);
    }

    @Override
    public String toString() {
        return label.toLowerCase(Locale.ROOT);
    }
}
