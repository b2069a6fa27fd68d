package io.hyperp.scaling.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.scaling.fit.OptimalLr;
import io.hyperp.scaling.fit.OptimalLrResult;
import io.hyperp.scaling.fit.OptimalLrStatus;
import io.hyperp.scaling.sweep.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Synthetic sweeps of the four kinds a short study meets (a clean basin, a flat sweep, a noisy basin, a sweep
 * whose lowest loss sits at an edge): {@code unresolved} and {@code undetermined} must appear exactly where the
 * data cannot support a number or a verdict.
 */
class HonestVerdictTest {
    /** The demo's grid: five learning rates a factor 2 apart. */
    private static final double[] GRID = {0.005, 0.01, 0.02, 0.04, 0.08};

    /**
     * Fixed perturbations in [-1, 1] (a fixed pattern rather than a random stream, so the cases are exactly
     * reproducible); scaled by each case's noise amplitude.
     */
    private static final double[] BUMPS = {0.6, -1.0, 0.9, -0.4, 0.8, -0.7, 0.2, -0.9, 1.0, -0.3};

    private static List<SweepPoint> basin(double etaStar, double curvature, double noise, int offset) {
        List<SweepPoint> pts = new ArrayList<>();
        for (int i = 0; i < GRID.length; i++) {
            double d = Math.log(GRID[i] / etaStar);
            pts.add(SweepPoint.of(GRID[i], 2.7 + curvature * d * d + noise * BUMPS[(i + offset) % BUMPS.length]));
        }
        return pts;
    }

    /** A clean basin: curvature 0.05 per ln^2 with bumps of 0.002, far below the basin's rise of 0.024 per step. */
    static OptimalLrResult clean(double etaStar) {
        return OptimalLr.fit(basin(etaStar, 0.05, 0.002, 0));
    }

    /** A flat, bumpy sweep: the loss changes by less than its bumps across the whole grid. */
    static OptimalLrResult flat() {
        List<SweepPoint> pts = new ArrayList<>();
        double[] loss = {2.716, 2.709, 2.712, 2.708, 2.7125};
        for (int i = 0; i < GRID.length; i++) {
            pts.add(SweepPoint.of(GRID[i], loss[i]));
        }
        return OptimalLr.fit(pts);
    }

    /** A basin whose bumps (0.04) exceed its rise over a step (0.024). */
    static OptimalLrResult noisy(double etaStar) {
        return OptimalLr.fit(basin(etaStar, 0.05, 0.04, 3));
    }

    /** The lowest loss at the largest learning rate. */
    static OptimalLrResult edge() {
        return OptimalLr.fit(basin(0.2, 0.05, 0.002, 0));
    }

    private static List<Scale> widths(double... w) {
        List<Scale> out = new ArrayList<>();
        for (double v : w) {
            out.add(Scale.of(Axis.WIDTH, v));
        }
        return out;
    }

    /** A basin with bumps of 0.02: resolved, but its interval spans most of a step. */
    static OptimalLrResult bumpy() {
        return OptimalLr.fit(basin(0.02, 0.05, 0.02, 5));
    }

    @Test
    void fit_eachKindOfSweep_getsItsStatus() {
        assertEquals(OptimalLrStatus.OK, clean(0.02).status());
        // The clean basin's bumps (0.002) move eta* by a few percent; its interval stays well inside one step.
        assertEquals(0.02, clean(0.02).etaStar(), 0.02 * 0.05);
        assertTrue(
                Math.log(clean(0.02).interval().high() / clean(0.02).interval().low()) < Math.log(2));
        assertEquals(OptimalLrStatus.UNRESOLVED, flat().status(), flat().message());
        assertEquals(
                OptimalLrStatus.UNRESOLVED, noisy(0.02).status(), noisy(0.02).message());
        assertEquals(OptimalLrStatus.OPTIMUM_ABOVE_RANGE, edge().status());
        assertEquals(OptimalLrStatus.OK, bumpy().status(), bumpy().message());
    }

    @Test
    void fit_flatSweep_isUnresolvedKeepsTheEstimateAndSaysHowToPinItDown() {
        OptimalLrResult r = flat();
        assertFalse(r.isOk());
        assertTrue(Double.isFinite(r.etaStar()));
        assertTrue(r.message().startsWith("eta* 0.0255 unresolved: its interval ["), r.message());
        assertTrue(r.message().contains("is wider than the swept range [0.005, 0.08]"), r.message());
        assertTrue(r.message().contains("lengthen the runs"), r.message());
        assertEquals("unresolved", r.toMap().get("status"));
    }

