package io.hyperp.scaling.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;

import io.hyperp.scaling.sweep.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OptimalLrTest {

    /** Sweep on lr = lr0 * 2^(k/2), k = 0..count-1, of L = lossMin + curvature (ln lr - ln etaStar)^2 + noise. */
    static List<SweepPoint> sweep(
            double lr0, int count, double etaStar, double curvature, double lossMin, double sigma, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<SweepPoint> pts = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            double lr = lr0 * Math.pow(2, k / 2.0);
            double d = Math.log(lr) - Math.log(etaStar);
            pts.add(SweepPoint.of(lr, lossMin + curvature * d * d + sigma * rnd.nextGaussian()));
        }
        return pts;
    }

    @Nested
    class Accepted {
        @Test
        void fit_exactQuadratic_recoversOptimumAndMinimum() {
            OptimalLrResult r = OptimalLr.fit(sweep(0.001, 9, 0.0042, 0.07, 3.1, 0, 1));
            assertTrue(r.isOk(), r.message());
            // Noise-free data: the only error is round-off in a 9x3 QR on centred ln(lr) (condition ~10), so the
            // relative error of eta* = exp(x*) is a few ulps of x* ~ -5.5, far below 1e-12.
            assertEquals(0.0042, r.etaStar(), 0.0042 * 1e-12);
            assertEquals(3.1, r.lossMin(), 1e-12);
            assertEquals(0.07, r.basin().a(), 1e-12);
            assertEquals(1.0, r.r2(), 1e-12);
            assertEquals(9, r.used().size());
            assertEquals(0.001, r.lrMin(), 1e-18);
            assertEquals(0.016, r.lrMax(), 1e-15);
        }

        @Test
        void fit_noisySweep_intervalBracketsEstimateAndIsDeterministic() {
            List<SweepPoint> pts = sweep(0.001, 11, 0.005, 0.08, 3.0, 0.01, 3);
            OptimalLrResult a = OptimalLr.fit(pts);
            OptimalLrResult b = OptimalLr.fit(pts);
            assertTrue(a.isOk(), a.message());
            assertTrue(
                    a.interval().low() < a.etaStar()
                            && a.etaStar() < a.interval().high(),
                    a.toString());
            assertTrue(a.lossMinInterval().contains(a.lossMin()));
            assertEquals(a, b, "same data and seed must give the same result");
            OptimalLrResult c = OptimalLr.fit(
                    pts,
                    OptimalLrOptions.defaults()
                            .withBootstrap(BootstrapOptions.defaults().withSeed(99)));
            assertNotEquals(a.interval(), c.interval(), "another seed draws other resamples");
            assertEquals(a.etaStar(), c.etaStar(), 0.0, "the point estimate does not depend on the seed");
            assertEquals(1000, a.bootstrap().resamples());
            assertTrue(a.bootstrap().percentileLevel() > 0.95, "expanded percentile level for 8 residual dof");
        }

        @Test
        void fit_caseBootstrap_givesIntervalAroundEstimate() {
            List<SweepPoint> pts = sweep(0.001, 11, 0.005, 0.08, 3.0, 0.01, 3);
            OptimalLrResult r = OptimalLr.fit(
                    pts,
                    OptimalLrOptions.defaults()
                            .withBootstrap(BootstrapOptions.defaults().withMethod(BootstrapMethod.CASES)));
            assertTrue(r.isOk(), r.message());
            assertTrue(r.interval().contains(r.etaStar()), r.toString());
            assertEquals(BootstrapMethod.CASES, r.bootstrap().method());
        }

        @Test
        void fit_threeLearningRates_noDegreesOfFreedom_intervalUnknown() {
            List<SweepPoint> pts =
                    List.of(SweepPoint.of(0.001, 3.2), SweepPoint.of(0.002, 3.0), SweepPoint.of(0.004, 3.1));
            OptimalLrResult r = OptimalLr.fit(pts);
            assertTrue(r.isOk(), r.message());
            assertFalse(r.interval().isKnown());
            assertEquals(0, r.bootstrap().resamples());
        }

        @Test
        void fit_divergedAndWallRuns_excludedWithReasons() {
            List<SweepPoint> pts = new ArrayList<>(sweep(0.001, 9, 0.004, 0.05, 3.0, 0, 1));
            pts.add(SweepPoint.of(0.032, Double.NaN));
            pts.add(SweepPoint.of(0.064, Double.POSITIVE_INFINITY));
            pts.add(SweepPoint.of(0.128, 7.5));
            OptimalLrResult r = OptimalLr.fit(pts);
            assertTrue(r.isOk(), r.message());
            assertEquals(9, r.used().size());
            assertEquals(3, r.excluded().size());
            assertTrue(
                    r.excluded().get(0).reason().startsWith("diverged"),
                    r.excluded().toString());
            assertTrue(
                    r.excluded().get(1).reason().startsWith("diverged"),
                    r.excluded().toString());
            assertTrue(
                    r.excluded().get(2).reason().startsWith("far up the wall"),
                    r.excluded().toString());
            // Exclusion leaves exactly the noise-free quadratic, so the optimum is recovered to round-off.
            assertEquals(0.004, r.etaStar(), 0.004 * 1e-12);
        }

        @Test
        void fit_divergenceCeiling_excludesRunsAtOrAboveIt() {
            List<SweepPoint> pts = new ArrayList<>(sweep(0.001, 9, 0.004, 0.05, 3.0, 0, 1));
            pts.add(SweepPoint.of(0.05, 3.5));
            OptimalLrResult r = OptimalLr.fit(pts, OptimalLrOptions.defaults().withDivergenceLoss(3.4));
            assertEquals(9, r.used().size());
            assertTrue(
                    r.excluded().get(0).reason().contains("ceiling"),
                    r.excluded().toString());
        }

        @Test
        void fit_wallRuleDisabled_keepsHighLosses() {
            List<SweepPoint> pts = new ArrayList<>(sweep(0.001, 9, 0.004, 0.05, 3.0, 0, 1));
            pts.add(SweepPoint.of(0.128, 7.5));
            OptimalLrResult r =
                    OptimalLr.fit(pts, OptimalLrOptions.defaults().withMaxRelativeExcess(Double.POSITIVE_INFINITY));
            assertEquals(10, r.used().size());
        }

        @Test
        void fit_plantedOptimumAnywhereInsideGrid_recovered() {
            // Noise-free basins with random optimum, curvature and floor inside a 13-point grid: recovery is exact
            // up to round-off; 1e-9 in ln(eta*) leaves six orders of magnitude for the conditioning of the fit.
            qt().withFixedSeed(20260331L)
                    .withExamples(200)
                    .forAll(
                            doubles().between(Math.log(0.0012), Math.log(0.05)),
                            doubles().between(0.005, 2.0),
                            doubles().between(0.5, 8.0))
                    .checkAssert((lnStar, curvature, floor) -> {
                        OptimalLrResult r = OptimalLr.fit(
                                sweep(0.001, 13, Math.exp(lnStar), curvature, floor, 0, 0),
                                OptimalLrOptions.defaults()
                                        .withMaxRelativeExcess(Double.POSITIVE_INFINITY)
                                        .withBootstrap(
                                                BootstrapOptions.defaults().withResamples(0)));
                        assertTrue(r.isOk(), r.message());
                        assertEquals(lnStar, Math.log(r.etaStar()), 1e-9);
                        assertEquals(floor, r.lossMin(), 1e-9 * floor);
                    });
        }
    }

    @Nested
    class Refused {
        @Test
        void fit_optimumAboveRange_refusedWithUpwardSuggestion() {
            // Optimum at 0.05, sweep only up to 0.008: the loss is still falling at the top of the sweep.
            List<SweepPoint> pts = sweep(0.0005, 9, 0.05, 0.04, 3.0, 0.002, 5);
            OptimalLrResult r = OptimalLr.fit(pts);
            assertEquals(OptimalLrStatus.OPTIMUM_ABOVE_RANGE, r.status(), r.toString());
            assertTrue(Double.isNaN(r.etaStar()));
            assertTrue(r.message().contains("widen the sweep upward"), r.message());
            assertTrue(r.message().contains("does not extrapolate"), r.message());
            assertTrue(r.message().contains("e.g. add lr 0.016"), r.message());
            assertTrue(r.basin().isConvex(), "the basin is still reported for diagnostics");
        }

        @Test
        void fit_optimumBelowRange_refusedWithDownwardSuggestion() {
            List<SweepPoint> pts = sweep(0.004, 9, 0.0005, 0.04, 3.0, 0.002, 5);
            OptimalLrResult r = OptimalLr.fit(pts);
            assertEquals(OptimalLrStatus.OPTIMUM_BELOW_RANGE, r.status(), r.toString());
            assertTrue(r.message().contains("widen the sweep downward"), r.message());
            assertTrue(r.message().contains("e.g. add lr 0.002"), r.message());
        }

        @Test
        void fit_optimumAboveRangeWithDivergedRunsBeyond_suggestsLearningRatesBetween() {
            List<SweepPoint> pts = new ArrayList<>(sweep(0.0005, 9, 0.05, 0.04, 3.0, 0.002, 5));
            pts.add(SweepPoint.of(0.064, Double.NaN));
            OptimalLrResult r = OptimalLr.fit(pts);
            assertEquals(OptimalLrStatus.OPTIMUM_ABOVE_RANGE, r.status());
            assertTrue(r.message().contains("runs between 0.008 and 0.064"), r.message());
        }

        @Test
        void fit_concaveSweep_refusedWithWidenBothSides() {
            List<SweepPoint> pts = new ArrayList<>();
            for (int k = 0; k < 7; k++) {
                double lr = 0.001 * Math.pow(2, k);
                double d = Math.log(lr) - Math.log(0.008);
                pts.add(SweepPoint.of(lr, 3.5 - 0.02 * d * d));
            }
            OptimalLrResult r = OptimalLr.fit(pts);
            assertEquals(OptimalLrStatus.NOT_CONVEX, r.status(), r.toString());
            assertTrue(r.message().contains("not convex"), r.message());
            assertTrue(r.message().contains("widen the sweep on both sides"), r.message());
            assertTrue(r.message().contains("e.g. add lr 0.0005 and 0.128"), r.message());
            assertTrue(r.basin().a() < 0);
        }

        @Test
        void fit_monotoneDecreasingConvexSweep_refusedAsNotBracketed() {
            // Loss falls over the whole sweep and flattens (convex in ln(lr)): the quadratic puts a spurious minimum
            // inside the range, but the data never rise on the right, so the optimum is not bracketed.
            List<SweepPoint> pts = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                pts.add(SweepPoint.of(1e-4 * Math.pow(2, k), 3.0 + Math.exp(-k)));
            }
            OptimalLrResult r =
                    OptimalLr.fit(pts, OptimalLrOptions.defaults().withMaxRelativeExcess(Double.POSITIVE_INFINITY));
            assertEquals(OptimalLrStatus.OPTIMUM_ABOVE_RANGE, r.status(), r.toString());
            assertTrue(r.message().contains("the lowest loss is at the largest swept lr 0.0032"), r.message());
            assertTrue(r.message().contains("widen the sweep upward, e.g. add lr 0.0064, 0.0128"), r.message());
        }

        @Test
        void fit_monotoneDecreasingConcaveSweep_refusedAndNamesTheEdge() {
            List<SweepPoint> pts = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                pts.add(SweepPoint.of(1e-4 * Math.pow(2, k), 3.4 - 0.01 * k * k));
            }
            OptimalLrResult r = OptimalLr.fit(pts);
            assertEquals(OptimalLrStatus.NOT_CONVEX, r.status(), r.toString());
            assertTrue(
                    r.message().contains("the lowest loss is at the largest swept lr 0.0032, so extend upward first"),
                    r.message());
        }

        @Test
        void fit_tooFewUsablePoints_refusedAndCountsExclusions() {
            List<SweepPoint> pts = List.of(
                    SweepPoint.of(0.001, 3.2),
                    SweepPoint.of(0.002, 3.0),
                    SweepPoint.of(0.004, Double.NaN),
                    SweepPoint.of(0.008, Double.NaN));
            OptimalLrResult r = OptimalLr.fit(pts);
            assertEquals(OptimalLrStatus.TOO_FEW_POINTS, r.status());
            assertTrue(
                    r.message().startsWith("only 2 distinct learning rates usable out of 4 runs (2 diverged"),
                    r.message());
            assertTrue(r.message().contains("add runs around lr 0.002"), r.message());
        }

        @Test
        void fit_repeatedSeedsAtTwoLearningRates_tooFewDistinct() {
            List<SweepPoint> pts = List.of(
                    SweepPoint.of(0.001, 3.2),
                    SweepPoint.of(0.001, 3.21),
                    SweepPoint.of(0.002, 3.0),
                    SweepPoint.of(0.002, 3.01));
            assertEquals(OptimalLrStatus.TOO_FEW_POINTS, OptimalLr.fit(pts).status());
        }

        @Test
        void fit_allDiverged_suggestsSmallerLearningRates() {
            List<SweepPoint> pts = List.of(SweepPoint.of(0.1, Double.NaN), SweepPoint.of(0.2, Double.NaN));
            OptimalLrResult r = OptimalLr.fit(pts);
            assertEquals(OptimalLrStatus.TOO_FEW_POINTS, r.status());
            assertTrue(r.message().endsWith("rerun the sweep with smaller learning rates"), r.message());
        }

        @Test
        void fitOrThrow_refusal_throwsIaeWithMessage() {
            List<SweepPoint> pts = sweep(0.0005, 9, 0.05, 0.04, 3.0, 0.002, 5);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> OptimalLr.fitOrThrow(pts, OptimalLrOptions.defaults()));
            assertTrue(e.getMessage().startsWith("optimum not bracketed"), e.getMessage());
        }

        @Test
        void toMap_refusal_hasNullEstimateAndReason() {
            OptimalLrResult r = OptimalLr.fit(sweep(0.0005, 9, 0.05, 0.04, 3.0, 0.002, 5));
            assertEquals("optimum_above_range", r.toMap().get("status"));
            assertEquals(r.message(), r.toMap().get("refusal"));
            assertTrue(Double.isNaN((Double) r.toMap().get("eta_star")));
        }
    }

    @Test
    void options_badValues_throwIae() {
        assertThrows(
                IllegalArgumentException.class,
                () -> OptimalLrOptions.defaults().withMinPoints(2));
        assertThrows(
                IllegalArgumentException.class,
                () -> OptimalLrOptions.defaults().withMaxRelativeExcess(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> OptimalLrOptions.defaults().withMaxRelativeExcess(Double.NaN));
        assertThrows(
                IllegalArgumentException.class,
                () -> OptimalLrOptions.defaults().withDivergenceLoss(Double.NaN));
        assertThrows(
                IllegalArgumentException.class,
                () -> BootstrapOptions.defaults().withLevel(1.0));
        assertThrows(
                IllegalArgumentException.class,
                () -> BootstrapOptions.defaults().withResamples(-1));
    }
}
