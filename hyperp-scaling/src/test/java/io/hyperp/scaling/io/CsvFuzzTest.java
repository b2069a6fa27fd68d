package io.hyperp.scaling.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hyperp.scaling.sweep.Sweep;
import io.hyperp.scaling.sweep.SweepCsv;
import io.hyperp.scaling.sweep.SweepPoint;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the CSV reader and the sweep reader on top of it (the fits that the {@code hyperp}
 * commands run on what they read are fuzzed through the command line, in hyperp-cli's CliFuzzTest).
 *
 * <p>The contract: any bytes give either a table (and a sweep, and a fit) whose numbers are what the readers
 * promise, or an {@link IllegalArgumentException} with a message; any other exception, a hang or an
 * out-of-memory is a finding. In a regular build this replays {@code CsvFuzzTestInputs/<method>/} (seed files
 * and every finding kept as a regression input); {@code JAZZER_FUZZ=1} fuzzes (see the README).
 */
class CsvFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void csvTable(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        CsvTable table;
        try {
            table = CsvTable.read(new StringReader(text), "fuzz.csv");
        } catch (IllegalArgumentException e) {
            assertMessage(e);
            return;
        }
        assertFalse(table.columns().isEmpty(), "a table has a header");
        for (String column : table.columns()) {
            assertEquals(table.size(), table.strings(column).size());
            try {
                for (double v : table.finite(column)) {
                    assertTrue(Double.isFinite(v), column);
                }
            } catch (IllegalArgumentException e) {
                assertMessage(e);
            }
            try {
                for (double v : table.positive(column)) {
                    assertTrue(v > 0 && Double.isFinite(v), column);
                }
            } catch (IllegalArgumentException e) {
                assertMessage(e);
            }
        }
        if (table.has(SweepCsv.LR) && table.has(SweepCsv.LOSS)) {
            sweep(table);
        }
    }

    private static void sweep(CsvTable table) {
        Sweep sweep;
        try {
            sweep = SweepCsv.read(table, SweepCsv.LR, SweepCsv.LOSS);
        } catch (IllegalArgumentException e) {
            assertMessage(e);
            return;
        }
        for (SweepPoint p : sweep.points()) {
            assertTrue(p.learningRate() > 0 && Double.isFinite(p.learningRate()), "learning rate");
            assertTrue(p.loss() != Double.NEGATIVE_INFINITY, "loss");
        }
    }

    static void assertMessage(IllegalArgumentException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an error message");
    }
}
