package io.hyperp.sweep;

import java.util.Locale;

/** How a cell ended. */
public enum CellStatus {
    /** Trained to the end with finite losses. */
    OK,
    /** A loss became non-finite (or crossed the trainer's divergence threshold): a result, never retried. */
    DIVERGED,
    /** The trainer threw on every attempt; the result carries the last reason. */
    FAILED;

    /** The lower-case label used in files: {@code ok}, {@code diverged}, {@code failed}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The status with a given label.
     *
     * @throws IllegalArgumentException naming the label if it is none of {@code ok}, {@code diverged},
     *                                  {@code failed}
     */
    public static CellStatus ofLabel(String label) {
        for (CellStatus s : values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                String.format(Locale.ROOT, "status '%s' must be one of ok, diverged, failed", label));
    }
}
