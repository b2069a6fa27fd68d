package io.hyperp.scaling.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader's limits: each hostile shape is refused with a message naming the limit, after reading at most a
 * little past it. The endless readers below would hold gigabytes if the table trusted them.
 */
class CsvLimitsTest {
    @TempDir
    Path dir;

    /** Endless text: {@code head} once, then {@code body} repeated; counts what was read. */
    private static final class Endless extends Reader {
        private final String head;
        private final String body;
        private long pos;
        long served;

        Endless(String head, String body) {
            this.head = head;
            this.body = body;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            for (int i = 0; i < len; i++) {
                buf[off + i] = pos < head.length()
                        ? head.charAt((int) pos)
                        : body.charAt((int) ((pos - head.length()) % body.length()));
                pos++;
            }
            served += len;
            return len;
        }

        @Override
        public void close() {}
    }

    private static String refused(Reader in) {
        return assertThrows(IllegalArgumentException.class, () -> CsvTable.read(in, "big.csv"))
                .getMessage();
    }

    @Test
    void read_endlessLine_refusedAtTheLineLimit() {
        // a "1 GB line": one cell that never ends
        Endless in = new Endless("lr,loss\n", "x");
        String message = refused(in);
        assertEquals("big.csv line 2: longer than 1048576 characters; a CSV line may have at most that many", message);
        assertTrue(in.served < 4L * CsvTable.MAX_LINE_CHARS, "read " + in.served + " characters");
    }

    @Test
    void read_millionColumnHeader_refusedByTheLineLimit() {
        Endless in = new Endless("", "c,");
        assertTrue(refused(in).startsWith("big.csv line 1: longer than 1048576 characters"));
        assertTrue(in.served < 4L * CsvTable.MAX_LINE_CHARS, "read " + in.served + " characters");
    }

    @Test
    void read_headerOverTheFieldLimit_refused() {
        StringBuilder header = new StringBuilder("c0");
        for (int i = 1; i <= CsvTable.MAX_FIELDS; i++) {
            header.append(",c").append(i);
        }
        assertEquals(
                "big.csv: the header has 10001 columns, more than the 10000 allowed",
                refused(new StringReader(header + "\n")));
    }

    @Test
    void read_endlessRows_refusedAtTheRowLimit() {
        // short rows: the row limit comes before the character limit (2 characters a row); the limit is
        // lowered from 1,000,000 so that the test takes milliseconds, through the path the public reader takes
        Endless in = new Endless("x\n", "1\n");
        String message = assertThrows(
                        IllegalArgumentException.class, () -> CsvTable.read(in, "big.csv", CsvTable.MAX_CHARS, 1000))
                .getMessage();
        assertEquals("big.csv: more than 1000 data rows", message);
        // the parser reads ahead by its buffer, 8 Ki characters
        assertTrue(in.served <= 8192 + 2 * 1001, "read " + in.served + " characters");
    }

    @Test
    void read_endlessText_refusedAtTheCharacterLimit() {
        // long rows, so that the character limit comes first; lowered from 32 Mi as above
        String row = "1".repeat(99) + "\n";
        Endless in = new Endless("x\n", row);
        String message = assertThrows(
                        IllegalArgumentException.class, () -> CsvTable.read(in, "big.csv", 100_000, CsvTable.MAX_ROWS))
                .getMessage();
        assertEquals("big.csv: more than 100000 characters; a CSV table may have at most that many", message);
        assertTrue(in.served < 100_000 + 8192, "read " + in.served + " characters");
    }

    @Test
    void publicLimits_areTheDocumentedOnes() {
        assertEquals(32L << 20, CsvTable.MAX_FILE_BYTES);
        assertEquals(32L << 20, CsvTable.MAX_CHARS);
        assertEquals(1 << 20, CsvTable.MAX_LINE_CHARS);
        assertEquals(10_000, CsvTable.MAX_FIELDS);
        assertEquals(1_000_000, CsvTable.MAX_ROWS);
    }

    @Test
    void read_fileOverTheSizeLimit_refusedBeforeReading() throws IOException {
        Path file = dir.resolve("huge.csv");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(CsvTable.MAX_FILE_BYTES + 1); // sparse: no disk blocks written
        }
        String message = assertThrows(IllegalArgumentException.class, () -> CsvTable.read(file))
                .getMessage();
        assertEquals(file + ": 33554433 bytes, more than the 33554432 bytes a CSV table may have", message);
    }

    @Test
    void read_atTheLimits_accepted() {
        // a line of exactly MAX_LINE_CHARS characters and a header of exactly MAX_FIELDS columns are fine
        StringBuilder header = new StringBuilder("c0");
        for (int i = 1; i < CsvTable.MAX_FIELDS; i++) {
            header.append(",c").append(i);
        }
        CsvTable wide = CsvTable.read(new StringReader(header + "\n"), "wide.csv");
        assertEquals(CsvTable.MAX_FIELDS, wide.columns().size());
        String cell = "7".repeat(CsvTable.MAX_LINE_CHARS);
        CsvTable longLine = CsvTable.read(new StringReader("x\n" + cell + "\n"), "long.csv");
        assertEquals(cell, longLine.strings("x").get(0));
    }
}
