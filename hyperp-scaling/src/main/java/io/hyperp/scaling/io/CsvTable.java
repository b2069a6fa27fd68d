package io.hyperp.scaling.io;

import io.hyperp.scaling.internal.Checks;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * A CSV table with a header row, read whole into memory: named string columns, and numeric columns checked
 * on the way out.
 *
 * <p>Format: RFC 4180 (Commons CSV {@code DEFAULT}) with a mandatory header, {@code #} comment lines, blank
 * lines skipped, cells trimmed, duplicate column names rejected. Immutable and thread-safe.
 *
 * <p>References: RFC 4180, Common Format and MIME Type for Comma-Separated Values (CSV) Files.
 */
public final class CsvTable {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setCommentMarker('#')
            .setIgnoreEmptyLines(true)
            .setIgnoreSurroundingSpaces(true)
            .setTrim(true)
            .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
            .get();

    private final String source;
    private final List<String> columns;
    private final List<List<String>> rows;

    private CsvTable(String source, List<String> columns, List<List<String>> rows) {
        this.source = source;
        this.columns = columns;
        this.rows = rows;
    }

    /**
     * Reads a UTF-8 CSV file.
     *
     * @param file the file
     * @return the table
     * @throws IllegalArgumentException if the file is missing, unreadable or not valid CSV with a header
     */
    public static CsvTable read(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw Checks.iae("%s: no such file", file);
        } catch (IOException e) {
            throw Checks.iae("%s: cannot read (%s)", file, e.getMessage());
        }
    }

    /**
     * Reads CSV text.
     *
     * @param in the text (not closed)
     * @param source a name for messages, such as the file name
     * @return the table
     * @throws IllegalArgumentException if the text is not valid CSV with a header, or a row has more cells than
     *     the header
     */
    public static CsvTable read(Reader in, String source) {
        try {
            CSVParser parser = FORMAT.parse(in);
            List<String> columns = List.copyOf(parser.getHeaderNames());
            if (columns.isEmpty()) {
                throw Checks.iae("%s: no header row", source);
            }
            for (String c : columns) {
                if (c.isEmpty()) {
                    throw Checks.iae("%s: the header has an empty column name", source);
                }
            }
            List<List<String>> rows = new ArrayList<>();
            for (CSVRecord r : parser) {
                if (r.size() > columns.size()) {
                    throw Checks.iae(
                            "%s row %d: %d cells but the header has %d columns",
                            source, rows.size() + 1, r.size(), columns.size());
                }
                List<String> row = new ArrayList<>(columns.size());
                for (int j = 0; j < columns.size(); j++) {
                    row.add(j < r.size() ? r.get(j) : "");
                }
                rows.add(Collections.unmodifiableList(row));
            }
            return new CsvTable(source, columns, Collections.unmodifiableList(rows));
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": cannot read", e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source)) {
                throw e;
            }
            throw Checks.iae("%s: not valid CSV (%s)", source, e.getMessage());
        } catch (UncheckedIOException e) {
            throw Checks.iae("%s: not valid CSV (%s)", source, e.getCause().getMessage());
        }
    }

    /**
     * Returns the source name given when reading.
     *
     * @return the source
     */
    public String source() {
        return source;
    }

    /**
     * Returns the column names in file order.
     *
     * @return unmodifiable list
     */
    public List<String> columns() {
        return columns;
    }

    /**
     * Returns the number of data rows.
     *
     * @return row count
     */
    public int size() {
        return rows.size();
    }

    /**
     * Returns whether a column exists.
     *
     * @param name the column name
     * @return true if present
     */
    public boolean has(String name) {
        return columns.contains(name);
    }

    /**
     * Returns the cells of one row by column name, in file order.
     *
     * @param row row index (0-based)
     * @return unmodifiable map
     */
    public Map<String, String> row(int row) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int j = 0; j < columns.size(); j++) {
            m.put(columns.get(j), rows.get(row).get(j));
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Returns a string column.
     *
     * @param name the column name
     * @return its cells, in row order
     * @throws IllegalArgumentException if the column does not exist
     */
    public List<String> strings(String name) {
        int j = index(name);
        List<String> out = new ArrayList<>(rows.size());
        for (List<String> r : rows) {
            out.add(r.get(j));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Returns a numeric column whose every cell must be a finite number.
     *
     * @param name the column name
     * @return the values, in row order
     * @throws IllegalArgumentException naming the column and row of a missing column, an empty cell, a
     *     non-numeric cell or a non-finite value
     */
    public double[] finite(String name) {
        int j = index(name);
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = parse(i, name, rows.get(i).get(j));
            if (!Double.isFinite(out[i])) {
                throw Checks.iae(
                        "%s row %d, column '%s': %s is not finite",
                        source, i + 1, name, rows.get(i).get(j));
            }
        }
        return out;
    }

    /**
     * Returns a numeric column whose every cell must be a finite, strictly positive number (learning rates,
     * token counts, compute, parameter counts).
     *
     * @param name the column name
     * @return the values, in row order
     * @throws IllegalArgumentException naming the column and row of the first bad cell
     */
    public double[] positive(String name) {
        double[] out = finite(name);
        for (int i = 0; i < out.length; i++) {
            if (!(out[i] > 0)) {
                throw Checks.iae(
                        "%s row %d, column '%s': %s must be positive",
                        source, i + 1, name, rows.get(i).get(index(name)));
            }
        }
        return out;
    }

    /**
     * Parses one cell as a double, accepting {@code NaN}, {@code nan}, {@code inf}, {@code -inf},
     * {@code Infinity} spellings.
     *
     * @param row row index (0-based), for the message
     * @param column column name, for the message
     * @param cell the cell text
     * @return the value
     * @throws IllegalArgumentException if the cell is empty or not a number
     */
    public double parse(int row, String column, String cell) {
        if (cell.isEmpty()) {
            throw Checks.iae("%s row %d, column '%s': empty cell", source, row + 1, column);
        }
        Double special = special(cell);
        if (special != null) {
            return special;
        }
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw Checks.iae("%s row %d, column '%s': '%s' is not a number", source, row + 1, column, cell);
        }
    }

    private static Double special(String cell) {
        String c = cell.toLowerCase(java.util.Locale.ROOT);
        return switch (c) {
            case "nan" -> Double.NaN;
            case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> null;
        };
    }

    private int index(String name) {
        int j = columns.indexOf(name);
        if (j < 0) {
            throw Checks.iae("%s: no column '%s' (columns: %s)", source, name, String.join(", ", columns));
        }
        return j;
    }
}
