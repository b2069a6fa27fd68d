package io.hyperp.examples.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the example for a few steps and checks what it reports. */
class SameDiffMoeExampleTest {

    @Test
    void main_fewSteps_trainsBothGatesAndLogsTheMetrics() {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            SameDiffMoeExample.main(new String[] {"6", "2"});
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        // The layer's roles, and the rest of the graph's from RoleInference.
        assertTrue(
                Pattern.compile("(?m)^moe\\.router\\s+\\[8, 64\\]\\s+ROUTER\\s+SPHERE_MUON$")
                        .matcher(printed)
                        .find(),
                printed);
        assertTrue(
                Pattern.compile("(?m)^moe\\.w_down\\s+\\[8, 64, 128\\]\\s+EXPERT\\s+SPHERE_MUON$")
                        .matcher(printed)
                        .find(),
                printed);
        assertTrue(
                Pattern.compile("(?m)^emb\\s+\\[256, 32\\]\\s+EMBEDDING\\s+ADAMW$")
                        .matcher(printed)
                        .find(),
                printed);
        assertTrue(
                Pattern.compile("(?m)^head\\s+\\[64, 256\\]\\s+OUTPUT_HEAD\\s+SPHERE_ADAM$")
                        .matcher(printed)
                        .find(),
                printed);
        Matcher logged = Pattern.compile("(?m)^\\s+6\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)$")
                .matcher(printed);
        int runs = 0;
        while (logged.find()) {
            runs++;
            double maxVio = Double.parseDouble(logged.group(2));
            // 8 experts: MaxVio = max load / mean load - 1 lies in [0, 7].
            assertTrue(maxVio >= 0 && maxVio <= 7, printed);
        }
        assertEquals(2, runs, "one log line per gate: " + printed);
        assertTrue(
                Pattern.compile("SqrtGate [0-9.]+, plain gates [0-9.]+")
                        .matcher(printed)
                        .find(),
                printed);
    }
}
