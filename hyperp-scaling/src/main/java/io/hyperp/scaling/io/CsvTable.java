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
import org.apache.commons.csv.CSVException;
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
 * <p>Limits, each refused with an {@link IllegalArgumentException} naming the source and the limit before
 * anything larger is held in memory: {@value #MAX_CHARS} characters in all ({@value #MAX_FILE_BYTES} bytes for
 * a file), {@value #MAX_LINE_CHARS} characters on one line, {@value #MAX_FIELDS} fields in one row and
 * {@value #MAX_ROWS} data rows. A sweep or a table of runs is far below each of them.
 *
 * <p>References: RFC 4180, Common Format and MIME Type for Comma-Separated Values (CSV) Files.
 */
public final class CsvTable {
    /** The largest file read, in bytes (32 MiB). */
    public static final long MAX_FILE_BYTES = 32L << 20;
    /** The most characters read from one source (32 Mi). */
    public static final long MAX_CHARS = 32L << 20;
    /** The longest line, in characters (1 Mi). */
    public static final int MAX_LINE_CHARS = 1 << 20;
    /** The most fields in the header or in one row. */
    public static final int MAX_FIELDS = 10_000;
    /** The most data rows. */
    public static final int MAX_ROWS = 1_000_000;

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
        try {
            long bytes = Files.size(file);
            if (bytes > MAX_FILE_BYTES) {
                throw Checks.iae(
                        "%s: %d bytes, more than the %d bytes a CSV table may have", file, bytes, MAX_FILE_BYTES);
            }
        } catch (NoSuchFileException e) {
            throw Checks.iae("%s: no such file", file);
        } catch (IOException e) {
            throw Checks.iae("%s: cannot read (%s)", file, e.getMessage());
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw Checks.iae("%s: no such file", file);
        } catch (IOException e) {
            throw Checks.iae("%s: cannot read (%s)", file, e.getMessage());
        }
    }

    /**
     * Reads CSV text, within the limits of the class comment.
     *
     * @param in the text (not closed)
     * @param source a name for messages, such as the file name
     * @return the table
     * @throws IllegalArgumentException if the text is not valid CSV with a header, a row has more cells than
     *     the header, or a limit is passed
     * @throws UncheckedIOException if reading fails
     */
    public static CsvTable read(Reader in, String source) {
        return read(in, source, MAX_CHARS, MAX_ROWS);
    }

    /** As {@link #read(Reader, String)} with other character and row limits (tests reach them quickly). */
    static CsvTable read(Reader in, String source, long maxChars, int maxRows) {
        try {
            CSVParser parser = FORMAT.parse(new Limited(in, source, maxChars));
            List<String> columns = List.copyOf(parser.getHeaderNames());
            if (columns.isEmpty()) {
                throw Checks.iae("%s: no header row", source);
            }
            if (columns.size() > MAX_FIELDS) {
                throw Checks.iae(
                        "%s: the header has %d columns, more than the %d allowed", source, columns.size(), MAX_FIELDS);
            }
            for (String c : columns) {
                if (c.isEmpty()) {
                    throw Checks.iae("%s: the header has an empty column name", source);
                }
            }
            List<List<String>> rows = new ArrayList<>();
            for (CSVRecord r : parser) {
                if (rows.size() == maxRows) {
                    throw Checks.iae("%s: more than %d data rows", source, maxRows);
                }
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
            throw fromIo(e, source);
        } catch (UncheckedIOException e) {
            throw fromIo(e.getCause(), source);
        } catch (IllegalStateException | IllegalArgumentException e) {
            if (e.getCause() instanceof IOException io) {
                throw fromIo(io, source);
            }
            if (e.getMessage() != null && e.getMessage().startsWith(source)) {
                throw e;
            }
            throw Checks.iae("%s: not valid CSV (%s)", source, e.getMessage());
        }
    }

    /** A limit or a CSV syntax error becomes an {@link IllegalArgumentException}; a read error stays one. */
    private static RuntimeException fromIo(IOException e, String source) {
        if (e instanceof LimitException) {
            return new IllegalArgumentException(e.getMessage());
        }
        if (e instanceof java.nio.charset.CharacterCodingException) {
            return Checks.iae("%s: not UTF-8 text", source);
        }
        if (e instanceof CSVException) {
            return Checks.iae("%s: not valid CSV (%s)", source, e.getMessage());
        }
        return new UncheckedIOException(source + ": cannot read", e);
    }

    /** A passed limit, raised inside the parser's reader and turned into an IllegalArgumentException. */
    private static final class LimitException extends IOException {
        private static final long serialVersionUID = 1L;

        LimitException(String message) {
            super(message);
        }
    }

    /** Counts characters and the length of the current line, and stops the parser at a limit. */
    private static final class Limited extends Reader {
        private final Reader in;
        private final String source;
        private final long maxChars;
        private long chars;
        private int line;
        private long lineNumber = 1;

        Limited(Reader in, String source, long maxChars) {
            this.in = in;
            this.source = source;
            this.maxChars = maxChars;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n <= 0) {
                return n;
            }
            chars += n;
            if (chars > maxChars) {
                throw new LimitException(String.format(
                        java.util.Locale.ROOT,
                        "%s: more than %d characters; a CSV table may have at most that many",
                        source,
                        maxChars));
            }
            for (int i = off; i < off + n; i++) {
                char c = buf[i];
                if (c == '\n' || c == '\r') {
                    line = 0;
                    if (c == '\n') {
                        lineNumber++;
                    }
                } else if (++line > MAX_LINE_CHARS) {
                    throw new LimitException(String.format(
                            java.util.Locale.ROOT,
                            "%s line %d: longer than %d characters; a CSV line may have at most that many",
                            source,
                            lineNumber,
                            MAX_LINE_CHARS));
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
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
