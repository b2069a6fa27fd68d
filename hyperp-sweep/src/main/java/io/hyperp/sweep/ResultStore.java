package io.hyperp.sweep;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The results of a sweep in a directory: one JSON file per finished cell under {@code cells/}, merged
 * into {@code runs.csv} and {@code curves.csv}.
 *
 * <p>Exactly once: a cell file is written to a temporary file, flushed to disk, and published by a hard
 * link to {@code cells/<id>.json}, which fails if the file exists; so of two processes that finish the
 * same cell (a re-executed Spark task, a second runner on the same directory) exactly one publishes,
 * and a reader never sees a partial file. A crash leaves at most a temporary file, which is ignored.
 * Where the file system has no hard links, an atomic rename of a file not yet present is used instead
 * (a concurrent duplicate could then replace the first copy with an identical result).
 *
 * <p>Numbers are written with {@link Double#toString(double)} (JSON numbers, or the strings
 * {@code NaN}, {@code Infinity}, {@code -Infinity}), so a value read back is bit-identical. Thread-safe;
 * several processes may share a directory (on one machine, or a shared file system).
 */
public final class ResultStore {

    /** The largest cell file read, in bytes (64 MiB: a loss curve of millions of steps). */
    public static final long MAX_CELL_BYTES = 64L << 20;

    private static final JsonFactory JSON = new JsonFactory();

    /** Jackson's tree reader, loaded on the first read (a process that only writes results never needs it). */
    private static final class Reader {
        static final ObjectMapper MAPPER = new ObjectMapper();

        private Reader() {}
    }

    private final Path dir;
    private final Path cells;

    private ResultStore(Path dir) {
        this.dir = dir;
        this.cells = dir.resolve("cells");
    }

    /**
     * A store in {@code dir}; creates the directory and {@code cells/} if needed.
     *
     * @throws UncheckedIOException naming the directory if it cannot be created
     */
    public static ResultStore open(Path dir) {
        ResultStore s = new ResultStore(dir.toAbsolutePath().normalize());
        try {
            Files.createDirectories(s.cells);
        } catch (IOException e) {
            throw new UncheckedIOException("output directory " + dir + " cannot be created: " + e.getMessage(), e);
        }
        return s;
    }

    /** The store's directory. */
    public Path dir() {
        return dir;
    }

    /** The file of a cell (present once the cell has finished). */
    public Path file(String id) {
        return cells.resolve(id + ".json");
    }

    /** Whether the cell has finished (its file is published). */
    public boolean contains(String id) {
        return Files.exists(file(id));
    }

    /** How many of these cells have finished. */
    public int countFinished(List<SweepCell> of) {
        int n = 0;
        for (SweepCell c : of) {
            if (contains(c.id())) {
                n++;
            }
        }
        return n;
    }

    /**
     * Publishes a cell's result unless the cell already has one.
     *
     * @return true if this call published it, false if the cell had a result already (left unchanged)
     * @throws UncheckedIOException if the file cannot be written
     */
    public boolean write(SweepCell cell, CellResult result) {
        Path target = file(cell.id());
        if (Files.exists(target)) {
            return false;
        }
        Path tmp = cells.resolve("." + cell.id() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream os = java.nio.channels.Channels.newOutputStream(ch)) {
                os.write(encode(cell, result));
                os.flush();
                ch.force(true);
            }
            try {
                Files.createLink(target, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException e) {
                if (Files.exists(target)) {
                    return false;
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                return true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the result of cell " + cell.id() + " to " + target, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // a leftover temporary file is ignored by readers
            }
        }
    }

    /**
     * The result of a finished cell, or empty if it has not finished.
     *
     * @throws UncheckedIOException naming the file if it exists but cannot be read, is larger than
     *                              {@value #MAX_CELL_BYTES} bytes, is not a result, or is the result of
     *                              another cell
     */
    public Optional<CellResult> read(SweepCell cell) {
        Path f = file(cell.id());
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            long size = Files.size(f);
            if (size > MAX_CELL_BYTES) {
                throw new IllegalArgumentException(
                        String.format(Locale.ROOT, "%d bytes; a cell file has at most %d", size, MAX_CELL_BYTES));
            }
            return Optional.of(decode(cell, Reader.MAPPER.readTree(f.toFile())));
        } catch (IOException e) {
            throw new UncheckedIOException("result file " + f + " is unreadable: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UncheckedIOException(
                    "result file " + f + " is not a result: " + e.getMessage(), new IOException(e));
        }
    }

