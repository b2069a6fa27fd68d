package io.hyperp.scaling.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.hyperp.scaling.internal.Checks;
import io.hyperp.scaling.transfer.Axis;
import io.hyperp.scaling.transfer.FittedLaw;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads back a power law written by {@code hyperp fit-law --json} (see {@code PowerLawFit.toMap()}): a JSON
 * object with a positive {@code "coefficient"}, an {@code "exponents"} object from predictor name to exponent and
 * an {@code "offset"} that is null or absent; other members ({@code r2}, {@code ci}, {@code points}) are
 * ignored. Each predictor must be named after an {@link Axis} ({@code params}, {@code tokens}, {@code width},
 * ...), so that the law can be evaluated at a scale.
 *
 * <p>Parsed with Jackson's streaming parser (duplicate member names rejected). Any other shape, such as the
 * array written by {@code hyperp optimum --json}, a law with an offset (which is not a power law and cannot be
 * anchored at a base run), a predictor that is not an axis, or a document longer than {@value #MAX_CHARS}
 * characters, nested deeper than 64 levels or holding a string over 64 Ki characters, is refused with an
 * {@link IllegalArgumentException} naming the source, what was found and the fix. Stateless and thread-safe.
 *
 * <p>References: RFC 8259; Zhou et al., arXiv 2601.05049 (the fitting-paradigm law); SPEC section 7.
 */
public final class LawJson {
    /** The longest document read, in characters (1 Mi); a law is a few hundred. */
    public static final int MAX_CHARS = 1 << 20;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxDocumentLength(MAX_CHARS)
                    .maxStringLength(64 << 10)
                    .maxNestingDepth(64)
                    .build())
            .build();

    private LawJson() {}

    /**
     * Reads a law from a UTF-8 file.
     *
     * @param file the file
     * @return the law
     * @throws IllegalArgumentException for a missing file or a document of another shape
     * @throws UncheckedIOException for another read error
     */
    public static FittedLaw read(Path file) {
        Objects.requireNonNull(file, "file");
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw Checks.iae("%s: no such file", file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw Checks.iae("%s: not UTF-8 text", file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a law from JSON text.
     *
     * @param json the text
     * @return the law
     * @throws IllegalArgumentException for a document of another shape
     */
    public static FittedLaw parse(String json) {
        try {
            return read(new StringReader(json), "law");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a law from a reader (not closed).
     *
     * @param in the JSON text
     * @param source the name of the source in messages, e.g. the file name
     * @return the law
     * @throws IllegalArgumentException for a document of another shape
     * @throws IOException when reading fails
     */
    public static FittedLaw read(Reader in, String source) throws IOException {
        try (JsonParser p = FACTORY.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw Checks.iae(
                        "%s: expected a JSON object as written by hyperp fit-law --json, found %s",
                        source, describe(first));
            }
            Double coefficient = null;
            Map<Axis, Double> exponents = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "coefficient" -> coefficient = number(p, value, source, "coefficient");
                    case "exponents" -> exponents = exponents(p, value, source);
                    case "offset" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            throw Checks.iae(
                                    "%s: the law has an offset (%s), so it is not a power law and cannot be anchored"
                                            + " at a base run; refit with hyperp fit-law without --offset",
                                    source, value.isNumeric() ? p.getText() : describe(value));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw Checks.iae("%s: unexpected content after the law's JSON object", source);
            }
            if (coefficient == null) {
                throw Checks.iae("%s: no \"coefficient\"; expected the output of hyperp fit-law --json", source);
            }
            if (exponents == null) {
                throw Checks.iae("%s: no \"exponents\"; expected the output of hyperp fit-law --json", source);
            }
            if (!(coefficient > 0 && Double.isFinite(coefficient))) {
                throw Checks.iae("%s: coefficient (%s) must be positive and finite", source, coefficient);
            }
            return new FittedLaw(coefficient, exponents);
        } catch (JsonProcessingException e) {
            throw Checks.iae(
                    "%s: not valid JSON at line %d, column %d (%s)",
                    source,
                    e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    e.getLocation() == null ? 0 : e.getLocation().getColumnNr(),
                    e.getOriginalMessage());
        }
    }

    private static Map<Axis, Double> exponents(JsonParser p, JsonToken start, String source) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            throw Checks.iae(
                    "%s: \"exponents\" must be an object of axis to exponent, found %s", source, describe(start));
        }
        Map<Axis, Double> m = new EnumMap<>(Axis.class);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            Axis axis;
            try {
                axis = Axis.fromLabel(name);
            } catch (IllegalArgumentException e) {
                throw Checks.iae(
                        "%s: predictor '%s' is not a scaling axis (%s); fit the law with --x columns named after"
                                + " axes, e.g. --x params,tokens",
                        source, name, e.getMessage());
            }
            if (m.containsKey(axis)) {
                throw Checks.iae("%s: exponent of %s given twice", source, axis.label());
            }
            double e = number(p, value, source, "exponent of " + name);
            if (!Double.isFinite(e)) {
                throw Checks.iae("%s: exponent of %s (%s) must be finite", source, name, e);
            }
            m.put(axis, e);
        }
        if (m.isEmpty()) {
            throw Checks.iae("%s: \"exponents\" is empty; a law needs at least one axis", source);
        }
        return m;
    }

    private static double number(JsonParser p, JsonToken value, String source, String what) throws IOException {
        if (value == null || !value.isNumeric()) {
            throw Checks.iae("%s: %s must be a number, found %s", source, what, describe(value));
        }
        return p.getDoubleValue();
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NULL -> "null";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
