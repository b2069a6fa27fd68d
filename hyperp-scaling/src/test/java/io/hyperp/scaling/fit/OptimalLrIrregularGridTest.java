package io.hyperp.scaling.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.scaling.sweep.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sweeps on irregular grids, found by fuzzing {@code hyperp plan} (CliFuzzTest). */
class OptimalLrIrregularGridTest {

    @Test
    void fit_windowAroundTheLowestLossWithTwoLearningRates_isUnresolvedNotAnError() {
        // One sweep of the fuzzing input: lr 0.01 twice (written "0.010" and "0.01") and one far-off lr 0.228,
        // so the quadratic over all points misreads the sweep and the window of 1.5 median steps around the
        // lowest loss holds only two distinct learning rates, which cannot hold a quadratic.
        double[][] runs = {
            {0.0025, 3.1153087233403682},
            {0.003535533905932738, 3.064861156878957},
            {0.010, 3.028827180835092},
            {0.007071067811865476, 3.007206795208773},
            {0.01, 3.0},
            {0.014142135623730952, 3.007206795208773},
            {0.02, 3.028827180835092},
            {0.228284271247461905, 3.064861156878957},
            {0.04, 3.1153087233403682}
        };
        List<SweepPoint> points = new ArrayList<>();
        for (double[] r : runs) {
            points.add(new SweepPoint(r[0], r[1], Map.of()));
        }
        OptimalLrResult r = OptimalLr.fit(points);
        assertEquals(OptimalLrStatus.UNRESOLVED, r.status(), r.message());
        assertTrue(r.message().contains("around the lowest loss"), r.message());
    }
}
