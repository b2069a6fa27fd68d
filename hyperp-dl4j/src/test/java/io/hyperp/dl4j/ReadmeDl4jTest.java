package io.hyperp.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.testing.ReadmeSnippets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles and runs the DL4J snippet of the README, so the documentation cannot drift from the API.
 */
class ReadmeDl4jTest {

    @TempDir
    Path dir;

    @Test
    void dl4jSnippet_compilesRunsAndRestoresTheState() throws Exception {
        String printed = ReadmeSnippets.compileAndRun(
                Path.of("..", "README.md"), "dl4j", "Dl4jQuickStart", dir, ReadmeDl4jTest.class);
        assertTrue(printed.contains("SPHERE_MUON") && printed.contains("SPHERE_ADAM"), printed);
        Matcher line = Pattern.compile("step (\\d+), \\|\\|0_W\\|\\| ([0-9.]+) \\(radius ([0-9.]+)\\)")
                .matcher(printed);
        assertTrue(line.find(), "unexpected output: " + printed);
        assertEquals("10", line.group(1), "the step count survives save and load");
        // Norm and stored radius agree to the 4 printed decimals: 0_W stayed on its sphere.
        assertEquals(line.group(3), line.group(2));
    }
}
