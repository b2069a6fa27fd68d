package io.hyperp.sweep;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a sweep trains: a trainer, settings shared by every cell, and one or more grids of axis values.
 *
 * <p>The cells are the union of the grids' cross products, in order: grid by grid, and within a grid
 * the first axis varies slowest. Several grids let axes depend on each other (each method its own
 * learning rates, say); every grid must have the same axes. Values are canonicalized: an integer
 * string becomes {@link Long#toString(long)} of its value and any other number
 * {@link Double#toString(double)} of its value ({@code "1e-2"} and {@code "0.010"} are both
 * {@code "0.01"}), so ids do not depend on how a number was written.
 *
 * <p>Immutable; every check runs in the constructor and throws {@link IllegalArgumentException} naming
 * what was wrong: no grid, an axis without values, grids with different axes, a bad axis name, the
 * same cell twice, or more than {@value #MAX_CELLS} cells.
 *
 * @param trainer  the trainer's name or class name (see {@link Trainers#load})
 * @param settings settings shared by every cell (the trainer says which it knows)
 * @param grids    the grids: each an ordered map from axis name to its values
 */
public record SweepPlan(String trainer, Map<String, String> settings, List<Map<String, List<String>>> grids) {

    /** The most cells a plan may have. */
    public static final int MAX_CELLS = 100_000;

    private static final Pattern AXIS = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    /** Validates and copies (keeping the axis order). */
    public SweepPlan {
        Objects.requireNonNull(trainer, "trainer");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(grids, "grids");
        if (trainer.isBlank()) {
            throw new IllegalArgumentException("plan: trainer must be given (a name such as 'demo' or a class name)");
        }
        if (grids.isEmpty()) {
            throw new IllegalArgumentException("plan: empty grid; give at least one axis with values");
        }
        List<Map<String, List<String>>> copy = new ArrayList<>();
        List<String> axes = null;
        for (int g = 0; g < grids.size(); g++) {
            Map<String, List<String>> grid = grids.get(g);
            if (grid.isEmpty()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "plan: grid %d is empty", g + 1));
            }
            Map<String, List<String>> c = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : grid.entrySet()) {
                String axis = e.getKey();
                if (!AXIS.matcher(axis).matches()) {
                    throw new IllegalArgumentException(
                            String.format(Locale.ROOT, "plan: axis name '%s' must match [a-z][a-z0-9_]*", axis));
                }
                if (e.getValue().isEmpty()) {
                    throw new IllegalArgumentException(
                            String.format(Locale.ROOT, "plan: empty grid: axis '%s' has no values", axis));
                }
                c.put(axis, e.getValue().stream().map(SweepPlan::canonical).toList());
            }
            List<String> names = List.copyOf(c.keySet());
            if (axes == null) {
                axes = names;
            } else if (!new HashSet<>(axes).equals(new HashSet<>(names))) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "plan: grid %d has axes %s, but grid 1 has %s; every grid needs the same axes",
                        g + 1,
                        names,
                        axes));
            }
            copy.add(Collections.unmodifiableMap(c));
        }
        settings = Collections.unmodifiableMap(new TreeMap<>(settings));
        grids = List.copyOf(copy);
        checkSize(grids);
        checkUnique(grids);
    }

    /** A plan with one grid. */
    public static SweepPlan of(String trainer, Map<String, String> settings, Map<String, List<String>> grid) {
        return new SweepPlan(trainer, settings, List.of(grid));
    }

    /** The axis names, in the first grid's order (the column order of {@code runs.csv}). */
    public List<String> axes() {
        return List.copyOf(grids.get(0).keySet());
    }

    /** Every cell, in plan order. */
    public List<SweepCell> cells() {
        List<SweepCell> out = new ArrayList<>();
        for (Map<String, List<String>> grid : grids) {
            for (Map<String, String> values : crossProduct(grid, axes())) {
                out.add(cell(out.size(), values));
            }
        }
        return out;
    }

    /** A canonical value: integers as Long.toString, other numbers as Double.toString, the rest unchanged. */
    static String canonical(String v) {
        Objects.requireNonNull(v, "axis value");
        String t = v.trim();
        if (INTEGER.matcher(t).matches()) {
            try {
                return Long.toString(Long.parseLong(t));
            } catch (NumberFormatException e) {
                return t;
            }
        }
        if (!t.isEmpty()
                && (Character.isDigit(t.charAt(0)) || t.charAt(0) == '.' || t.charAt(0) == '-' || t.charAt(0) == '+')) {
            try {
                return Double.toString(Double.parseDouble(t));
            } catch (NumberFormatException e) {
                return t;
            }
        }
        return t;
    }

    private SweepCell cell(int index, Map<String, String> values) {
        byte[] h = hash(trainer, settings, values);
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            id.append(String.format(Locale.ROOT, "%02x", h[i]));
        }
        long seed = 0;
        for (int i = 8; i < 16; i++) {
            seed = (seed << 8) | (h[i] & 0xff);
        }
        return new SweepCell(index, id.toString(), seed & Long.MAX_VALUE, values, trainer, settings);
    }

    private static byte[] hash(String trainer, Map<String, String> settings, Map<String, String> values) {
        StringBuilder b = new StringBuilder(trainer).append('\n');
        settings.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        b.append('\n');
        new TreeMap<>(values)
                .forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return Hashing.sha256().hashString(b, StandardCharsets.UTF_8).asBytes();
    }

    private static List<Map<String, String>> crossProduct(Map<String, List<String>> grid, List<String> axes) {
        List<Map<String, String>> acc = new ArrayList<>();
        acc.add(new LinkedHashMap<>());
        for (String axis : axes) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : acc) {
                for (String v : grid.get(axis)) {
                    Map<String, String> m = new LinkedHashMap<>(partial);
                    m.put(axis, v);
                    next.add(m);
                }
            }
            acc = next;
        }
        return acc;
    }

    /** Refuses more than {@link #MAX_CELLS} cells, counted without listing them. */
    private static void checkSize(List<Map<String, List<String>>> grids) {
        long total = 0;
        for (Map<String, List<String>> grid : grids) {
            long n = 1;
            for (List<String> values : grid.values()) {
                n *= values.size();
                if (n > MAX_CELLS) {
                    break;
                }
            }
            total += n;
            if (total > MAX_CELLS) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT, "plan: more than %d cells; split the sweep into several plans", MAX_CELLS));
            }
        }
    }

    private static void checkUnique(List<Map<String, List<String>>> grids) {
        List<String> axes = List.copyOf(grids.get(0).keySet());
        Set<String> seen = new HashSet<>();
        for (Map<String, List<String>> grid : grids) {
            for (Map<String, String> values : crossProduct(grid, axes)) {
                String key = values.toString();
                if (!seen.add(key)) {
                    throw new IllegalArgumentException(
                            "plan: the cell " + key + " appears twice; each cell must be planned once");
                }
            }
        }
    }
}
