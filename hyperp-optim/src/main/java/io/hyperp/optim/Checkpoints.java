package io.hyperp.optim;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The optimizer checkpoint format and its atomic writer.
 *
 * <p>Layout (big-endian): magic {@code "HYPERPCK"}, format version (int), the optimizer fingerprint
 * (UTF), step (long), skipped steps (long), the buffer count (int), then per buffer its name (UTF),
 * dtype (UTF), rank (int), shape (longs) and data (floats or doubles in C order); finally a CRC-32 of
 * everything before it (long). Files are written to a temporary file in the same directory and then
 * renamed over the target.
 */
public final class Checkpoints {

    private static final byte[] MAGIC = "HYPERPCK".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private Checkpoints() {
    }

    static void save(Optimizer opt, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(opt.fingerprint());
            out.writeLong(opt.stepCount());
            out.writeLong(opt.skippedSteps());
            Map<String, INDArray> buffers = opt.stateBuffers();
            out.writeInt(buffers.size());
            for (Map.Entry<String, INDArray> e : buffers.entrySet()) {
                INDArray a = e.getValue();
                out.writeUTF(e.getKey());
                out.writeUTF(a.dataType().name());
                out.writeInt(a.rank());
                for (long d : a.shape()) {
                    out.writeLong(d);
                }
                INDArray c = a.dup('c');
                if (a.dataType() == DataType.DOUBLE) {
                    for (double v : c.data().asDouble()) {
                        out.writeDouble(v);
                    }
                } else if (a.dataType() == DataType.FLOAT) {
                    for (float v : c.data().asFloat()) {
                        out.writeFloat(v);
                    }
                } else {
                    throw new IllegalStateException("state buffer " + e.getKey() + " has unsupported dtype " + a.dataType());
                }
            }
        }
        byte[] body = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(tmp))) {
                out.write(body);
                out.writeLong(crc.getValue());
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void restore(Optimizer opt, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        byte[] all = Files.readAllBytes(file);
        String where = "checkpoint " + file;
        checkArgument(all.length >= MAGIC.length + 8 + 4, "%s is truncated (%s bytes)", where, all.length);
        checkArgument(Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC), "%s is not a HyperP optimizer checkpoint",
                where);
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = java.nio.ByteBuffer.wrap(all, all.length - 8, 8).getLong();
        checkArgument(crc.getValue() == stored, "%s is corrupted or truncated (checksum mismatch)", where);

        Map<String, INDArray> live = opt.stateBuffers();
        Map<String, INDArray> loaded = new LinkedHashMap<>();
        long step;
        long skipped;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8))) {
            in.skipBytes(MAGIC.length);
            int version = in.readInt();
            checkArgument(version == VERSION, "%s has format version %s, this library reads %s", where, version, VERSION);
            String fp = in.readUTF();
            checkArgument(fp.equals(opt.fingerprint()),
                    "%s was written by a different optimizer or for different parameters:%n  file:     %s%n  expected: %s",
                    where, fp, opt.fingerprint());
            step = in.readLong();
            skipped = in.readLong();
            checkArgument(step >= 0 && skipped >= 0, "%s has negative counters", where);
            int n = in.readInt();
            checkArgument(n == live.size(), "%s holds %s state buffers, expected %s", where, n, live.size());
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                INDArray target = live.get(name);
                checkArgument(target != null, "%s holds an unexpected state buffer '%s'", where, name);
                DataType dt = DataType.valueOf(in.readUTF());
                int rank = in.readInt();
                checkArgument(rank >= 0 && rank <= 8, "%s: buffer '%s' has rank %s", where, name, rank);
                long[] shape = new long[rank];
                for (int r = 0; r < rank; r++) {
                    shape[r] = in.readLong();
                }
                checkArgument(dt == target.dataType() && Arrays.equals(shape, target.shape()),
                        "%s: buffer '%s' is %s %s, expected %s %s", where, name, dt, Arrays.toString(shape),
                        target.dataType(), Arrays.toString(target.shape()));
                int len = Math.toIntExact(target.length());
                INDArray tmp;
                if (dt == DataType.DOUBLE) {
                    double[] d = new double[len];
                    for (int k = 0; k < len; k++) {
                        d[k] = in.readDouble();
                    }
                    tmp = Nd4j.create(d, shape, 'c');
                } else {
                    float[] f = new float[len];
                    for (int k = 0; k < len; k++) {
                        f[k] = in.readFloat();
                    }
                    tmp = Nd4j.create(f, shape, 'c');
                }
                loaded.put(name, tmp);
            }
            checkArgument(in.available() == 0, "%s has %s trailing bytes", where, in.available());
        } catch (EOFException e) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s is truncated", where), e);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s is corrupted: %s", where, e.getMessage()), e);
        }
        for (Map.Entry<String, INDArray> e : loaded.entrySet()) {
            live.get(e.getKey()).assign(e.getValue());
        }
        opt.setCounters(step, skipped);
    }
}
