package io.hyperp.examples.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the example for a few steps and checks what it reports. */
class Dl4jNextByteExampleTest {

    @Test
    void main_fourSteps_printsTableLossesAndExactResume() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            Dl4jNextByteExample.main(new String[] {"4", "0.2"});
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("OUTPUT_HEAD") && printed.contains("SPHERE_MUON"), printed);
        assertTrue(printed.contains("HyperP steps 4,"), printed);
        assertTrue(
                printed.contains("saved at step 2, loaded and continued: largest parameter difference 0.00"), printed);
    }
}