    /**
     * Writes {@code runs.csv} and {@code curves.csv} from the finished cells of {@code plan}, in plan
     * order (each file replaced atomically).
     *
     * <p>{@code runs.csv}: {@code cell} (the id), one column per axis, {@code loss} (final validation
     * loss, NaN unless ok), {@code status}, {@code train_loss}, {@code steps_run},
     * {@code diverged_at_step}, {@code seconds}, {@code attempts}, {@code reason}, then the metrics.
     * With an axis named {@code lr} it is a sweep file that {@code hyperp optimum} reads.
     * {@code curves.csv}: {@code cell}, the axes, {@code step}, {@code train_loss},
     * {@code validation_loss} and the stability indicators, one row per evaluation.
     *
     * @return the results merged, by cell, in plan order (unfinished cells are absent)
     * @throws UncheckedIOException if a file cannot be written
     */
    public Map<SweepCell, CellResult> merge(SweepPlan plan) {
        Map<SweepCell, CellResult> done = new LinkedHashMap<>();
        for (SweepCell c : plan.cells()) {
            read(c).ifPresent(r -> done.put(c, r));
        }
        List<String> axes = plan.axes();
        TreeSet<String> metrics = new TreeSet<>();
        TreeSet<String> indicators = new TreeSet<>();
        for (CellResult r : done.values()) {
            metrics.addAll(r.metrics().keySet());
            r.curve().forEach(p -> indicators.addAll(p.indicators().keySet()));
        }
        List<String> runHeader = new ArrayList<>();
        runHeader.add("cell");
        runHeader.addAll(axes);
        runHeader.addAll(List.of(
                "loss", "status", "train_loss", "steps_run", "diverged_at_step", "seconds", "attempts", "reason"));
        runHeader.addAll(metrics);
        List<String> curveHeader = new ArrayList<>();
        curveHeader.add("cell");
        curveHeader.addAll(axes);
        curveHeader.addAll(List.of("step", "train_loss", "validation_loss"));
        curveHeader.addAll(indicators);
        writeCsv(dir.resolve("runs.csv"), runHeader, p -> {
            for (Map.Entry<SweepCell, CellResult> e : done.entrySet()) {
                SweepCell c = e.getKey();
                CellResult r = e.getValue();
                List<Object> row = new ArrayList<>();
                row.add(c.id());
                axes.forEach(a -> row.add(c.values().get(a)));
                row.add(num(r.finalValidationLoss()));
                row.add(r.status().label());
                row.add(num(r.finalTrainLoss()));
                row.add(r.stepsRun());
                row.add(r.divergedAtStep());
                row.add(String.format(Locale.ROOT, "%.3f", r.seconds()));
                row.add(r.attempts());
                row.add(r.reason());
                metrics.forEach(m -> row.add(num(r.metric(m))));
                p.printRecord(row);
            }
        });
        writeCsv(dir.resolve("curves.csv"), curveHeader, p -> {
            for (Map.Entry<SweepCell, CellResult> e : done.entrySet()) {
                SweepCell c = e.getKey();
                for (CurvePoint pt : e.getValue().curve()) {
                    List<Object> row = new ArrayList<>();
                    row.add(c.id());
                    axes.forEach(a -> row.add(c.values().get(a)));
                    row.add(pt.step());
                    row.add(num(pt.trainLoss()));
                    row.add(num(pt.validationLoss()));
                    indicators.forEach(i -> row.add(num(pt.indicators().getOrDefault(i, Double.NaN))));
                    p.printRecord(row);
                }
            }
        });
        return done;
    }

    private static String num(double v) {
        return Double.toString(v);
    }

    @FunctionalInterface
    private interface Rows {
        void print(CSVPrinter p) throws IOException;
    }

