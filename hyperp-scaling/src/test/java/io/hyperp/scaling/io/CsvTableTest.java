package io.hyperp.scaling.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTableTest {
    private static CsvTable table(String text) {
        return CsvTable.read(new StringReader(text), "t.csv");
    }

    @Test
    void read_headerCommentsAndBlankLines_parsed() {
        CsvTable t = table("# a comment\nx, y\n1, 2\n\n3,4\n");
        assertEquals(List.of("x", "y"), t.columns());
        assertEquals(2, t.size());
        assertArrayEquals(new double[] {2, 4}, t.finite("y"), 0.0);
    }

    @Test
    void finite_missingColumn_namesColumnAndListsOthers() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> table("x,y\n1,2\n").finite("z"));
        assertEquals("t.csv: no column 'z' (columns: x, y)", e.getMessage());
    }

    @Test
    void finite_nonNumericCell_namesRowAndColumn() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> table("x,y\n1,2\n3,abc\n").finite("y"));
        assertEquals("t.csv row 2, column 'y': 'abc' is not a number", e.getMessage());
    }

    @Test
    void positive_negativeValue_rejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> table("x\n1\n-2\n").positive("x"));
        assertEquals("t.csv row 2, column 'x': -2 must be positive", e.getMessage());
    }

    @Test
    void finite_nanCell_rejected() {
        assertThrows(IllegalArgumentException.class, () -> table("x\nNaN\n").finite("x"));
    }

    @Test
    void read_rowWiderThanHeader_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> table("x\n1,2\n"));
        assertTrue(e.getMessage().contains("row 1: 2 cells but the header has 1 columns"), e.getMessage());
    }

    @Test
    void read_duplicateColumn_rejected() {
        assertThrows(IllegalArgumentException.class, () -> table("x,x\n1,2\n"));
    }

    @Test
    void read_missingFile_namesIt() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CsvTable.read(Path.of("/nonexistent/sweep.csv")));
        assertEquals("/nonexistent/sweep.csv: no such file", e.getMessage());
    }
}
