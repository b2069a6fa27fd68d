package io.hyperp.scaling.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;

import java.util.List;
import org.junit.jupiter.api.Test;

class PowerLawWithOffsetTest {
    private static final BootstrapOptions NONE = BootstrapOptions.defaults().withResamples(0);

    @Test
    void fit_exactDecayWithFloor_recoversParameters() {
        qt().withFixedSeed(7L)
                .withExamples(60)
                .forAll(
                        doubles().between(0.1, 0.6),
                        doubles().between(0.5, 3.0),
                        doubles().between(1.5, 4.0))
                .checkAssert((gamma, logA, floor) -> {
                    double a = Math.pow(10, logA);
                    double[] d = new double[8];
                    double[] l = new double[8];
                    for (int i = 0; i < 8; i++) {
                        d[i] = 1e8 * Math.pow(10, i * 0.4);
                        l[i] = floor + a * Math.pow(d[i], -gamma);
                    }
                    PowerLawFit f = PowerLawWithOffset.fit(d, l, NONE);
                    // Exact data: the solver stops at a relative sum-of-squares change of 1e-12, which leaves parameter
                    // errors far below 1e-6 relative for these well-separated curves (the floor sits within a factor 10
                    // of the decaying part at the largest D).
                    assertEquals(-gamma, f.exponent("x"), 1e-6 * gamma);
                    assertEquals(floor, f.offset(), 1e-6 * floor);
                    assertEquals(a, f.coefficient(), 1e-5 * a);
                });
    }

    @Test
    void fit_increasingLawBelowItsOffset_recoversNegativeCoefficient() {
        double[] x = {1, 2, 4, 8, 16, 32};
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 5.0 - 3.0 * Math.pow(x[i], -0.7);
        }
        PowerLawFit f = PowerLawWithOffset.fit(x, y, NONE);
        // Exact data, well conditioned (x spans 1.5 decades): 1e-7 relative is two orders above the solver's
        // parameter tolerance.
        assertEquals(-3.0, f.coefficient(), 3e-7);
        assertEquals(-0.7, f.exponent("x"), 1e-7);
        assertEquals(5.0, f.offset(), 5e-7);
    }

    @Test
    void fit_twoPredictorsWithOffset_recoversAll() {
        double[][] x = new double[12][];
        double[] y = new double[12];
        int i = 0;
        for (double n : new double[] {1e7, 3e7, 1e8, 3e8}) {
            for (double d : new double[] {1e9, 1e10, 1e11}) {
                x[i] = new double[] {n, d};
                y[i++] = 0.002 + 40 * Math.pow(n, -0.25) * Math.pow(d, -0.3);
            }
        }
        PowerLawFit f = PowerLawWithOffset.fit(x, y, List.of("params", "tokens"), NONE);
        assertEquals(-0.25, f.exponent("params"), 1e-6);
        assertEquals(-0.3, f.exponent("tokens"), 1e-6);
        assertEquals(0.002, f.offset(), 1e-8);
        assertTrue(f.hasOffset());
    }

    @Test
    void fit_caseBootstrap_intervalsAroundEstimates() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(21);
        double[] x = new double[12];
        double[] y = new double[12];
        for (int i = 0; i < 12; i++) {
            x[i] = 1e8 * Math.pow(10, i * 0.3);
            y[i] = 2.0 + 50 * Math.pow(x[i], -0.3) + 0.005 * rnd.nextGaussian();
        }
        PowerLawFit f = PowerLawWithOffset.fit(
                x, y, BootstrapOptions.defaults().withResamples(300).withMethod(BootstrapMethod.CASES));
        assertTrue(f.offsetInterval().contains(f.offset()), f.toString());
        assertTrue(f.exponentIntervals().get("x").contains(f.exponent("x")), f.toString());
        // Resamples with fewer than 3 distinct abscissae are refused, not fitted: with 12 points that is rare.
        assertTrue(f.bootstrap().failures() < 30, f.toString());
    }

    @Test
    void fit_tooFewPoints_throwsIae() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PowerLawWithOffset.fit(new double[] {1, 2}, new double[] {3, 2}, NONE));
        assertTrue(e.getMessage().contains("2 points cannot determine 3 parameters"), e.getMessage());
    }

    @Test
    void lossVsTokens_exactLaw_recoversL0AGamma() {
        double[] d = {2e9, 4e9, 8e9, 16e9, 32e9, 64e9, 128e9};
        double[] l = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            l[i] = 2.1 + 400 * Math.pow(d[i], -0.28);
        }
        LossVsTokens law = LossVsTokens.fit(d, l, BootstrapOptions.defaults().withResamples(200));
        assertEquals(2.1, law.l0(), 2.1e-6);
        assertEquals(0.28, law.gamma(), 0.28e-5);
        assertEquals(400, law.a(), 400e-4);
        assertEquals(l[3], law.loss(d[3]), 1e-9);
        assertTrue(law.gammaInterval().contains(law.gamma()), law.toString());
    }
}
