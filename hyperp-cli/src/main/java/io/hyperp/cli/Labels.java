package io.hyperp.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Helpers for group labels in output: JSON values (numbers when the text is a number) and a short text form.
 *
 * <p>Stateless and thread-safe.
 *
 * <p>References: none (command-line plumbing).
 */
final class Labels {
    private Labels() {}

    /**
     * Returns the labels as a JSON-ready map: integers and finite decimals as numbers, other text as strings.
     *
     * @param labels label name to text
     * @return a new ordered map
     */
    static Map<String, Object> jsonValues(Map<String, String> labels) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : labels.entrySet()) {
            m.put(e.getKey(), value(e.getValue()));
        }
        return m;
    }

    private static Object value(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            // not an integer
        }
        try {
            double d = Double.parseDouble(text);
            if (Double.isFinite(d)
                    && !text.endsWith("d")
                    && !text.endsWith("f")
                    && !text.endsWith("D")
                    && !text.endsWith("F")) {
                return d;
            }
        } catch (NumberFormatException e) {
            // not a number
        }
        return text;
    }

    /**
     * Returns the labels as text, such as "width=64, depth=8", or "(all)" for no labels.
     *
     * @param labels label name to text
     * @return the text
     */
    static String text(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "(all)";
        }
        StringJoiner j = new StringJoiner(", ");
        labels.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }
}
