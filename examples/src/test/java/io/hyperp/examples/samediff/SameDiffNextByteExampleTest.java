package io.hyperp.examples.samediff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the example for a few steps and checks what it reports. */
class SameDiffNextByteExampleTest {

    @Test
    void main_fewSteps_printsRolesTrainsAndKeepsTheSpheres() {
        String printed = run("20", "0.05");
        assertTrue(
                Pattern.compile("(?m)^emb\\s+\\[256, 32\\]\\s+EMBEDDING")
                        .matcher(printed)
                        .find(),
                printed);
        assertTrue(
                Pattern.compile("(?m)^w2\\s+\\[128, 128\\]\\s+HIDDEN")
                        .matcher(printed)
                        .find(),
                printed);
        assertTrue(
                Pattern.compile("(?m)^head\\s+\\[128, 256\\]\\s+OUTPUT_HEAD")
                        .matcher(printed)
                        .find(),
                printed);
        assertTrue(printed.contains("steps 20"), printed);
        Matcher start = Pattern.compile("(?m)^\\s+0\\s+-\\s+([0-9.]+)$").matcher(printed);
        Matcher end = Pattern.compile("(?m)^\\s+20\\s+[0-9.]+\\s+([0-9.]+)$").matcher(printed);
        assertTrue(start.find() && end.find(), printed);
        // A near-uniform start is ln 256 = 5.55; 20 steps on byte pairs already learn the byte frequencies.
        assertTrue(Double.parseDouble(end.group(1)) < Double.parseDouble(start.group(1)) - 0.5, printed);
        Matcher norm = Pattern.compile("\\|\\|(\\w+)\\|\\| ([0-9.]+) \\(radius ([0-9.]+)\\)")
                .matcher(printed);
        int spheres = 0;
        while (norm.find()) {
            spheres++;
            // The sphere step renormalizes every step: norm and radius agree to the 5 printed decimals.
            assertEquals(norm.group(3), norm.group(2), norm.group(1));
        }
        assertEquals(3, spheres, printed);
    }

    static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            SameDiffNextByteExample.main(args);
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
