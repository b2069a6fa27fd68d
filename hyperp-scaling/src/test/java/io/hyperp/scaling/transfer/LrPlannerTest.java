package io.hyperp.scaling.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.scaling.fit.OptimalLr;
import io.hyperp.scaling.fit.OptimalLrOptions;
import io.hyperp.scaling.fit.OptimalLrResult;
import io.hyperp.scaling.sweep.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

class LrPlannerTest {
    private static final double LEVEL = 0.95;

    /** A five-point sweep a factor 2 apart around etaStar, with a fixed pattern of noise so the bootstrap has spread. */
    private static OptimalLrResult sweep(double etaStar, double noise) {
        double[] pattern = {1, -1, 0.5, -0.5, 1};
        List<SweepPoint> points = new ArrayList<>();
        for (int j = -2; j <= 2; j++) {
            double lr = etaStar * Math.pow(2, j + 0.3);
            double x = Math.log(lr / etaStar);
            points.add(SweepPoint.of(lr, 3 + 0.1 * x * x + noise * pattern[j + 2]));
        }
        OptimalLrResult r = OptimalLr.fit(points, OptimalLrOptions.defaults());
        assertTrue(r.isOk(), r.message());
        return r;
    }

    @Test
    void oneBase_rule_isTheBaseIntervalTimesTheFactor() {
        OptimalLrResult base = sweep(0.02, 0.003);
        Scale b = Scale.of(Axis.DEPTH, 4);
        Scale t = Scale.of(Axis.DEPTH, 16);
        PlannedLr p = LrPlanner.byRule(PlanningRule.hyperp(), List.of(b), List.of(base), t, LEVEL);
        // sqrt(4/16) = 0.5, and the interval is carried over exactly (weight 1)
        double rel = 1e-14; // a log and an exp of each end
        assertEquals(base.etaStar() * 0.5, p.eta(), rel * p.eta());
        assertEquals(base.interval().low() * 0.5, p.interval().low(), rel * p.eta());
        assertEquals(base.interval().high() * 0.5, p.interval().high(), rel * p.eta());
        assertEquals(List.of(1.0), p.weights());
        assertEquals("rule hyperp", p.method());
    }

    @Test
    void constantLaw_matchesTransferQualitysExtrapolation() {
        List<OptimalLrResult> fits = List.of(sweep(0.03, 0.003), sweep(0.02, 0.002), sweep(0.015, 0.001));
        List<Scale> scales = List.of(Scale.of(Axis.WIDTH, 32), Scale.of(Axis.WIDTH, 64), Scale.of(Axis.WIDTH, 128));
        StudyReport study = TransferQuality.acrossScales(Axis.WIDTH, scales, fits);
        double predicted = study.quality().extrapolation().etaPredicted();
        PlannedLr law = LrPlanner.byLaw(List.of(), scales.subList(0, 2), fits.subList(0, 2), scales.get(2), LEVEL);
        PlannedLr rule =
                LrPlanner.byRule(PlanningRule.hyperp(), scales.subList(0, 2), fits.subList(0, 2), scales.get(2), LEVEL);
        // the same log-log fit as TransferQuality: identical arithmetic
        assertEquals(predicted, law.eta(), 0.0);
        // HyperP's width factor is 1, so the rule's geometric mean is the constant law
        assertEquals(predicted, rule.eta(), 0.0);
        // geometric mean by hand: sqrt(eta1 * eta2)
        assertEquals(Math.sqrt(fits.get(0).etaStar() * fits.get(1).etaStar()), law.eta(), 1e-15);
        assertEquals(List.of(0.5, 0.5), rule.weights());
        assertEquals(law.interval(), rule.interval());
    }

    @Test
    void powerLaw_twoBases_weightsAndIntervalByHand() {
        // ln eta(x) through (ln 1, ln eta1) and (ln 4, ln eta2), evaluated at ln 16 = 2 ln 4:
        // ln eta = ln eta1 + 2 (ln eta2 - ln eta1) = -1 ln eta1 + 2 ln eta2, so the weights are (-1, 2)
        OptimalLrResult f1 = sweep(0.04, 0.003);
        OptimalLrResult f2 = sweep(0.01, 0.002);
        PlannedLr p = LrPlanner.byLaw(
                List.of(Axis.WIDTH),
                List.of(Scale.of(Axis.WIDTH, 1), Scale.of(Axis.WIDTH, 4)),
                List.of(f1, f2),
                Scale.of(Axis.WIDTH, 16),
                LEVEL);
        double e1 = f1.etaStar();
        double e2 = f2.etaStar();
        assertEquals(e2 * e2 / e1, p.eta(), 1e-12 * p.eta(), "least squares through two points: rounding only");
        assertEquals(-1, p.weights().get(0), 1e-12, "weights from unit perturbations of a log-log fit");
        assertEquals(2, p.weights().get(1), 1e-12, "weights from unit perturbations of a log-log fit");
        // lower end: weight -1 takes base 1's upper side, weight 2 base 2's lower side, in quadrature
        double z = new NormalDistribution().inverseCumulativeProbability(0.975);
        double up1 = Math.log(f1.interval().high() / e1) / z;
        double down2 = Math.log(e2 / f2.interval().low()) / z;
        double lo = Math.exp(Math.log(p.eta()) - z * Math.hypot(up1, 2 * down2));
        assertEquals(lo, p.interval().low(), 1e-12 * lo, "the documented split-normal propagation");
        assertTrue(p.interval().low() < p.eta() && p.eta() < p.interval().high());
    }

    @Test
    void badInput_refused() {
        OptimalLrResult f = sweep(0.02, 0.003);
        Scale s = Scale.of(Axis.WIDTH, 64);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LrPlanner.byLaw(List.of(Axis.WIDTH), List.of(s), List.of(f), s, LEVEL));
        assertEquals("a law in 1 axis needs at least 2 base scales, found 1", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> LrPlanner.byRule(
                        PlanningRule.mup(), List.of(s.with(Axis.DEPTH, 2)), List.of(f), s.with(Axis.DEPTH, 4), LEVEL));
        assertTrue(e.getMessage().startsWith("rule mup does not cover depth (2 -> 4)"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> LrPlanner.byRule(PlanningRule.hyperp(), List.of(), List.of(), s, LEVEL));
        assertEquals("a plan needs at least one base scale, found none", e.getMessage());
    }
}
