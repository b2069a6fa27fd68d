package io.hyperp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's error is one line whatever the message holds: text echoed from a file may have line breaks. */
class OneLineErrorTest {
    @TempDir
    Path dir;

    @Test
    void oneLine_everyKindOfLineBreak_foldedToOneSpace() {
        assertEquals("a b c d e f", HyperpCli.oneLine("a\nb\r\nc \u2028 d\u0085e\u2029\n\nf"));
    }

    @Test
    void oneLine_otherControlCharacters_escaped() {
        assertEquals(
                "red \\u001b[31m bell \\u0007 nul \\u0000", HyperpCli.oneLine("red \u001b[31m bell \u0007 nul \u0000"));
    }

    @Test
    void optimum_cellWithLineBreaksAndEscapes_errorStaysOneLine() throws IOException {
        Path f = dir.resolve("s.csv");
        Files.writeString(f, "lr,loss\n0.01,\"3.1\n\u2028x\u001by\"\n");
        CliRunner.Result r = CliRunner.run("optimum", "--csv", f.toString());
        assertEquals(HyperpCli.EXIT_BAD_INPUT, r.status(), r.err());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().contains("'3.1 x\\u001by' is not a number"), r.err());
    }
}
