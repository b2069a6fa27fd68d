package io.hyperp.optim.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.testing.ReadmeSnippets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles and runs the README's checkpoint-and-resume snippet, so the README cannot drift from the API. */
class ReadmeLongRunTest {

    @TempDir
    Path dir;

    @Test
    void longRunSnippet_resumesBitIdenticallyAndRefusesACorruptFile() throws Exception {
        String printed = ReadmeSnippets.compileAndRun(
                Path.of("..", "README.md"), "longrun", "LongRun", dir, ReadmeLongRunTest.class);
        Matcher resumed = Pattern.compile("resumed at step 4, step (\\d+), largest difference (\\S+)")
                .matcher(printed);
        assertTrue(resumed.find(), "unexpected output: " + printed);
        assertEquals("10", resumed.group(1));
        // Bit-identical continuation: exactly zero, not merely small.
        assertEquals(0.0, Double.parseDouble(resumed.group(2)), 0.0, printed);
        assertTrue(printed.contains("refused: checkpoint "), printed);
        assertTrue(printed.contains("is corrupted or truncated (CRC-32"), printed);
        // The refused restore left the optimizer at the step it had reached.
        assertTrue(printed.contains("still at step 10"), printed);
    }
}
