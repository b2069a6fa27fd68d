package io.hyperp.scaling.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.scaling.sweep.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lopsided sweeps with a planted optimum: steep on the small-lr side, flat on the large-lr side, as the demo's
 * narrow models show. The quadratic over all points misreads them; the fit must say so and locate the optimum
 * from the points around the minimum.
 */
class LopsidedFitTest {
    private static final double PLANTED = 0.02;

    /**
     * A lopsided basin in x = ln(lr / planted): \( L = 2.7 + h (e^{-k x} + k x - 1) / k^2 \), minimal at x = 0
     * with curvature h/2 there, an exponential wall to the left and a linear rise to the right.
     */
    private static double loss(double lr, double h, double k) {
        double x = Math.log(lr / PLANTED);
        return 2.7 + h * (Math.exp(-k * x) + k * x - 1) / (k * k);
    }

    private static List<SweepPoint> sweep(double k, int seeds, double noise) {
        List<SweepPoint> pts = new ArrayList<>();
        // A fixed pattern of perturbations (exactly reproducible), alternating in sign across seeds.
        double[] bumps = {0.5, -0.8, 0.3, -0.2, 0.9, -0.6, 0.1};
        for (int s = 0; s < seeds; s++) {
            // Grid 0.01 .. 0.64, a factor 2 apart: the planted optimum is one step from the small end.
            for (int i = 0; i < 7; i++) {
                double lr = 0.01 * Math.pow(2, i);
                double e = noise * bumps[(i + 3 * s) % bumps.length] * (s % 2 == 0 ? 1 : -1);
                pts.add(SweepPoint.of(lr, loss(lr, 0.1, k) + e));
            }
        }
        return pts;
    }

    /** The optimum of the quadratic in ln(lr) over every point (no exclusion applies: all lie within 20%). */
    private static double fullQuadratic(List<SweepPoint> pts) {
        double[] x = pts.stream().mapToDouble(p -> Math.log(p.learningRate())).toArray();
        double[] y = pts.stream().mapToDouble(SweepPoint::loss).toArray();
        double[][] d = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            d[i] = new double[] {x[i] * x[i], x[i], 1};
        }
        double[] beta = io.hyperp.scaling.internal.LinearLeastSquares.of(d).solve(y);
        return Math.exp(-beta[1] / (2 * beta[0]));
    }

    @Test
    void fit_optimumMoreThanAStepFromTheBestPoint_localFitWithinHalfAStep() {
        List<SweepPoint> pts = sweep(4, 1, 0);
        double full = fullQuadratic(pts);
        // The premise: the flat right side pulls the full quadratic more than a step (a factor 2) to the right.
        assertTrue(full > 2 * PLANTED, "full quadratic eta* " + full);
        OptimalLrResult r = OptimalLr.fit(pts);
        assertEquals(OptimalLrStatus.OK, r.status(), r.message());
        assertEquals(OptimalLrEstimator.LOCAL_QUADRATIC, r.estimator());
        assertTrue(r.message().startsWith("the quadratic over all points misreads this sweep (its eta* "), r.message());
        assertTrue(r.message().contains("sweep steps from the best swept lr 0.02"), r.message());
        assertTrue(r.message().contains("the 3 learning rates from 0.01 to 0.04"), r.message());
        // The three points around the minimum still see some asymmetry: within half a step of the planted optimum
        // (computed: 0.0258, 0.37 steps), where the full quadratic is 1.5 steps off.
        assertTrue(Math.abs(Math.log(r.etaStar() / PLANTED)) < 0.5 * Math.log(2), "local eta* " + r.etaStar());
        assertEquals("local_quadratic", r.toMap().get("estimator"));
        // One run per learning rate: the local fit is exact, so it has no interval.
        assertFalse(r.interval().isKnown());
    }

    @Test
    void fit_structuredResidualsWithSeeds_localFitWithAnInterval() {
        List<SweepPoint> pts = sweep(3, 2, 0.001);
        // The premise: the full quadratic lies within a step of the best point (computed: 0.034), so only the
        // structure of its residuals can show that it misreads the sweep.
        double full = fullQuadratic(pts);
        assertTrue(full < 2 * PLANTED && full > PLANTED, "full quadratic eta* " + full);
        OptimalLrResult r = OptimalLr.fit(pts);
        assertEquals(OptimalLrStatus.OK, r.status(), r.message());
        assertEquals(OptimalLrEstimator.LOCAL_QUADRATIC, r.estimator(), r.message());
        assertTrue(r.message().contains("its residuals have structure: a cubic term removes"), r.message());
        // Bumps of 0.001 against a basin rising ~0.02 per step: the local optimum stays within half a step
        // (noise-free: 0.0247).
        assertTrue(Math.abs(Math.log(r.etaStar() / PLANTED)) < 0.5 * Math.log(2), "local eta* " + r.etaStar());
        // Two seeds at three learning rates leave three residual degrees of freedom: an interval exists.
        assertTrue(r.interval().isKnown(), r.toString());
    }

    @Test
    void fit_symmetricBasin_keepsTheFullQuadratic() {
        List<SweepPoint> pts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            double lr = 0.0025 * Math.pow(2, i);
            double d = Math.log(lr / PLANTED);
            pts.add(SweepPoint.of(lr, 2.7 + 0.05 * d * d));
        }
        OptimalLrResult r = OptimalLr.fit(pts);
        assertEquals(OptimalLrEstimator.QUADRATIC, r.estimator());
        assertEquals("", r.message());
        // Exact quadratic data: round-off only.
        assertEquals(PLANTED, r.etaStar(), 1e-12);
    }
}
