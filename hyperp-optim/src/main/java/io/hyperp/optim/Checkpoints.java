package io.hyperp.optim;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The optimizer checkpoint format, its atomic writer and its validating reader, used by
 * {@link Optimizer#save} and {@link Optimizer#restore}.
 *
 * <p>Layout, big-endian; a "string" is an int byte count followed by that many bytes of UTF-8:
 * <ol>
 *   <li>magic {@code "HYPERPCK"} (8 bytes), format version (int, currently 2);</li>
 *   <li>the optimizer fingerprint (string): the transform's structure and configuration and every
 *       parameter's spec and dtype;</li>
 *   <li>the learning-rate schedule (string), the skipped-step count (long);</li>
 *   <li>the number of states (int), then per state of the tree, depth first: its path (string) and
 *       update count (long); the root's count is the step and the schedule position;</li>
 *   <li>the number of buffers (int), then per buffer: name (string), dtype (string, FLOAT or DOUBLE),
 *       rank (int), shape (longs), data in C order (floats or doubles);</li>
 *   <li>a CRC-32 of every byte before it (long).</li>
 * </ol>
 *
 * <p>Writing goes through {@link #writeAtomically}: a temporary file in the target's directory, forced
 * to the device and renamed over the target, so a crash or a kill at any instant leaves either the
 * old file or the new one. Reading checks the magic, the CRC-32 over the whole file, then parses
 * into temporaries and checks every field against the live optimizer: no length field is trusted
 * beyond the bytes left in the file, a buffer's declared shape must equal the live buffer's before
 * anything is allocated for it, counts lie in [0, 2^53], and every value is admissible
 * ({@link #checkAdmissible}). Only when all of that passes are the live buffers and counters
 * overwritten; any failure is an {@link IllegalArgumentException} naming the file.
 *
 * <p>Not a hot path: it allocates host copies of the buffers. Thread-safety: the optimizer must not
 * be stepped while it is saved or restored.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (the radius is part of the optimizer state).
 */
public final class Checkpoints {

    /** The first eight bytes of every checkpoint. */
    public static final String MAGIC = "HYPERPCK";
    /** The format version this library writes and reads. */
    public static final int VERSION = 2;

    private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK = 1 << 16;
    private static final int MAX_RANK = 32;
    /** The largest step or skip count read: 2^53, the last one exact as a double (Adam's bias correction). */
    private static final long MAX_COUNT = 1L << 53;

    private Checkpoints() {}

    static void save(Optimizer opt, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Path target = file.toAbsolutePath();
        Map<String, INDArray> buffers = opt.stateBuffers();
        for (Map.Entry<String, INDArray> e : buffers.entrySet()) {
            DataType dt = e.getValue().dataType();
            if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
                throw new IllegalStateException(String.format(
                        Locale.ROOT,
                        "state buffer '%s' has dtype %s; checkpoints hold FLOAT and DOUBLE buffers",
                        e.getKey(),
                        dt));
            }
        }
        writeAtomically(target, raw -> {
            CheckedOutputStream checked = new CheckedOutputStream(raw, new CRC32());
            DataOutputStream out = new DataOutputStream(checked);
            out.write(MAGIC_BYTES);
            out.writeInt(VERSION);
            writeString(out, opt.fingerprint());
            writeString(out, opt.schedule().toString());
            out.writeLong(opt.skippedSteps());
            Map<String, TransformState> states = opt.states();
            out.writeInt(states.size());
            for (Map.Entry<String, TransformState> e : states.entrySet()) {
                writeString(out, e.getKey());
                out.writeLong(e.getValue().count());
            }
            out.writeInt(buffers.size());
            for (Map.Entry<String, INDArray> e : buffers.entrySet()) {
                writeBuffer(out, e.getKey(), e.getValue());
            }
            out.flush();
            long crc = checked.getChecksum().getValue();
            DataOutputStream tail = new DataOutputStream(raw);
            tail.writeLong(crc);
            tail.flush();
        });
    }

    /** The content of a file written by {@link #writeAtomically}. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content.
         *
         * @param out the stream (buffered; flushed and closed by the caller)
         * @throws IOException if writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes a file so that a crash or a kill at any instant leaves either its previous content or the new
     * content, complete, and never a mix: the content goes to a temporary file in the same directory, which is
     * forced to the device, then renamed over {@code file} (atomically where the file system supports it; on
     * POSIX file systems it does), and the directory is forced so that the rename itself is durable. On any
     * failure the temporary file is deleted and {@code file} is untouched.
     *
     * <p>A process killed between the write and the rename leaves a {@code file.*.tmp} file behind, which no
     * reader looks at.
     *
     * @param file the file to write; its directory is created if missing
     * @param content writes the content
     * @throws IOException if writing, forcing or renaming fails
     */
    public static void writeAtomically(Path file, Content content) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(content, "content");
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString() + ".", ".tmp");
        try {
            try (FileChannel ch =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(ch), CHUNK);
                content.writeTo(raw);
                raw.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void forceDirectory(Path dir) {
        // Linux lets a directory be opened and forced; other systems may refuse, and there the rename is as
        // durable as the file system makes it.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort, see above
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void writeBuffer(DataOutputStream out, String name, INDArray a) throws IOException {
        writeString(out, name);
        writeString(out, a.dataType().name());
        long[] shape = a.shape();
        out.writeInt(shape.length);
        for (long d : shape) {
            out.writeLong(d);
        }
        INDArray c = a.dup('c');
        ByteBuffer bb = ByteBuffer.allocate(CHUNK);
        if (a.dataType() == DataType.DOUBLE) {
            double[] v = c.data().asDouble();
            for (int i = 0; i < v.length; ) {
                int n = Math.min(v.length - i, CHUNK / Double.BYTES);
                bb.clear();
                bb.asDoubleBuffer().put(v, i, n);
                out.write(bb.array(), 0, n * Double.BYTES);
                i += n;
            }
        } else {
            float[] v = c.data().asFloat();
            for (int i = 0; i < v.length; ) {
                int n = Math.min(v.length - i, CHUNK / Float.BYTES);
                bb.clear();
                bb.asFloatBuffer().put(v, i, n);
                out.write(bb.array(), 0, n * Float.BYTES);
                i += n;
            }
        }
    }

    static void restore(Optimizer opt, Path file, boolean allowNewSchedule) throws IOException {
        Objects.requireNonNull(file, "file");
        String where = "checkpoint " + file;
        long size = Files.size(file);
        int header = MAGIC_BYTES.length + Integer.BYTES;
        if (size < header + Long.BYTES) {
            throw bad("%s is truncated (%d bytes)", where, size);
        }
        long body = size - Long.BYTES;
        long storedCrc;
        CRC32 crc = new CRC32();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
            byte[] magic = in.readNBytes(MAGIC_BYTES.length);
            if (!Arrays.equals(magic, MAGIC_BYTES)) {
                throw bad(
                        "%s is not a HyperP optimizer checkpoint (magic %s)",
                        where, new String(magic, StandardCharsets.ISO_8859_1));
            }
            crc.update(magic);
            byte[] chunk = new byte[CHUNK];
            long left = body - magic.length;
            while (left > 0) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (n < 0) {
                    throw bad("%s is truncated", where);
                }
                crc.update(chunk, 0, n);
                left -= n;
            }
            storedCrc = new DataInputStream(in).readLong();
        }
        if (crc.getValue() != storedCrc) {
            throw bad("%s is corrupted or truncated (CRC-32 %08x, stored %08x)", where, crc.getValue(), storedCrc);
        }

        Map<String, TransformState> liveStates = opt.states();
        Map<String, INDArray> liveBuffers = opt.stateBuffers();
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, INDArray> loaded = new LinkedHashMap<>();
        long skipped;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), CHUNK))) {
            Limits lim = new Limits(body);
            in.skipNBytes(MAGIC_BYTES.length);
            lim.take(MAGIC_BYTES.length);
            int version = in.readInt();
            lim.take(Integer.BYTES);
            if (version != VERSION) {
                throw bad("%s has format version %d; this library reads version %d", where, version, VERSION);
            }
            String fp = readString(in, lim, where);
            if (!fp.equals(opt.fingerprint())) {
                throw bad(
                        "%s was written by a different optimizer or for different parameters:%n  file:     %s%n"
                                + "  expected: %s",
                        where, fp, opt.fingerprint());
            }
            String schedule = readString(in, lim, where);
            if (!allowNewSchedule && !schedule.equals(opt.schedule().toString())) {
                throw bad(
                        "%s was written with schedule %s, this optimizer has %s (use restoreWithNewSchedule to "
                                + "continue under a new schedule)",
                        where, schedule, opt.schedule());
            }
            skipped = readLong(in, lim);
            if (skipped < 0 || skipped > MAX_COUNT) {
                throw bad("%s: skipped-step count %d is outside [0, 2^53]", where, skipped);
            }
            int nStates = readInt(in, lim);
            if (nStates != liveStates.size()) {
                throw bad("%s holds %d states, expected %d", where, nStates, liveStates.size());
            }
            for (int i = 0; i < nStates; i++) {
                String path = readString(in, lim, where);
                long count = readLong(in, lim);
                if (!liveStates.containsKey(path) || counts.containsKey(path)) {
                    throw bad("%s holds an unexpected or repeated state '%s'", where, path);
                }
                if (count < 0 || count > MAX_COUNT) {
                    throw bad("%s: state '%s' has count %d, outside [0, 2^53]", where, path, count);
                }
                counts.put(path, count);
            }
            int nBuffers = readInt(in, lim);
            if (nBuffers != liveBuffers.size()) {
                throw bad("%s holds %d state buffers, expected %d", where, nBuffers, liveBuffers.size());
            }
            for (int i = 0; i < nBuffers; i++) {
                String name = readString(in, lim, where);
                INDArray target = liveBuffers.get(name);
                if (target == null || loaded.containsKey(name)) {
                    throw bad("%s holds an unexpected or repeated state buffer '%s'", where, name);
                }
                loaded.put(name, readBuffer(in, lim, where, name, target));
            }
            if (lim.left != 0) {
                throw bad("%s has %d unexpected trailing bytes", where, lim.left);
            }
        } catch (EOFException e) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s is truncated", where), e);
        }
        for (Map.Entry<String, INDArray> e : loaded.entrySet()) {
            liveBuffers.get(e.getKey()).assign(e.getValue());
        }
        counts.forEach((path, count) -> liveStates.get(path).restoreCount(count));
        opt.restoreSkippedSteps(skipped);
    }

    private static INDArray readBuffer(DataInputStream in, Limits lim, String where, String name, INDArray target)
            throws IOException {
        String dtName = readString(in, lim, where);
        int rank = readInt(in, lim);
        if (rank < 0 || rank > MAX_RANK) {
            throw bad("%s: buffer '%s' has rank %d", where, name, rank);
        }
        long[] shape = new long[rank];
        for (int r = 0; r < rank; r++) {
            shape[r] = readLong(in, lim);
        }
        if (!dtName.equals(target.dataType().name()) || !Arrays.equals(shape, target.shape())) {
            throw bad(
                    "%s: buffer '%s' is %s %s, expected %s %s",
                    where, name, dtName, Arrays.toString(shape), target.dataType(), Arrays.toString(target.shape()));
        }
        int len = Math.toIntExact(target.length());
        boolean dbl = target.dataType() == DataType.DOUBLE;
        int width = dbl ? Double.BYTES : Float.BYTES;
        lim.take((long) len * width);
        byte[] chunk = new byte[CHUNK];
        double[] d = dbl ? new double[len] : null;
        float[] f = dbl ? null : new float[len];
        for (int i = 0; i < len; ) {
            int n = Math.min(len - i, CHUNK / width);
            in.readFully(chunk, 0, n * width);
            ByteBuffer bb = ByteBuffer.wrap(chunk, 0, n * width);
            if (dbl) {
                bb.asDoubleBuffer().get(d, i, n);
            } else {
                bb.asFloatBuffer().get(f, i, n);
            }
            i += n;
        }
        if (dbl) {
            checkAdmissible(where, name, d, DataType.DOUBLE);
        } else {
            double[] wide = new double[len];
            for (int i = 0; i < len; i++) {
                wide[i] = f[i];
            }
            checkAdmissible(where, name, wide, DataType.FLOAT);
        }
        return dbl ? Nd4j.create(d, shape, 'c') : Nd4j.create(f, shape, 'c');
    }

    /**
     * Checks that the values of one optimizer state buffer can be the state of a run: every value finite; the
     * entries of a second moment ({@code .../v}) not negative and those of a sphere radius ({@code .../radius})
     * positive (a step refuses any other radius); and
     * the sum of squares, computed in double, at most a quarter of the largest finite value of the buffer's
     * dtype. The last bound keeps the squares and norms the next step computes in that dtype finite: a buffer
     * \(b\) with \(\|b\|^2 \le \mathrm{max}/4\) plus an update of at most its size has a squared norm of at most
     * \(\mathrm{max}\). A float buffer holding {@code -1.7e38} is finite but fails it (its square overflows), and
     * would turn into an infinity at the next step (Adam divides it by about epsilon).
     *
     * <p>Used by {@link Optimizer#restore} and by the DL4J adapter before any state is overwritten.
     *
     * @param where the source, for the message (such as {@code "checkpoint /path/file"})
     * @param name the buffer's name in the state tree (such as {@code "0/w_q/v"})
     * @param values the buffer's values, widened to double
     * @param dtype the buffer's dtype, FLOAT or DOUBLE (other dtypes are checked against the float range)
     * @throws IllegalArgumentException naming the buffer, the flat index and the value found
     */
    public static void checkAdmissible(String where, String name, double[] values, DataType dtype) {
        Objects.requireNonNull(values, "values");
        boolean nonNegative = name.endsWith("/v");
        boolean positive = name.endsWith("/radius");
        double max = dtype == DataType.DOUBLE ? Double.MAX_VALUE : Float.MAX_VALUE;
        double sumSq = 0;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (!Double.isFinite(v)) {
                throw bad("%s: buffer '%s' holds a non-finite value (%s) at flat index %d", where, name, v, i);
            }
            if (nonNegative && v < 0) {
                throw bad("%s: buffer '%s' must not be negative, found %s at flat index %d", where, name, v, i);
            }
            if (positive && !(v > 0)) {
                throw bad("%s: buffer '%s' must be positive, found %s at flat index %d", where, name, v, i);
            }
            sumSq += v * v;
            if (!(sumSq <= max / 4)) {
                throw bad(
                        "%s: buffer '%s' is too large for %s (the sum of squares passes a quarter of the largest %s"
                                + " value at flat index %d, value %s)",
                        where, name, dtype, dtype, i, v);
            }
        }
    }

    /** Bytes of the body not yet read, so that no length field can make the reader run past it. */
    private static final class Limits {
        long left;

        Limits(long body) {
            this.left = body;
        }

        void take(long n) throws EOFException {
            if (n < 0 || n > left) {
                throw new EOFException();
            }
            left -= n;
        }
    }

    private static String readString(DataInputStream in, Limits lim, String where) throws IOException {
        int n = readInt(in, lim);
        if (n < 0) {
            throw bad("%s is corrupted (negative string length)", where);
        }
        lim.take(n);
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int readInt(DataInputStream in, Limits lim) throws IOException {
        lim.take(Integer.BYTES);
        return in.readInt();
    }

    private static long readLong(DataInputStream in, Limits lim) throws IOException {
        lim.take(Long.BYTES);
        return in.readLong();
    }

    private static IllegalArgumentException bad(String format, Object... args) {
        return new IllegalArgumentException(String.format(Locale.ROOT, format, args));
    }
}
