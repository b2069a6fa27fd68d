package io.hyperp.scaling.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FittingParadigmLawTest {
    @Test
    void fit_pointsOnPublishedLaw_recoversIt() {
        FittingParadigmLaw truth = FittingParadigmLaw.ZHOU_2026_MOE;
        double[] n = new double[9];
        double[] d = new double[9];
        double[] eta = new double[9];
        int i = 0;
        for (double params : new double[] {1e8, 5e8, 2e9}) {
            for (double tokens : new double[] {2e10, 1e11, 5e11}) {
                n[i] = params;
                d[i] = tokens;
                eta[i++] = truth.predict(params, tokens);
            }
        }
        FittingParadigmLaw law = FittingParadigmLaw.from(
                FittingParadigmLaw.fit(n, d, eta, BootstrapOptions.defaults().withResamples(0)));
        // Exact data: only round-off in ln values near 25, so 1e-10 on the exponents and 1e-8 on ln c.
        assertEquals(truth.alpha(), law.alpha(), 1e-10);
        assertEquals(truth.beta(), law.beta(), 1e-10);
        assertEquals(Math.log(truth.c()), Math.log(law.c()), 1e-8);
    }

    @Test
    void fit_fixedTokensPerParameter_throwsCollinear() {
        double[] n = {1e8, 2e8, 4e8};
        double[] d = {2e9, 4e9, 8e9};
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> FittingParadigmLaw.fit(n, d, new double[] {0.01, 0.008, 0.006}, BootstrapOptions.defaults()));
        assertTrue(e.getMessage().contains("collinear"), e.getMessage());
    }

    @Test
    void from_wrongPredictors_throwsIae() {
        PowerLawFit f = PowerLaw.fit(
                new double[] {1, 2, 4},
                new double[] {1, 0.7, 0.5},
                BootstrapOptions.defaults().withResamples(0));
        assertThrows(IllegalArgumentException.class, () -> FittingParadigmLaw.from(f));
    }

    @Test
    void predict_publishedLaw_matchesFormula() {
        FittingParadigmLaw law = FittingParadigmLaw.ZHOU_2026_MOE;
        double expected = Math.exp(Math.log(38.4588) - 0.2219 * Math.log(1e9) - 0.3509 * Math.log(1e11));
        assertEquals(expected, law.predict(1e9, 1e11), expected * 1e-14);
    }
}
