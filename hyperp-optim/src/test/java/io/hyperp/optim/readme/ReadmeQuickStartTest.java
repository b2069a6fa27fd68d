package io.hyperp.optim.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.testing.ReadmeSnippets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles and runs the README's quick-start snippet, so the README cannot drift from the API. */
class ReadmeQuickStartTest {

    @TempDir
    Path dir;

    @Test
    void quickStartSnippet_compilesRunsAndKeepsTheRadius() throws Exception {
        String printed = ReadmeSnippets.compileAndRun(
                Path.of("..", "README.md"), "quickstart", "QuickStart", dir, ReadmeQuickStartTest.class);
        Matcher line = Pattern.compile("step (\\d+), \\|\\|w_q\\|\\| ([0-9.]+) \\(radius ([0-9.]+)\\)")
                .matcher(printed);
        assertTrue(line.find(), "unexpected output: " + printed);
        assertEquals("10", line.group(1));
        // The printed norm and radius agree to the 4 printed decimals: w_q stays on its sphere.
        assertEquals(line.group(3), line.group(2));
    }
}
