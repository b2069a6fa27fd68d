package io.hyperp.optim;

import static io.hyperp.optim.OptimizerTest.HYPERP;
import static io.hyperp.optim.OptimizerTest.assertSameState;
import static io.hyperp.optim.OptimizerTest.hyperP;
import static io.hyperp.optim.OptimizerTest.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Hostile checkpoints with a valid checksum: length fields and values that a corrupted or crafted file may
 * hold. Each is refused with an {@link IllegalArgumentException} before anything large is allocated and
 * before the optimizer changes.
 */
class CheckpointLimitsTest {
    @TempDir
    Path dir;

    private ParamSet params;
    private Optimizer opt;
    private byte[] good;
    private CheckpointLayout layout;

    @BeforeEach
    void save() throws IOException {
        params = TestParams.params(HYPERP, DataType.FLOAT, 11);
        opt = hyperP(params);
        for (int s = 0; s < 3; s++) {
            opt.step(TestParams.grads(params, 40 + s), params);
        }
        Path file = dir.resolve("good.ckpt");
        opt.save(file);
        good = Files.readAllBytes(file);
        layout = CheckpointLayout.of(good);
    }

    private String refused(byte[] bytes) throws IOException {
        CheckpointLayout.fixCrc(bytes);
        Path file = dir.resolve("bad.ckpt");
        Files.write(file, bytes);
        Map<String, INDArray> before = snapshot(opt);
        long step = opt.stepCount();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.restore(file));
        assertSameState(before, opt);
        assertEquals(step, opt.stepCount());
        return e.getMessage();
    }

    @Test
    void restore_bufferDeclaring2To40Elements_refusedBeforeAllocating() throws IOException {
        byte[] b = good.clone();
        CheckpointLayout.Buffer w = layout.buffers.get(layout.buffer("w_q/momentum"));
        assertEquals(2, w.rank());
        // [2^20, 2^20] floats would be 4 TiB; the heap is a few GiB, so allocating would fail with an OOM
        ByteBuffer.wrap(b).putLong(w.shapeAt(), 1L << 20).putLong(w.shapeAt() + 8, 1L << 20);
        String m = refused(b);
        assertTrue(m.contains("w_q/momentum' is FLOAT [1048576, 1048576], expected FLOAT"), m);
    }

    @Test
    void restore_stringLengthOf2GiB_refusedAsTruncated() throws IOException {
        byte[] b = good.clone();
        ByteBuffer.wrap(b).putInt(layout.firstStringAt, Integer.MAX_VALUE);
        assertTrue(refused(b).endsWith("is truncated"));
    }

    @Test
    void restore_rankOfAMillion_refused() throws IOException {
        byte[] b = good.clone();
        CheckpointLayout.Buffer w = layout.buffers.get(layout.buffer("w_q/momentum"));
        ByteBuffer.wrap(b).putInt(w.rankAt(), 1 << 20);
        assertTrue(refused(b).contains("has rank 1048576"));
    }

    @Test
    void restore_hugeFiniteMoment_refusedBecauseItsSquareOverflows() throws IOException {
        byte[] b = good.clone();
        // the first moment of the AdamW gain: Adam divides it by about eps, which overflows to infinity
        CheckpointLayout.Buffer m = layout.buffers.get(layout.buffer("gain/m"));
        ByteBuffer.wrap(b).putFloat(m.dataAt(), -1.7e38f);
        String message = refused(b);
        assertTrue(message.contains("gain/m' is too large for FLOAT"), message);
    }

    @Test
    void hugeFiniteMoment_wouldTurnIntoNaNAtTheNextStep() {
        // Why the check above exists: the same value put straight into the state gives NaN one step later.
        TestParams.buffer(opt, "gain/m").putScalar(0, -1.7e38f);
        opt.step(TestParams.grads(params, 99), params);
        boolean nonFinite = Stream.concat(
                        params.entries().stream().map(ParamSet.Entry::array), opt.stateBuffers().values().stream())
                .anyMatch(a -> a.isNaN().any() || a.isInfinite().any());
        assertTrue(nonFinite, "a step from the inadmissible state leaves only finite values");
    }

    @Test
    void restore_negativeSecondMoment_refused() throws IOException {
        byte[] b = good.clone();
        CheckpointLayout.Buffer v = layout.buffers.get(layout.buffer("head/v"));
        ByteBuffer.wrap(b).putFloat(v.dataAt(), -1e-3f);
        String message = refused(b);
        assertTrue(message.contains("head/v' must not be negative, found -0.0010000000474974513"), message);
    }

    @Test
    void restore_zeroRadius_refused() throws IOException {
        // a step refuses a radius that is not positive, so a checkpoint holding one is refused up front
        byte[] b = good.clone();
        CheckpointLayout.Buffer r = layout.buffers.get(layout.buffer("w_q/radius"));
        ByteBuffer.wrap(b).putFloat(r.dataAt(), 0f);
        String message = refused(b);
        assertTrue(message.contains("w_q/radius' must be positive, found 0.0"), message);
    }

    @Test
    void restore_stepCountOf2To62_refused() throws IOException {
        byte[] b = good.clone();
        ByteBuffer.wrap(b).putLong(layout.countAt.get(""), 1L << 62);
        String message = refused(b);
        assertTrue(message.contains("has count 4611686018427387904, outside [0, 2^53]"), message);
    }

    @Test
    void checkAdmissible_atTheBound_acceptsAndJustAbove_refuses() {
        // one float entry whose square is a quarter of Float.MAX_VALUE passes (less a relative 1e-9, more than
        // the rounding of sqrt and of the square); twice that entry fails
        double edge = Math.sqrt(Float.MAX_VALUE / 4.0) * (1 - 1e-9);
        Checkpoints.checkAdmissible("t", "x/momentum", new double[] {edge}, DataType.FLOAT);
        assertThrows(
                IllegalArgumentException.class,
                () -> Checkpoints.checkAdmissible("t", "x/momentum", new double[] {2 * edge}, DataType.FLOAT));
        // the same entry is small for a double buffer
        Checkpoints.checkAdmissible("t", "x/momentum", new double[] {2 * edge}, DataType.DOUBLE);
    }

    @Test
    void writeAtomically_failingContent_leavesTheOldFileAndNoTemporary() throws IOException {
        Path file = dir.resolve("atomic.bin");
        Checkpoints.writeAtomically(file, out -> out.write(new byte[] {1, 2, 3}));
        IOException e = assertThrows(
                IOException.class,
                () -> Checkpoints.writeAtomically(file, out -> {
                    out.write(new byte[1 << 17]);
                    throw new IOException("disk full");
                }));
        assertEquals("disk full", e.getMessage());
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), boxed(Files.readAllBytes(file)));
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    private static List<Byte> boxed(byte[] b) {
        Byte[] out = new Byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i];
        }
        return List.of(out);
    }
}
