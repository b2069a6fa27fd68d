package io.hyperp.optim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Where each field of a well-formed checkpoint lies (see {@link Checkpoints} for the layout), so that tests can
 * change one field of a real file and write a valid checksum, as a buggy or hostile writer would.
 */
final class CheckpointLayout {
    /** One buffer: the offsets of its rank, its first shape entry and its first value. */
    record Buffer(String dtype, int rankAt, int rank, int shapeAt, int dataAt, int width) {}

    final Map<String, Buffer> buffers = new LinkedHashMap<>();
    final Map<String, Integer> countAt = new LinkedHashMap<>();
    int skippedAt;
    int firstStringAt;

    private CheckpointLayout() {}

    static CheckpointLayout of(byte[] file) {
        CheckpointLayout l = new CheckpointLayout();
        ByteBuffer b = ByteBuffer.wrap(file);
        b.position(Checkpoints.MAGIC.length() + Integer.BYTES);
        l.firstStringAt = b.position();
        string(b); // fingerprint
        string(b); // schedule
        l.skippedAt = b.position();
        b.getLong();
        int states = b.getInt();
        for (int i = 0; i < states; i++) {
            String path = string(b);
            l.countAt.put(path, b.position());
            b.getLong();
        }
        int n = b.getInt();
        for (int i = 0; i < n; i++) {
            String name = string(b);
            String dtype = string(b);
            int rankAt = b.position();
            int rank = b.getInt();
            int shapeAt = b.position();
            long len = 1;
            for (int r = 0; r < rank; r++) {
                len *= b.getLong();
            }
            int width = dtype.equals("DOUBLE") ? Double.BYTES : Float.BYTES;
            l.buffers.put(name, new Buffer(dtype, rankAt, rank, shapeAt, b.position(), width));
            b.position(b.position() + (int) (len * width));
        }
        return l;
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    /** The name of the first buffer whose name ends with {@code suffix}. */
    String buffer(String suffix) {
        return buffers.keySet().stream()
                .filter(k -> k.endsWith(suffix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no buffer " + suffix));
    }

    /** Writes the CRC-32 of everything before the last eight bytes into them. */
    static void fixCrc(byte[] file) {
        CRC32 crc = new CRC32();
        crc.update(file, 0, file.length - Long.BYTES);
        ByteBuffer.wrap(file).putLong(file.length - Long.BYTES, crc.getValue());
    }
}
