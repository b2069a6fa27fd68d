package io.hyperp.examples.planning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the example on a planted sweep and on a very short measured one. */
class PlanningExampleTest {

    @TempDir
    Path dir;

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            PlanningExample.main(args);
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * A sweep with planted optima: loss = 2.5 + 0.05 (ln lr - ln eta*)^2 plus a fixed +-0.002 wiggle, with
     * eta* = 0.03 (width / 64)^-0.5 at widths 32, 64 and 128 (depth 2), and a muon sweep the example must
     * ignore.
     */
    @Test
    void main_plantedCsv_findsTheOptimaTheLawAndTheTransfer() throws Exception {
        StringBuilder csv = new StringBuilder("lr,loss,method,width,depth\n");
        int i = 0;
        for (int width : new int[] {32, 64, 128}) {
            double eta = 0.03 * Math.pow(width / 64.0, -0.5);
            for (int j = -3; j <= 3; j++) {
                double lr = 0.03 * Math.pow(2, j);
                double x = Math.log(lr) - Math.log(eta);
                double loss = 2.5 + 0.05 * x * x + (i++ % 2 == 0 ? 0.002 : -0.002);
                csv.append(String.format(Locale.ROOT, "%s,%s,hyperp,%d,2%n", lr, loss, width));
                csv.append(String.format(Locale.ROOT, "%s,%s,muon,%d,2%n", lr, 9.0 - loss, width));
            }
        }
        Path file = Files.writeString(dir.resolve("runs.csv"), csv.toString());
        String printed = run("--csv", file.toString());

        for (int width : new int[] {32, 64, 128}) {
            Matcher m =
                    Pattern.compile("width " + width + ": eta\\* ([0-9.e-]+) ").matcher(printed);
            assertTrue(m.find(), printed);
            double planted = 0.03 * Math.pow(width / 64.0, -0.5);
            // The +-0.002 wiggle on a basin of curvature 0.05 moves the fitted vertex by well under 5%.
            assertEquals(planted, Double.parseDouble(m.group(1)), 0.05 * planted, printed);
        }
        Matcher law = Pattern.compile("width\\^([0-9.e-]+),").matcher(printed);
        assertTrue(law.find(), printed);
        assertEquals(-0.5, Double.parseDouble(law.group(1)), 0.05, "the planted exponent: " + printed);
        assertTrue(printed.contains("width 512 by rule hyperp: eta "), printed);
        assertTrue(printed.contains("width 512 by law in width: eta "), printed);
        // HyperP: width factor 1 by construction, depth 2 -> 8 by sqrt(2/8).
        assertTrue(
                Pattern.compile("(?m)^\\s+width\\s+x 1\\.000\\s")
                        .matcher(printed)
                        .find(),
                printed);
        assertTrue(
                Pattern.compile("(?m)^\\s+depth\\s+x 0\\.5000\\s")
                        .matcher(printed)
                        .find(),
                printed);
    }

    @Test
    void main_twoStepSweep_measuresTenRunsAndPlansOrSaysWhyNot() {
        String printed = run("--steps", "2");
        assertEquals(
                10,
                Pattern.compile("(?m)^width +\\d+, lr ")
                        .matcher(printed)
                        .results()
                        .count(),
                printed);
        // Two steps cannot locate an optimum reliably: the example either plans or refuses with the reason.
        assertTrue(Pattern.compile("(?m)^eta [0-9]").matcher(printed).find() || printed.contains("no plan: "), printed);
    }
}
