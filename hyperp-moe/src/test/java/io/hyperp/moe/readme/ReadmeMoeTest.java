package io.hyperp.moe.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.testing.ReadmeSnippets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles and runs the README's mixture-of-experts snippet, so the README cannot drift from the API. */
class ReadmeMoeTest {

    @TempDir
    Path dir;

    @Test
    void moeSnippet_printsRolesAndLogsFallingLossWithMetrics() throws Exception {
        String printed = ReadmeSnippets.compileAndRun(
                Path.of("..", "README.md"), "moe", "MoeQuickStart", dir, ReadmeMoeTest.class);
        assertTrue(
                Pattern.compile("(?m)^moe\\.router\\s+\\[8, 32\\]\\s+ROUTER\\s+SPHERE_MUON$")
                        .matcher(printed)
                        .find(),
                printed);
        // granular: expert width 4 * 32 / 2 = 64; stacks are [E, out, in]
        assertTrue(
                Pattern.compile("(?m)^moe\\.w_gate\\s+\\[8, 64, 32\\]\\s+EXPERT\\s+SPHERE_MUON$")
                        .matcher(printed)
                        .find(),
                printed);
        Matcher m = Pattern.compile("step (\\d+), loss ([0-9.]+), MaxVio ([0-9.]+), router Z ([0-9.]+)")
                .matcher(printed);
        List<double[]> rows = new ArrayList<>();
        while (m.find()) {
            rows.add(new double[] {
                Double.parseDouble(m.group(1)),
                Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3)),
                Double.parseDouble(m.group(4))
            });
        }
        assertEquals(3, rows.size(), printed);
        assertEquals(30.0, rows.get(2)[0]);
        assertTrue(rows.get(2)[1] < rows.get(0)[1], "the loss falls: " + printed);
        for (double[] r : rows) {
            // 8 experts: MaxVio lies in [0, E - 1] by definition, router Z is a mean of squares.
            assertTrue(r[2] >= 0 && r[2] <= 7 && r[3] >= 0, printed);
        }
    }
}