    @Test
    void study_cleanBasinsAtOneOptimum_withinOneStep() {
        StudyReport r = TransferQuality.acrossScales(
                Axis.WIDTH, widths(64, 128, 256), List.of(clean(0.02), clean(0.02), clean(0.021)));
        assertEquals(TransferVerdict.WITHIN_ONE_STEP, r.verdict(), r.notes().toString());
        assertTrue(r.spreadInterval().high() <= 1, r.spreadInterval().toString());
        assertTrue(
                r.spreadInterval().low() <= r.spreadInSteps(),
                r.spreadInterval().toString());
    }

    @Test
    void study_cleanBasinsTwoStepsApart_beyondOneStep() {
        StudyReport r = TransferQuality.acrossScales(
                Axis.WIDTH, widths(64, 128, 256), List.of(clean(0.04), clean(0.02), clean(0.01)));
        assertEquals(TransferVerdict.BEYOND_ONE_STEP, r.verdict());
        assertTrue(r.spreadInterval().low() > 1, r.spreadInterval().toString());
    }

    @Test
    void study_aFlatSweep_undeterminedAndNamesTheSweep() {
        StudyReport r = TransferQuality.acrossScales(
                Axis.WIDTH, widths(64, 128, 256), List.of(clean(0.02), flat(), clean(0.02)));
        assertEquals(TransferVerdict.UNDETERMINED, r.verdict());
        assertTrue(
                r.notes().stream()
                        .anyMatch(n -> n.startsWith("verdict undetermined: 1 of 3 sweeps gave no accepted optimum "
                                + "(width 128 (unresolved)); widen or lengthen")),
                r.notes().toString());
        assertTrue(r.notes().get(0).startsWith("width 128: sweep refused (unresolved): eta* 0.0255 unresolved"));
    }

    @Test
    void study_aNoisySweep_undetermined() {
        StudyReport r = TransferQuality.acrossScales(
                Axis.WIDTH, widths(64, 128, 256), List.of(clean(0.02), clean(0.02), noisy(0.02)));
        assertEquals(TransferVerdict.UNDETERMINED, r.verdict());
        assertTrue(
                r.notes().stream().anyMatch(n -> n.contains("(width 256 (unresolved))")),
                r.notes().toString());
    }

    @Test
    void study_anEdgeSweep_undetermined() {
        StudyReport r = TransferQuality.acrossScales(
                Axis.WIDTH, widths(64, 128, 256), List.of(edge(), clean(0.02), clean(0.02)));
        assertEquals(TransferVerdict.UNDETERMINED, r.verdict());
        assertTrue(
                r.notes().stream().anyMatch(n -> n.contains("(width 64 (optimum_above_range))")),
                r.notes().toString());
    }

    @Test
    void study_spreadNearOneStepWithWideIntervals_undeterminedBecauseItStraddles() {
        StudyReport r = TransferQuality.acrossScales(Axis.WIDTH, widths(64, 128), List.of(bumpy(), clean(0.04)));
        // The point spread is about one step (0.019 to 0.04), and the bumpy sweep's interval spans ~0.8 steps.
        assertEquals(1.0, r.spreadInSteps(), 0.1);
        assertTrue(
                r.spreadInterval().low() < 1 && r.spreadInterval().high() > 1,
                r.spreadInterval().toString());
        assertEquals(TransferVerdict.UNDETERMINED, r.verdict());
        assertTrue(
                r.notes().stream().anyMatch(n -> n.contains("straddles one step")),
                r.notes().toString());
    }

    @Test
    void study_seedSpreadWidensTheInterval() {
        List<OptimalLrResult> pooled = List.of(clean(0.02), clean(0.02), clean(0.025));
        StudyReport one = TransferQuality.acrossScales(Axis.WIDTH, widths(64, 128, 256), pooled);
        assertEquals(TransferVerdict.WITHIN_ONE_STEP, one.verdict());
        // Two seeds per width whose optima differ by a factor 3: a seed-to-seed sd of ln eta* of 0.78, i.e. 0.55
        // of it on the mean of two, 0.8 steps: the spread's interval now reaches past one step.
        SeedOptima scattered = new SeedOptima(List.of(clean(0.0115), clean(0.0345)));
        StudyReport seeds = TransferQuality.acrossScales(
                Axis.WIDTH, widths(64, 128, 256), pooled, List.of(), List.of(scattered, scattered, scattered));
        assertEquals(
                TransferVerdict.UNDETERMINED,
                seeds.verdict(),
                seeds.spreadInterval().toString());
        assertTrue(seeds.spreadInterval().high() > 1);
        assertEquals(2, seeds.scales().get(0).seeds().count());
        assertEquals(Math.log(3), seeds.scales().get(0).seeds().sdLn() * Math.sqrt(2), 0.02);
    }
}
