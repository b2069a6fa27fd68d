package io.hyperp.scaling.sweep;

import io.hyperp.scaling.internal.Checks;
import io.hyperp.scaling.io.CsvTable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Reads and writes sweeps as CSV: one row per run, a learning-rate column, a loss column and one column per
 * label.
 *
 * <p>Default column names are {@value #LR} and {@value #LOSS}; every other column becomes a label. When
 * reading, an empty loss cell, {@code NaN} or {@code inf} marks a diverged run; a learning rate must be a
 * positive number. When writing, numbers use {@link Double#toString(double)} (exact round trip) and a point
 * without some label gets an empty cell. Stateless and thread-safe.
 *
 * <p>References: RFC 4180.
 */
public final class SweepCsv {
    /** Default learning-rate column. */
    public static final String LR = "lr";
    /** Default loss column. */
    public static final String LOSS = "loss";

    private SweepCsv() {}

    /**
     * Reads a sweep with the default column names.
     *
     * @param file a UTF-8 CSV file
     * @return the sweep
     * @throws IllegalArgumentException naming the file, row and column of bad input
     */
    public static Sweep read(Path file) {
        return read(CsvTable.read(file), LR, LOSS);
    }

    /**
     * Reads a sweep with given column names.
     *
     * @param file a UTF-8 CSV file
     * @param lrColumn learning-rate column
     * @param lossColumn loss column
     * @return the sweep
     * @throws IllegalArgumentException naming the file, row and column of bad input
     */
    public static Sweep read(Path file, String lrColumn, String lossColumn) {
        return read(CsvTable.read(file), lrColumn, lossColumn);
    }

    /**
     * Reads a sweep from CSV text with the default column names.
     *
     * @param in the text (not closed)
     * @param source name for messages
     * @return the sweep
     * @throws IllegalArgumentException naming the source, row and column of bad input
     */
    public static Sweep read(Reader in, String source) {
        return read(CsvTable.read(in, source), LR, LOSS);
    }

    /**
     * Converts a table into a sweep.
     *
     * @param table the table
     * @param lrColumn learning-rate column
     * @param lossColumn loss column
     * @return the sweep
     * @throws IllegalArgumentException naming the source, row and column of bad input
     */
    public static Sweep read(CsvTable table, String lrColumn, String lossColumn) {
        double[] lr = table.positive(lrColumn);
        List<String> losses = table.strings(lossColumn);
        List<SweepPoint> points = new ArrayList<>(table.size());
        for (int i = 0; i < table.size(); i++) {
            String cell = losses.get(i);
            double loss = cell.isEmpty() ? Double.NaN : table.parse(i, lossColumn, cell);
            if (loss == Double.NEGATIVE_INFINITY) {
                throw Checks.iae("%s row %d, column '%s': -inf is not a loss", table.source(), i + 1, lossColumn);
            }
            Map<String, String> labels = new LinkedHashMap<>(table.row(i));
            labels.remove(lrColumn);
            labels.remove(lossColumn);
            points.add(new SweepPoint(lr[i], loss, labels));
        }
        return Sweep.of(points);
    }

    /**
     * Writes a sweep with the default column names.
     *
     * @param sweep the sweep
     * @param out destination (flushed, not closed)
     * @throws IllegalArgumentException if a label is named like the learning-rate or loss column
     * @throws UncheckedIOException if writing fails
     */
    public static void write(Sweep sweep, Writer out) {
        List<String> labels = new ArrayList<>(sweep.labelNames());
        for (String l : labels) {
            if (l.equals(LR) || l.equals(LOSS)) {
                throw Checks.iae("label '%s' clashes with the %s column", l, l);
            }
        }
        List<String> header = new ArrayList<>();
        header.add(LR);
        header.add(LOSS);
        header.addAll(labels);
        try {
            CSVPrinter printer =
                    CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get().print(out);
            printer.printRecord(header);
            for (SweepPoint p : sweep.points()) {
                List<String> row = new ArrayList<>(header.size());
                row.add(Double.toString(p.learningRate()));
                row.add(Double.toString(p.loss()));
                for (String l : labels) {
                    row.add(p.labels().getOrDefault(l, ""));
                }
                printer.printRecord(row);
            }
            printer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write sweep CSV", e);
        }
    }

    /**
     * Writes a sweep to a UTF-8 file (replacing it).
     *
     * @param sweep the sweep
     * @param file the file
     * @throws UncheckedIOException if writing fails
     */
    public static void write(Sweep sweep, Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(sweep, w);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
