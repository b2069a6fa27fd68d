package io.hyperp.scaling.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;

import java.util.List;
import org.junit.jupiter.api.Test;

class PowerLawTest {
    private static final BootstrapOptions NONE = BootstrapOptions.defaults().withResamples(0);

    @Test
    void fit_exactPowerLaw_recoversParameters() {
        double[] t = {1e9, 3e9, 1e10, 3e10, 1e11};
        double[] eta = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            eta[i] = 25.0 * Math.pow(t[i], -0.32);
        }
        PowerLawFit f = PowerLaw.fit(t, eta, BootstrapOptions.defaults());
        // Noise-free log-log data: least squares is exact up to round-off in ln values of size ~25, i.e. ~1e-14
        // absolute on the log scale; 1e-12 leaves a factor 100.
        assertEquals(-0.32, f.exponent("x"), 1e-12);
        assertEquals(25.0, f.coefficient(), 25.0 * 1e-11);
        assertEquals(1.0, f.r2(), 1e-12);
        assertFalse(f.hasOffset());
        assertEquals(eta[2], f.predict(1e10), eta[2] * 1e-12);
        assertEquals(5, f.points());
        assertEquals(List.of("x"), f.data().names());
        assertEquals(3e9, f.data().x().get(1).get(0), 0.0, "the fit reports the data it used");
        assertEquals(eta[4], f.data().y().get(4), 0.0);
    }

    @Test
    void fit_twoPredictors_recoversBothExponents() {
        qt().withFixedSeed(42L)
                .withExamples(100)
                .forAll(
                        doubles().between(-1, 1),
                        doubles().between(-1, 1),
                        doubles().between(-3, 3))
                .checkAssert((alpha, beta, lnC) -> {
                    double[][] x = new double[9][];
                    double[] y = new double[9];
                    int i = 0;
                    for (double n : new double[] {1e7, 1e8, 1e9}) {
                        for (double d : new double[] {1e9, 1e10, 1e11}) {
                            x[i] = new double[] {n, d};
                            y[i++] = Math.exp(lnC) * Math.pow(n, alpha) * Math.pow(d, beta);
                        }
                    }
                    PowerLawFit f = PowerLaw.fit(x, y, List.of("n", "d"), NONE);
                    // Exact data; the design's log columns span 4.6 units around ln values near 20: round-off only.
                    assertEquals(alpha, f.exponent("n"), 1e-10);
                    assertEquals(beta, f.exponent("d"), 1e-10);
                    assertEquals(lnC, Math.log(f.coefficient()), 1e-8);
                });
    }

    @Test
    void fit_noPredictors_isGeometricMean() {
        PowerLawFit f = PowerLaw.fit(new double[][] {{}, {}, {}}, new double[] {1, 2, 4}, List.of(), NONE);
        assertEquals(2.0, f.coefficient(), 1e-15);
        assertEquals(2.0, f.predict(), 1e-15);
    }

    @Test
    void fit_noisyData_intervalsContainEstimates() {
        double[] x = {1, 2, 4, 8, 16, 32, 64};
        double[] y = {10.3, 7.9, 5.2, 4.1, 2.9, 2.3, 1.6};
        PowerLawFit f = PowerLaw.fit(x, y, BootstrapOptions.defaults());
        assertTrue(f.exponentIntervals().get("x").contains(f.exponent("x")));
        assertTrue(f.coefficientInterval().contains(f.coefficient()));
        assertEquals(1000, f.bootstrap().resamples());
        assertEquals(f, PowerLaw.fit(x, y, BootstrapOptions.defaults()), "seeded: identical refit");
    }

    @Test
    void fit_nonPositiveResponse_throwsIaeNamingIndex() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PowerLaw.fit(new double[] {1, 2, 3}, new double[] {1, -2, 3}, NONE));
        assertTrue(e.getMessage().contains("y[1] (-2.0) must be positive"), e.getMessage());
    }

    @Test
    void fit_nanPredictor_throwsIae() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PowerLaw.fit(new double[] {1, Double.NaN, 3}, new double[] {1, 2, 3}, NONE));
        assertTrue(e.getMessage().contains("x[1]"), e.getMessage());
    }

    @Test
    void fit_collinearPredictors_throwsIae() {
        double[][] x = {{1, 20}, {2, 40}, {4, 80}, {8, 160}};
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PowerLaw.fit(x, new double[] {1, 2, 3, 4}, List.of("n", "d"), NONE));
        assertTrue(e.getMessage().contains("collinear"), e.getMessage());
    }

    @Test
    void fit_tooFewPoints_throwsIae() {
        assertThrows(IllegalArgumentException.class, () -> PowerLaw.fit(new double[] {1}, new double[] {1}, NONE));
    }

    @Test
    void fit_reservedOrDuplicateName_throwsIae() {
        double[][] x = {{1, 2}, {2, 3}, {3, 5}, {4, 4}};
        double[] y = {1, 2, 3, 4};
        assertThrows(IllegalArgumentException.class, () -> PowerLaw.fit(x, y, List.of("a", "a"), NONE));
        assertThrows(IllegalArgumentException.class, () -> PowerLaw.fit(x, y, List.of("a", "offset"), NONE));
    }

    @Test
    void toMap_hasDocumentedKeys() {
        PowerLawFit f =
                PowerLaw.fit(new double[] {1, 2, 4, 8}, new double[] {8, 4.2, 1.9, 1.05}, BootstrapOptions.defaults());
        assertEquals(
                List.of("coefficient", "exponents", "offset", "r2", "ci", "points"),
                List.copyOf(f.toMap().keySet()));
        assertEquals(null, f.toMap().get("offset"));
    }
}
