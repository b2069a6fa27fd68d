package io.hyperp.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a {@link SweepPlan} from a JSON ({@code .json}) or YAML ({@code .yaml}, {@code .yml}) file:
 *
 * <pre>{@code
 * trainer: demo                 # a trainer name or class name
 * settings: {study: tiny, steps: 6}
 * grid:                         # one grid; or "grids:" with a list of them
 *   method: [hyperp]
 *   scale: [16, 32]
 *   lr: [0.01, 0.02, 0.04]
 *   seed: 1                     # a single value needs no list
 * }</pre>
 *
 * <p>Keys other than {@code trainer}, {@code settings}, {@code grid} and {@code grids} are refused, as
 * are nested values. Every error is an {@link IllegalArgumentException} naming the file. Stateless and
 * thread-safe.
 */
public final class PlanFiles {

    /** The largest plan file read, in bytes (1 MiB). */
    public static final int MAX_BYTES = 1 << 20;

    private static final Set<String> KEYS = Set.of("trainer", "settings", "grid", "grids");

    private PlanFiles() {}

    /**
     * Reads a plan file.
     *
     * @throws IllegalArgumentException naming the file and the problem (missing, unknown format, larger
     *                                  than {@value #MAX_BYTES} bytes, malformed, unknown key, empty
     *                                  grid, more than {@value SweepPlan#MAX_CELLS} cells)
     */
    public static SweepPlan parse(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml;
        if (name.endsWith(".json")) {
            yaml = false;
        } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            yaml = true;
        } else {
            throw new IllegalArgumentException("plan file " + file + ": expected a .json, .yaml or .yml file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("plan file " + file + " does not exist");
        }
        byte[] content;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw tooLarge(file.toString(), size);
            }
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("plan file " + file + " cannot be read: " + e.getMessage(), e);
        }
        return parse(content, yaml, file.toString());
    }

    /**
     * A plan from a file's content ({@code yaml}: YAML, else JSON); errors name {@code source}.
     *
     * @throws IllegalArgumentException as for {@link #parse(Path)}
     */
    static SweepPlan parse(byte[] content, boolean yaml, String source) {
        if (content.length > MAX_BYTES) {
            throw tooLarge(source, content.length);
        }
        ObjectMapper mapper = yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        JsonNode root;
        try {
            root = mapper.readTree(content);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("plan file " + source + " is malformed: " + e.getOriginalMessage(), e);
        } catch (YAMLException e) {
            throw new IllegalArgumentException("plan file " + source + " is malformed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("plan file " + source + " cannot be read: " + e.getMessage(), e);
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("plan file " + source + ": " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException tooLarge(String source, long size) {
        return new IllegalArgumentException(String.format(
                Locale.ROOT, "plan file %s has %d bytes; a plan file has at most %d", source, size, MAX_BYTES));
    }

    /** A plan from a parsed JSON or YAML tree (see the class comment). */
    static SweepPlan parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected an object with trainer, settings and grid");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + k + "' (known: grid, grids, settings, trainer)");
            }
        }
        JsonNode trainer = root.get("trainer");
        if (trainer == null || !trainer.isTextual()) {
            throw new IllegalArgumentException("'trainer' must be given as a name or class name");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        JsonNode s = root.get("settings");
        if (s != null && !s.isNull()) {
            if (!s.isObject()) {
                throw new IllegalArgumentException("'settings' must be a map of names to values");
            }
            s.fields().forEachRemaining(e -> settings.put(e.getKey(), scalar("setting " + e.getKey(), e.getValue())));
        }
        if (root.has("grid") == root.has("grids")) {
            throw new IllegalArgumentException("give either 'grid' (one grid) or 'grids' (a list of grids)");
        }
        List<Map<String, List<String>>> grids = new ArrayList<>();
        if (root.has("grid")) {
            grids.add(grid(root.get("grid")));
        } else {
            JsonNode gs = root.get("grids");
            if (!gs.isArray()) {
                throw new IllegalArgumentException("'grids' must be a list of grids");
            }
            for (JsonNode g : gs) {
                grids.add(grid(g));
            }
        }
        return new SweepPlan(trainer.asText(), settings, grids);
    }

    private static Map<String, List<String>> grid(JsonNode g) {
        if (g == null || !g.isObject()) {
            throw new IllegalArgumentException("a grid must be a map of axis names to values");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        g.fields().forEachRemaining(e -> {
            List<String> values = new ArrayList<>();
            if (e.getValue().isArray()) {
                for (JsonNode v : e.getValue()) {
                    values.add(scalar("axis " + e.getKey(), v));
                }
            } else {
                values.add(scalar("axis " + e.getKey(), e.getValue()));
            }
            out.put(e.getKey(), values);
        });
        return out;
    }

    private static String scalar(String what, JsonNode v) {
        if (v == null || !v.isValueNode() || v.isNull()) {
            throw new IllegalArgumentException(what + ": expected a number or a string, found " + v);
        }
        return v.asText();
    }
}
