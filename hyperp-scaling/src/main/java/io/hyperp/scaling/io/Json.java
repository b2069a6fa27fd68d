package io.hyperp.scaling.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.hyperp.scaling.internal.Checks;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON writer for result maps, over Jackson's streaming {@link JsonGenerator}.
 *
 * <p>Accepted values: {@code null}; {@link Boolean}; {@link Number} (integral types as integers,
 * {@code float}/{@code double} via {@link Double#toString(double)}, NaN and infinities as {@code null});
 * {@link CharSequence}, {@link Enum} and {@link Character} as strings; {@link Optional} as its value or
 * {@code null}; {@link Map} (keys via {@code toString()}, in iteration order); {@link Iterable};
 * {@code double[]}, {@code int[]}, {@code long[]} and object arrays. Anything else is rejected.
 *
 * <p>The indented layout: two spaces per level, one object member per line, {@code ": "} between a
 * name and its value; an array of scalars on one line ({@code [1, 2, 3]}), any other array one element
 * per line; empty containers as {@code {}} and {@code []}. Control characters without a short escape
 * are written as {@code \u001f} (lower-case hexadecimal).
 *
 * <p>Stateless and thread-safe. Not a parser: tests read the output back with a real JSON library.
 *
 * <p>References: RFC 8259, The JavaScript Object Notation (JSON) Data Interchange Format.
 */
public final class Json {
    private static final String INDENT = "  ";

    /** Thread-safe once configured; every write makes its own generator. */
    private static final JsonFactory FACTORY =
            JsonFactory.builder().disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE).build();

    private Json() {}

    /**
     * Writes {@code value} as indented JSON (two spaces, one member per line), ending without a newline.
     *
     * @param value the value
     * @return the JSON text
     * @throws IllegalArgumentException for a value of an unsupported type
     */
    public static String write(Object value) {
        return generate(value, true);
    }

    /**
     * Writes {@code value} as JSON on one line.
     *
     * @param value the value
     * @return the JSON text
     * @throws IllegalArgumentException for a value of an unsupported type
     */
    public static String writeCompact(Object value) {
        return generate(value, false);
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

    private static String generate(Object value, boolean pretty) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            Layout layout = pretty ? new Layout() : null;
            g.setPrettyPrinter(layout);
            append(g, layout, value);
        } catch (IOException e) {
            // A StringWriter does not throw; Jackson's own failures surface here.
            throw new UncheckedIOException("cannot write JSON", e);
        }
        return out.toString();
    }

    private static void append(JsonGenerator g, Layout layout, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Double || value instanceof Float) {
            double v = ((Number) value).doubleValue();
            if (Double.isFinite(v)) {
                g.writeNumber(v);
            } else {
                g.writeNull();
            }
        } else if (value instanceof Number n) {
            g.writeNumber(n.toString());
        } else if (value instanceof CharSequence || value instanceof Character || value instanceof Enum<?>) {
            g.writeString(value.toString());
        } else if (value instanceof Optional<?> o) {
            append(g, layout, o.orElse(null));
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                append(g, layout, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Iterable<?> it) {
            array(g, layout, it);
        } else if (value instanceof double[] a) {
            array(g, layout, Arrays.stream(a).boxed().toList());
        } else if (value instanceof int[] a) {
            array(g, layout, Arrays.stream(a).boxed().toList());
        } else if (value instanceof long[] a) {
            array(g, layout, Arrays.stream(a).boxed().toList());
        } else if (value instanceof Object[] a) {
            array(g, layout, Arrays.asList(a));
        } else {
            throw Checks.iae("cannot write a %s as JSON", value.getClass().getName());
        }
    }

    private static void array(JsonGenerator g, Layout layout, Iterable<?> items) throws IOException {
        if (layout != null) {
            layout.nextArrayInline(scalarsOnly(items));
        }
        g.writeStartArray();
        for (Object o : items) {
            append(g, layout, o);
        }
        g.writeEndArray();
    }

    private static boolean scalarsOnly(Iterable<?> items) {
        for (Object o : items) {
            if (o instanceof Map<?, ?>
                    || o instanceof Iterable<?>
                    || (o != null && o.getClass().isArray())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The indented layout as a Jackson {@link PrettyPrinter}. Jackson's own {@code DefaultPrettyPrinter}
     * writes {@code " : "} and cannot put an array of scalars on one line while breaking other arrays;
     * this one learns, before each array starts, which of the two it is. One instance per write.
     */
    private static final class Layout implements PrettyPrinter {
        private final Deque<Boolean> inline = new ArrayDeque<>();
        private boolean nextInline;
        private int depth;

        void nextArrayInline(boolean value) {
            nextInline = value;
        }

        private void newline(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
            for (int i = 0; i < depth; i++) {
                g.writeRaw(INDENT);
            }
        }

        @Override
        public void writeRootValueSeparator(JsonGenerator g) {
            // One root value per write: nothing separates root values.
        }

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            g.writeRaw('{');
            depth++;
        }

        @Override
        public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
            depth--;
            if (nrOfEntries > 0) {
                newline(g);
            }
            g.writeRaw('}');
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(',');
            newline(g);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw('[');
            inline.push(nextInline);
            depth++;
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            depth--;
            boolean wasInline = inline.pop();
            if (nrOfValues > 0 && !wasInline) {
                newline(g);
            }
            g.writeRaw(']');
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            if (Boolean.TRUE.equals(inline.peek())) {
                g.writeRaw(", ");
            } else {
                g.writeRaw(',');
                newline(g);
            }
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            if (!Boolean.TRUE.equals(inline.peek())) {
                newline(g);
            }
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) throws IOException {
            newline(g);
        }
    }
}
