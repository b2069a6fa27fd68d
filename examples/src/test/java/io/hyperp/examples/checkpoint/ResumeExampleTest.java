package io.hyperp.examples.checkpoint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the example for a few steps and checks what it reports. */
class ResumeExampleTest {

    @Test
    void main_sixSteps_resumesBitIdenticallyAndRefusesDamagedFiles() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            ResumeExample.main(new String[] {"6", "32"});
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("stopped at step 3: optimizer.ckpt"), printed);
        assertTrue(
                printed.contains("resumed at step 3, step 6: largest parameter difference 0.0 (bit-identical)"),
                printed);
        assertTrue(printed.contains("refused truncated.ckpt: checkpoint "), printed);
        assertTrue(printed.contains("refused flipped.ckpt: checkpoint "), printed);
        assertTrue(printed.contains("optimizer still at step 6"), printed);
    }
}
