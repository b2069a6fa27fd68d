package io.hyperp.scaling.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Small numeric helpers: formatting for messages, sorted distinct values.
 *
 * <p>Stateless and thread-safe.
 *
 * <p>References: none (utility).
 */
public final class Numbers {
    private Numbers() {}

    /**
     * Formats a number to three significant digits without trailing zeros or exponent (0.064, 12.3, 2000).
     *
     * @param v the number
     * @return its text; "NaN" or "Infinity" for non-finite values
     */
    public static String g(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0) {
            return "0";
        }
        String s =
                new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
        return s.length() > 14 ? String.format(java.util.Locale.ROOT, "%.3g", v) : s;
    }

    /**
     * Formats a list of numbers with {@link #g(double)}, comma separated.
     *
     * @param values the numbers
     * @return the text
     */
    public static String g(List<Double> values) {
        List<String> parts = new ArrayList<>(values.size());
        for (double v : values) {
            parts.add(g(v));
        }
        return String.join(", ", parts);
    }

    /**
     * Returns the sorted distinct values of an array.
     *
     * @param values the values
     * @return a new sorted array without duplicates
     */
    public static double[] sortedDistinct(double[] values) {
        return java.util.Arrays.stream(values).sorted().distinct().toArray();
    }
}
