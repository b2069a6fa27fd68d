package io.hyperp.scaling.io;

import io.hyperp.scaling.internal.Checks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal JSON writer for result maps.
 *
 * <p>Accepted values: {@code null}; {@link Boolean}; {@link Number} (integral types as integers,
 * {@code float}/{@code double} via {@link Double#toString(double)}, NaN and infinities as {@code null});
 * {@link CharSequence}, {@link Enum} and {@link Character} as strings; {@link Optional} as its value or
 * {@code null}; {@link Map} (keys via {@code toString()}, in iteration order); {@link Iterable};
 * {@code double[]}, {@code int[]}, {@code long[]} and object arrays. Anything else is rejected.
 *
 * <p>Stateless and thread-safe. Not a parser: tests read the output back with a real JSON library.
 *
 * <p>References: RFC 8259, The JavaScript Object Notation (JSON) Data Interchange Format.
 */
public final class Json {
    private static final String INDENT = "  ";

    private Json() {}

    /**
     * Writes {@code value} as indented JSON (two spaces, one member per line), ending without a newline.
     *
     * @param value the value
     * @return the JSON text
     * @throws IllegalArgumentException for a value of an unsupported type
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value, 0, true);
        return out.toString();
    }

    /**
     * Writes {@code value} as JSON on one line.
     *
     * @param value the value
     * @return the JSON text
     * @throws IllegalArgumentException for a value of an unsupported type
     */
    public static String writeCompact(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value, 0, false);
        return out.toString();
    }

    /**
     * Writes {@code value} as indented JSON, followed by a newline, to a UTF-8 file (replacing it).
     *
     * @param value the value
     * @param file the file
     * @throws IllegalArgumentException for a value of an unsupported type
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void write(Object value, Path file) {
        String text = write(value) + System.lineSeparator();
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void append(StringBuilder out, Object value, int depth, boolean pretty) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Double || value instanceof Float) {
            number(out, ((Number) value).doubleValue());
        } else if (value instanceof Number n) {
            out.append(n.toString());
        } else if (value instanceof CharSequence || value instanceof Character || value instanceof Enum<?>) {
            string(out, value.toString());
        } else if (value instanceof Optional<?> o) {
            append(out, o.orElse(null), depth, pretty);
        } else if (value instanceof Map<?, ?> map) {
            object(out, map, depth, pretty);
        } else if (value instanceof Iterable<?> it) {
            array(out, it, depth, pretty);
        } else if (value instanceof double[] a) {
            array(out, java.util.Arrays.stream(a).boxed().toList(), depth, pretty);
        } else if (value instanceof int[] a) {
            array(out, java.util.Arrays.stream(a).boxed().toList(), depth, pretty);
        } else if (value instanceof long[] a) {
            array(out, java.util.Arrays.stream(a).boxed().toList(), depth, pretty);
        } else if (value instanceof Object[] a) {
            array(out, java.util.Arrays.asList(a), depth, pretty);
        } else {
            throw Checks.iae("cannot write a %s as JSON", value.getClass().getName());
        }
    }

    private static void number(StringBuilder out, double v) {
        if (Double.isFinite(v)) {
            out.append(Double.toString(v));
        } else {
            out.append("null");
        }
    }

    private static void object(StringBuilder out, Map<?, ?> map, int depth, boolean pretty) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newline(out, depth + 1, pretty);
            string(out, String.valueOf(e.getKey()));
            out.append(pretty ? ": " : ":");
            append(out, e.getValue(), depth + 1, pretty);
        }
        newline(out, depth, pretty);
        out.append('}');
    }

    private static void array(StringBuilder out, Iterable<?> items, int depth, boolean pretty) {
        if (!items.iterator().hasNext()) {
            out.append("[]");
            return;
        }
        boolean scalars = true;
        for (Object o : items) {
            if (o instanceof Map<?, ?>
                    || o instanceof Iterable<?>
                    || (o != null && o.getClass().isArray())) {
                scalars = false;
                break;
            }
        }
        out.append('[');
        boolean first = true;
        for (Object o : items) {
            if (!first) {
                out.append(scalars && pretty ? ", " : ",");
            }
            first = false;
            if (!scalars) {
                newline(out, depth + 1, pretty);
            }
            append(out, o, depth + 1, pretty);
        }
        if (!scalars) {
            newline(out, depth, pretty);
        }
        out.append(']');
    }

    private static void newline(StringBuilder out, int depth, boolean pretty) {
        if (pretty) {
            out.append('\n');
            out.append(INDENT.repeat(depth));
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
