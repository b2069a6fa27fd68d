package io.hyperp.scaling.sweep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The points of a sweep that share values of some labels.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP).
 *
 * @param key label name to the shared value, in the order the grouping named them (copied)
 * @param points the points, in sweep order (copied)
 */
public record SweepGroup(Map<String, String> key, List<SweepPoint> points) {
    /**
     * Copies.
     *
     * @param key label name to the shared value, in the order the grouping named them (copied)
     * @param points the points, in sweep order (copied)
     */
    public SweepGroup {
        key = Collections.unmodifiableMap(new LinkedHashMap<>(key));
        points = List.copyOf(points);
    }
}
