package io.hyperp.scaling.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void write_nestedValues_parsesBack() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eta", 0.00317);
        m.put("n", 3);
        m.put("big", 1.9467e11);
        m.put("none", null);
        m.put("nan", Double.NaN);
        m.put("flag", true);
        m.put("list", List.of(1.5, 2.5));
        m.put("pair", Arrays.asList(Double.NaN, 1.0));
        m.put("nested", Map.of("k", "v"));
        m.put("empty", List.of());
        m.put("arr", new double[] {1, 2});
        String json = Json.write(m);
        JsonNode n = MAPPER.readTree(json);
        assertEquals(0.00317, n.get("eta").asDouble(), 0.0);
        assertEquals(3, n.get("n").asInt());
        assertEquals(1.9467e11, n.get("big").asDouble(), 0.0);
        assertTrue(n.get("none").isNull());
        assertTrue(n.get("nan").isNull(), "NaN has no JSON form: null");
        assertTrue(n.get("flag").asBoolean());
        assertEquals(2.5, n.get("list").get(1).asDouble(), 0.0);
        assertTrue(n.get("pair").get(0).isNull());
        assertEquals("v", n.get("nested").get("k").asText());
        assertEquals(0, n.get("empty").size());
        assertEquals(2.0, n.get("arr").get(1).asDouble(), 0.0);
        assertEquals(json.replaceAll("\\s+", ""), Json.writeCompact(m).replaceAll("\\s+", ""));
    }

    @Test
    void write_anyString_roundTrips() {
        qt().withFixedSeed(3L)
                .forAll(strings().allPossible().ofLengthBetween(0, 40))
                .checkAssert(s -> {
                    try {
                        assertEquals(
                                s,
                                MAPPER.readTree(Json.write(Map.of("s", s)))
                                        .get("s")
                                        .asText());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }

    @Test
    void write_anyFiniteDouble_roundTripsExactly() {
        qt().withFixedSeed(4L)
                .forAll(doubles().any())
                .assuming(Double::isFinite)
                .checkAssert(d -> {
                    try {
                        assertEquals(
                                d,
                                MAPPER.readTree(Json.write(List.of(d))).get(0).asDouble(),
                                0.0);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }

    /** Every layout rule on one value: objects, inline and broken arrays, empties, numbers, escapes. */
    private static Map<String, Object> layoutSample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eta", 0.00317);
        m.put("f", 0.1f);
        m.put("n", 3L);
        m.put("inf", Double.NEGATIVE_INFINITY);
        m.put("s", "tab\t quote\" vt\u000b us\u001f \u00e9");
        m.put("kind", DayOfWeek.MONDAY);
        m.put("opt", Optional.empty());
        m.put("scalars", List.of(1, 2.5, "x"));
        m.put("rows", List.of(Map.of("a", 1), new double[] {0.5, Double.NaN}, true));
        m.put("emptyMap", Map.of());
        m.put("emptyList", new int[0]);
        m.put("nested", Map.of("k", List.of()));
        return m;
    }

    @Test
    void write_layout_isTheCliLayoutByteForByte() {
        // Provenance: the output of the hand-written writer this class had before it moved onto
        // Jackson's generator, for the same value; the CLI prints this layout.
        String expected = """
                {
                  "eta": 0.00317,
                  "f": 0.10000000149011612,
                  "n": 3,
                  "inf": null,
                  "s": "tab\\t quote\\" vt\\u000b us\\u001f \u00e9",
                  "kind": "MONDAY",
                  "opt": null,
                  "scalars": [1, 2.5, "x"],
                  "rows": [
                    {
                      "a": 1
                    },
                    [0.5, null],
                    true
                  ],
                  "emptyMap": {},
                  "emptyList": [],
                  "nested": {
                    "k": []
                  }
                }""";
        assertEquals(expected, Json.write(layoutSample()));
    }

    @Test
    void writeCompact_layout_hasNoWhitespace() {
        // Provenance: as above, the hand-written writer's compact output for the same value.
        String expected = "{\"eta\":0.00317,\"f\":0.10000000149011612,\"n\":3,\"inf\":null,"
                + "\"s\":\"tab\\t quote\\\" vt\\u000b us\\u001f \u00e9\",\"kind\":\"MONDAY\",\"opt\":null,"
                + "\"scalars\":[1,2.5,\"x\"],\"rows\":[{\"a\":1},[0.5,null],true],\"emptyMap\":{},"
                + "\"emptyList\":[],\"nested\":{\"k\":[]}}";
        assertEquals(expected, Json.writeCompact(layoutSample()));
    }

    @Test
    void write_unsupportedType_throwsIae() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
    }

    @Test
    void write_toFile_endsWithNewline(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("summary.json");
        Json.write(Map.of("a", 1), f);
        String text = Files.readString(f);
        assertTrue(text.endsWith(System.lineSeparator()));
        assertEquals(1, MAPPER.readTree(text).get("a").asInt());
    }
}
