package io.hyperp.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain text table with left-aligned columns separated by two spaces, and the number format used in tables.
 *
 * <p>Not thread-safe (mutable while rows are added).
 *
 * <p>References: none (command-line plumbing).
 */
final class TextTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    private TextTable(List<String> header) {
        this.header = header;
    }

    static TextTable of(String... header) {
        return new TextTable(List.of(header));
    }

    static TextTable of(List<String> header) {
        return new TextTable(List.copyOf(header));
    }

    TextTable row(String... cells) {
        return row(Arrays.asList(cells));
    }

    TextTable row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalStateException("row has " + cells.size() + " cells, header has " + header.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    void print(PrintWriter out) {
        int[] width = new int[header.size()];
        for (int j = 0; j < width.length; j++) {
            width[j] = header.get(j).length();
            for (List<String> r : rows) {
                width[j] = Math.max(width[j], r.get(j).length());
            }
        }
        line(out, header, width);
        for (List<String> r : rows) {
            line(out, r, width);
        }
        out.flush();
    }

    private static void line(PrintWriter out, List<String> cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < cells.size(); j++) {
            String c = cells.get(j);
            sb.append(c);
            if (j < cells.size() - 1) {
                sb.append(" ".repeat(width[j] - c.length() + 2));
            }
        }
        out.println(sb.toString().stripTrailing());
    }

    /**
     * Formats a number for a table: whole numbers below 1e7 exactly; otherwise 4 significant digits without
     * trailing zeros, plain between 1e-4 and 1e6 and as {@code 1.947e11} outside; "-" for NaN, "inf" for infinity.
     *
     * @param v the number
     * @return its text
     */
    static String num(double v) {
        return num(v, 4);
    }

    /**
     * Formats a number with a given number of significant digits (see {@link #num(double)}).
     *
     * @param v the number
     * @param digits significant digits
     * @return its text
     */
    static String num(double v, int digits) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return "0";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e7) {
            return Long.toString((long) v);
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros();
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e6) {
            return d.toPlainString();
        }
        int exponent = d.precision() - d.scale() - 1;
        BigDecimal mantissa = d.movePointLeft(exponent).stripTrailingZeros();
        return mantissa.toPlainString() + "e" + exponent;
    }
}
