package io.hyperp.scaling.sweep;

import io.hyperp.scaling.internal.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An immutable, ordered collection of sweep points.
 *
 * <p>Thread-safe. Grouping keeps the order in which groups first appear.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP).
 */
public final class Sweep {
    private final List<SweepPoint> points;

    private Sweep(List<SweepPoint> points) {
        this.points = points;
    }

    /**
     * Creates a sweep.
     *
     * @param points the points (copied; no nulls)
     * @return the sweep
     * @throws NullPointerException if the list or a point is null
     */
    public static Sweep of(List<SweepPoint> points) {
        Objects.requireNonNull(points, "points");
        return new Sweep(List.copyOf(points));
    }

    /**
     * Returns the points.
     *
     * @return unmodifiable list in sweep order
     */
    public List<SweepPoint> points() {
        return points;
    }

    /**
     * Returns the number of points.
     *
     * @return the size
     */
    public int size() {
        return points.size();
    }

    /**
     * Returns the label names used by any point, in first-appearance order.
     *
     * @return unmodifiable set
     */
    public Set<String> labelNames() {
        Set<String> names = new LinkedHashSet<>();
        for (SweepPoint p : points) {
            names.addAll(p.labels().keySet());
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * Returns the points that satisfy a predicate.
     *
     * @param keep the predicate
     * @return a new sweep
     */
    public Sweep filter(Predicate<SweepPoint> keep) {
        List<SweepPoint> out = new ArrayList<>();
        for (SweepPoint p : points) {
            if (keep.test(p)) {
                out.add(p);
            }
        }
        return new Sweep(List.copyOf(out));
    }

    /**
     * Groups the points by the values of some labels. With no labels, the whole sweep is one group with an
     * empty key.
     *
     * @param labels the label names to group by
     * @return the groups, in first-appearance order
     * @throws IllegalArgumentException if a point lacks one of the labels
     */
    public List<SweepGroup> groupBy(List<String> labels) {
        Map<Map<String, String>, List<SweepPoint>> groups = new LinkedHashMap<>();
        for (int i = 0; i < points.size(); i++) {
            SweepPoint p = points.get(i);
            Map<String, String> key = new LinkedHashMap<>();
            for (String name : labels) {
                String v = p.labels().get(name);
                if (v == null) {
                    throw Checks.iae(
                            "point %d (lr %s) has no label '%s' to group by (labels: %s)",
                            i + 1, p.learningRate(), name, p.labels().keySet());
                }
                key.put(name, v);
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
        List<SweepGroup> out = new ArrayList<>();
        for (Map.Entry<Map<String, String>, List<SweepPoint>> e : groups.entrySet()) {
            out.add(new SweepGroup(e.getKey(), e.getValue()));
        }
        return List.copyOf(out);
    }

    /**
     * Returns the sweep as a list of point maps for {@link io.hyperp.scaling.io.Json} (see
     * {@link SweepPoint#toMap()}).
     *
     * @return a new mutable list
     */
    public List<Object> toList() {
        List<Object> out = new ArrayList<>(points.size());
        for (SweepPoint p : points) {
            out.add(p.toMap());
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sweep s && s.points.equals(points);
    }

    @Override
    public int hashCode() {
        return points.hashCode();
    }

    @Override
    public String toString() {
        return "Sweep" + points;
    }
}
