package io.hyperp.scaling.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LossVsComputeTest {
    private static final BootstrapOptions NONE = BootstrapOptions.defaults().withResamples(0);
    private static final double[] C = {1e18, 3e18, 1e19, 3e19, 1e20, 3e20, 1e21};

    private static double[] law(double a, double b, double e) {
        double[] l = new double[C.length];
        for (int i = 0; i < C.length; i++) {
            l[i] = a * Math.pow(C[i], -b) + e;
        }
        return l;
    }

    @Test
    void fit_interiorSolution_recoversParameters() {
        LossVsCompute f = LossVsCompute.fit(C, law(120, 0.11, 1.8), NONE);
        assertEquals("interior", f.solution());
        // Exact data with C over three decades; A is the worst-determined parameter (it trades off against b at
        // C ~ 1e20, where C^-b ~ 0.006), so 1e-4 relative for A and 1e-6 for b and E.
        assertEquals(0.11, f.b(), 0.11e-6);
        assertEquals(1.8, f.e(), 1.8e-6);
        assertEquals(120, f.a(), 120e-4);
        assertEquals(1.0, f.r2(), 1e-10);
    }

    @Test
    void fit_floorAboveMinimumLossUnconstrained_clampedToBoundary() {
        // Loss keeps dropping faster at high compute than a power law with floor allows: the unconstrained offset
        // goes negative, so E is held at its bound 0.
        double[] l = {4.0, 3.3, 2.7, 2.2, 1.75, 1.35, 1.0};
        LossVsCompute f = LossVsCompute.fit(C, l, NONE);
        assertTrue(f.e() >= 0 && f.e() <= 1.0, f.toString());
        assertTrue(f.a() >= 0 && f.b() >= 0, f.toString());
        assertEquals("e_zero", f.solution(), f.toString());
    }

    @Test
    void fit_lossIncreasingWithCompute_flatLaw() {
        double[] l = {3.0, 3.05, 3.1, 3.12, 3.2, 3.22, 3.3};
        LossVsCompute f = LossVsCompute.fit(C, l, NONE);
        assertEquals("flat", f.solution());
        assertEquals(0.0, f.b(), 0.0);
        assertEquals(3.0, f.e(), 0.0, "E sits at the minimum observed loss");
    }

    @Test
    void fit_noisyData_satisfiesConstraintsInEveryResampleInterval() {
        SplittableRandom rnd = new SplittableRandom(3);
        double[] l = law(120, 0.11, 1.8);
        for (int i = 0; i < l.length; i++) {
            l[i] += 0.003 * rnd.nextGaussian();
        }
        LossVsCompute f = LossVsCompute.fit(C, l, BootstrapOptions.defaults().withResamples(300));
        double minLoss = java.util.Arrays.stream(l).min().orElseThrow();
        assertTrue(f.eInterval().low() >= 0 && f.eInterval().high() <= minLoss + 0.05, f.toString());
        assertTrue(f.bInterval().low() >= 0, f.toString());
        assertTrue(f.aInterval().low() >= 0, f.toString());
    }

    @Test
    void computeFor_inverseOfLoss() {
        LossVsCompute f = LossVsCompute.of(120, 0.11, 1.8);
        assertEquals(3e20, f.computeFor(f.loss(3e20)), 3e20 * 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, f.computeFor(1.8));
        assertEquals(Double.POSITIVE_INFINITY, f.computeFor(1.0));
    }

    @Test
    void of_negativeParameter_throwsIae() {
        assertThrows(IllegalArgumentException.class, () -> LossVsCompute.of(-1, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> LossVsCompute.of(1, Double.NaN, 1));
    }
}
