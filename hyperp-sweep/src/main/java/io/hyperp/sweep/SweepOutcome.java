package io.hyperp.sweep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link SweepRunner#run} did.
 *
 * @param results every cell's result, in plan order
 * @param ran     cells trained by this run
 * @param skipped cells already finished before it (resumed)
 * @param seconds wall-clock time of the run
 */
public record SweepOutcome(Map<SweepCell, CellResult> results, int ran, int skipped, double seconds) {

    /** Copies the results, keeping their order. */
    public SweepOutcome {
        Objects.requireNonNull(results, "results");
        results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
    }

    /** How many cells ended with this status. */
    public long count(CellStatus status) {
        return results.values().stream().filter(r -> r.status() == status).count();
    }
}