    private void writeCsv(Path file, List<String> header, Rows rows) {
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
                    CSVPrinter p = new CSVPrinter(
                            w,
                            CSVFormat.DEFAULT
                                    .builder()
                                    .setRecordSeparator('\n')
                                    .setHeader(header.toArray(String[]::new))
                                    .get())) {
                rows.print(p);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // ignored: a leftover temporary file is harmless
            }
        }
    }

    /** The bytes of a cell file. */
    static byte[] encode(SweepCell cell, CellResult r) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", cell.id());
            g.writeObjectFieldStart("values");
            for (Map.Entry<String, String> e : cell.values().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("status", r.status().label());
            number(g, "final_validation_loss", r.finalValidationLoss());
            number(g, "final_train_loss", r.finalTrainLoss());
            g.writeNumberField("steps_run", r.stepsRun());
            g.writeNumberField("diverged_at_step", r.divergedAtStep());
            number(g, "seconds", r.seconds());
            g.writeNumberField("attempts", r.attempts());
            g.writeStringField("reason", r.reason());
            g.writeObjectFieldStart("metrics");
            for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
                number(g, e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("train_losses");
            for (double v : r.trainLosses()) {
                number(g, null, v);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("curve");
            for (CurvePoint p : r.curve()) {
                g.writeStartObject();
                g.writeNumberField("step", p.step());
                number(g, "train_loss", p.trainLoss());
                number(g, "validation_loss", p.validationLoss());
                g.writeObjectFieldStart("indicators");
                for (Map.Entry<String, Double> e : p.indicators().entrySet()) {
                    number(g, e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void number(JsonGenerator g, String field, double v) throws IOException {
        if (field != null) {
            g.writeFieldName(field);
        }
        if (Double.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeString(Double.toString(v));
        }
    }

    private static double number(JsonNode n, String what) {
        if (n != null && n.isNumber()) {
            return n.doubleValue();
        }
        if (n != null && n.isTextual()) {
            switch (n.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException(what + " must be a number, NaN, Infinity or -Infinity, found " + n);
    }

    private static int integer(JsonNode n, String what) {
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException(what + " must be an integer, found " + n);
        }
        return n.intValue();
    }

    private static JsonNode field(JsonNode n, String name, boolean array) {
        JsonNode v = n.get(name);
        if (v == null || (array ? !v.isArray() : !v.isObject())) {
            throw new IllegalArgumentException("'" + name + "' must be " + (array ? "a list" : "an object"));
        }
        return v;
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("'" + name + "' must be a string");
        }
        return v.asText();
    }

    /** The result of {@code cell} from its file's JSON, which must name the cell and its values. */
    static CellResult decode(SweepCell cell, JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("expected an object");
        }
        String id = text(n, "id");
        if (!id.equals(cell.id())) {
            throw new IllegalArgumentException("it is the result of cell " + id + ", not of " + cell.id());
        }
        Map<String, String> values = new LinkedHashMap<>();
        field(n, "values", false)
                .fields()
                .forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        if (!values.equals(cell.values())) {
            throw new IllegalArgumentException("its values " + values + " are not the cell's " + cell.values());
        }
        List<CurvePoint> curve = new ArrayList<>();
        for (JsonNode p : field(n, "curve", true)) {
            if (!p.isObject()) {
                throw new IllegalArgumentException("a curve point must be an object");
            }
            Map<String, Double> ind = new LinkedHashMap<>();
            field(p, "indicators", false)
                    .fields()
                    .forEachRemaining(e -> ind.put(e.getKey(), number(e.getValue(), "indicator " + e.getKey())));
            curve.add(new CurvePoint(
                    integer(p.get("step"), "step"),
                    number(p.get("train_loss"), "train_loss"),
                    number(p.get("validation_loss"), "validation_loss"),
                    ind));
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        field(n, "metrics", false)
                .fields()
                .forEachRemaining(e -> metrics.put(e.getKey(), number(e.getValue(), "metric " + e.getKey())));
        JsonNode ls = field(n, "train_losses", true);
        double[] losses = new double[ls.size()];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = number(ls.get(i), "train_losses");
        }
        return new CellResult(
                CellStatus.ofLabel(text(n, "status")),
                number(n.get("final_validation_loss"), "final_validation_loss"),
                number(n.get("final_train_loss"), "final_train_loss"),
                integer(n.get("steps_run"), "steps_run"),
                integer(n.get("diverged_at_step"), "diverged_at_step"),
                losses,
                curve,
                metrics,
                number(n.get("seconds"), "seconds"),
                integer(n.get("attempts"), "attempts"),
                text(n, "reason"));
    }
}
