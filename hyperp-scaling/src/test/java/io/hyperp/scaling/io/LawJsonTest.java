package io.hyperp.scaling.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.scaling.fit.BootstrapOptions;
import io.hyperp.scaling.fit.FittingParadigmLaw;
import io.hyperp.scaling.fit.PowerLawFit;
import io.hyperp.scaling.fit.PowerLawWithOffset;
import io.hyperp.scaling.transfer.Axis;
import io.hyperp.scaling.transfer.FittedLaw;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LawJsonTest {
    @TempDir
    Path dir;

    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> LawJson.parse(json))
                .getMessage();
    }

    @Test
    void roundTrip_ofAFittingParadigmFit_sameLaw() throws Exception {
        // planted law eta* = 38.4588 N^-0.2219 D^-0.3509 at a grid of (N, D), fitted and written as fit-law does
        double[] n = {1e8, 1e8, 1e9, 1e9, 1e10, 3e9};
        double[] d = {1e10, 1e11, 1e10, 1e11, 1e12, 3e11};
        double[] eta = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            eta[i] = FittingParadigmLaw.ZHOU_2026_MOE.predict(n[i], d[i]);
        }
        PowerLawFit fit =
                FittingParadigmLaw.fit(n, d, eta, BootstrapOptions.defaults().withResamples(50));
        Path file = dir.resolve("law.json");
        Json.write(fit.toMap(), file);
        FittedLaw law = LawJson.read(file);
        // Json writes doubles with Double.toString, which round-trips exactly
        assertEquals(fit.coefficient(), law.coefficient(), 0.0);
        assertEquals(fit.exponent("params"), law.exponents().get(Axis.PARAMS), 0.0);
        assertEquals(fit.exponent("tokens"), law.exponents().get(Axis.TOKENS), 0.0);
        // an exact law is recovered to the rounding of the log-log least squares
        assertEquals(-0.2219, law.exponents().get(Axis.PARAMS), 1e-9);
        assertEquals(-0.3509, law.exponents().get(Axis.TOKENS), 1e-9);
    }

    @Test
    void otherShapes_refusedWithTheFix() {
        assertEquals(
                "law: expected a JSON object as written by hyperp fit-law --json, found an array",
                error("[{\"eta_star\": 0.01}]"));
        assertTrue(error("{\"coefficient\": 2, \"exponents\": {\"params\": -0.5}, \"offset\": 0.001}")
                .startsWith("law: the law has an offset (0.001), so it is not a power law"));
        assertTrue(error("{\"coefficient\": 2, \"exponents\": {\"x\": -0.5}, \"offset\": null}")
                .startsWith("law: predictor 'x' is not a scaling axis"));
        assertEquals(
                "law: no \"coefficient\"; expected the output of hyperp fit-law --json",
                error("{\"exponents\": {\"params\": -0.5}}"));
        assertEquals(
                "law: no \"exponents\"; expected the output of hyperp fit-law --json", error("{\"coefficient\": 1}"));
        assertEquals(
                "law: coefficient (-1.0) must be positive and finite",
                error("{\"coefficient\": -1, \"exponents\": {\"params\": -0.5}}"));
        assertEquals(
                "law: exponent of params must be a number, found a string",
                error("{\"coefficient\": 1, \"exponents\": {\"params\": \"-0.5\"}}"));
        assertEquals(
                "law: \"exponents\" is empty; a law needs at least one axis",
                error("{\"coefficient\": 1, \"exponents\": {}}"));
        assertTrue(error("{\"coefficient\": 1, \"coefficient\": 2}").startsWith("law: not valid JSON at line 1"));
        assertTrue(error("{\"coefficient\": 1,").startsWith("law: not valid JSON"));
        assertEquals("law: expected a JSON object as written by hyperp fit-law --json, found nothing", error(""));
    }

    @Test
    void offsetFit_asWritten_refused() throws Exception {
        double[] x = {1, 2, 4, 8, 16, 32};
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 3 * Math.pow(x[i], -0.5) + 0.25;
        }
        PowerLawFit fit = PowerLawWithOffset.fit(
                PowerLawWithOffsetRows.rows(x),
                y,
                List.of("tokens"),
                BootstrapOptions.defaults().withResamples(0));
        Path file = dir.resolve("offset.json");
        Files.writeString(file, Json.write(fit.toMap()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LawJson.read(file));
        assertTrue(e.getMessage().startsWith(file + ": the law has an offset"), e.getMessage());
    }

    @Test
    void missingFile_badInput() {
        Path file = dir.resolve("none.json");
        assertEquals(
                file + ": no such file",
                assertThrows(IllegalArgumentException.class, () -> LawJson.read(file))
                        .getMessage());
    }

    /** One predictor as rows. */
    private static final class PowerLawWithOffsetRows {
        static double[][] rows(double[] x) {
            double[][] r = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
                r[i] = new double[] {x[i]};
            }
            return r;
        }
    }
}
