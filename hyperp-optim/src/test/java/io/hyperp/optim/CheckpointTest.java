package io.hyperp.optim;

import static io.hyperp.optim.OptimizerTest.HYPERP;
import static io.hyperp.optim.OptimizerTest.assertSame;
import static io.hyperp.optim.OptimizerTest.assertSameState;
import static io.hyperp.optim.OptimizerTest.hyperP;
import static io.hyperp.optim.OptimizerTest.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.schedule.LrSchedule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void stopRestoreContinue_isBitIdenticalToUninterruptedRun() throws IOException {
        for (DataType dt : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            ParamSet a = TestParams.params(HYPERP, dt, 5);
            ParamSet b = TestParams.copy(a);
            Optimizer optA = hyperP(a);
            for (int s = 0; s < 10; s++) {
                optA.step(TestParams.grads(a, 100 + s), a);
            }
            // Run B: 4 steps, checkpoint; a fresh optimizer on a copy of B's parameters restores it and
            // runs the 6 remaining steps.
            Optimizer optB = hyperP(b);
            for (int s = 0; s < 4; s++) {
                optB.step(TestParams.grads(b, 100 + s), b);
            }
            Path file = dir.resolve("opt-" + dt + ".ckpt");
            optB.save(file);
            ParamSet c = TestParams.copy(b);
            Optimizer optC = hyperP(c);
            optC.restore(file);
            assertEquals(4, optC.stepCount());
            optC.states().forEach((path, st) -> assertEquals(4, st.count(), path));
            for (int s = 4; s < 10; s++) {
                optC.step(TestParams.grads(c, 100 + s), c);
            }
            assertSame(a, c);
            Map<String, INDArray> stateA = optA.stateBuffers();
            optC.stateBuffers().forEach((k, v) -> TestParams.assertBitIdentical(stateA.get(k), v, k));
        }
    }

    @Test
    void save_holdsRadiiMomentsCountsAndSkippedSteps() throws IOException {
        ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 6);
        Optimizer opt = Optimizers.create(
                p,
                HYPERP,
                LrSchedule.linearDecay(0.05, 100),
                OptimizerOptions.defaults().withNonFinitePolicy(NonFinitePolicy.SKIP));
        opt.step(TestParams.grads(p, 0), p);
        ParamSet bad = TestParams.grads(p, 1);
        bad.array("gain").putScalar(0, Float.NaN);
        opt.step(bad, p);
        opt.step(TestParams.grads(p, 2), p);
        Path file = dir.resolve("full.ckpt");
        opt.save(file);

        Optimizer fresh = Optimizers.create(
                TestParams.copy(p),
                HYPERP,
                LrSchedule.linearDecay(0.05, 100),
                OptimizerOptions.defaults().withNonFinitePolicy(NonFinitePolicy.SKIP));
        fresh.restore(file);
        assertEquals(2, fresh.stepCount());
        assertEquals(1, fresh.skippedSteps());
        assertEquals(opt.currentLearningRate(), fresh.currentLearningRate());
        Map<String, INDArray> expected = opt.stateBuffers();
        assertTrue(expected.keySet().stream().anyMatch(k -> k.endsWith("experts/radius")));
        assertTrue(expected.keySet().stream().anyMatch(k -> k.endsWith("w_q/momentum")));
        assertTrue(expected.keySet().stream().anyMatch(k -> k.endsWith("head/v")));
        fresh.stateBuffers().forEach((k, v) -> TestParams.assertBitIdentical(expected.get(k), v, k));
    }

    @Test
    void save_overExistingFile_replacesItAndLeavesNoTemporaryFile() throws IOException {
        ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 7);
        Optimizer opt = hyperP(p);
        Path file = dir.resolve("same.ckpt");
        opt.save(file);
        opt.step(TestParams.grads(p, 0), p);
        opt.save(file);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of(file.getFileName().toString()),
                    files.map(f -> f.getFileName().toString()).toList());
        }
        Optimizer fresh = hyperP(TestParams.copy(p));
        fresh.restore(file);
        assertEquals(1, fresh.stepCount());
    }

    @Test
    void restore_truncatedCorruptedForeignOrMismatchedFile_throwsIaeAndChangesNothing() throws IOException {
        ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 6);
        Optimizer opt = hyperP(p);
        opt.step(TestParams.grads(p, 0), p);
        Path file = dir.resolve("good.ckpt");
        opt.save(file);
        byte[] good = Files.readAllBytes(file);
        opt.step(TestParams.grads(p, 1), p);
        Map<String, INDArray> before = snapshot(opt);

        for (int cut : new int[] {0, 5, 20, good.length / 2, good.length - 1}) {
            Path truncated = write("truncated-" + cut + ".ckpt", Arrays.copyOf(good, cut));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.restore(truncated));
            assertTrue(
                    e.getMessage().contains("truncated") || e.getMessage().contains("not a HyperP"),
                    cut + ": " + e.getMessage());
        }

        for (int at : new int[] {12, good.length / 3, good.length / 2, good.length - 3}) {
            byte[] flipped = good.clone();
            flipped[at] ^= 0x10;
            Path corrupted = write("corrupted-" + at + ".ckpt", flipped);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.restore(corrupted));
            assertTrue(e.getMessage().contains("corrupted"), at + ": " + e.getMessage());
        }

        Path notOurs = write("random.bin", "not a checkpoint at all, just some text".getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> opt.restore(notOurs));
        assertTrue(n.getMessage().contains("not a HyperP optimizer checkpoint"), n.getMessage());

        ParamSet other = TestParams.params(HYPERP, DataType.FLOAT, 6);
        Optimizer otherOpt =
                Optimizers.create(other, Parameterizations.muonBaseline(2, 2, 0.1), LrSchedule.linearDecay(0.05, 100));
        Path mismatched = dir.resolve("other.ckpt");
        otherOpt.save(mismatched);
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> opt.restore(mismatched));
        assertTrue(m.getMessage().contains("different optimizer"), m.getMessage());

        ParamSet dbl = TestParams.params(HYPERP, DataType.DOUBLE, 6);
        Path otherDtype = dir.resolve("double.ckpt");
        hyperP(dbl).save(otherDtype);
        assertThrows(IllegalArgumentException.class, () -> opt.restore(otherDtype));

        assertSameState(before, opt);
        assertEquals(2, opt.stepCount());
    }

    @Test
    void restore_nonFiniteBufferWithValidChecksum_throwsIaeAndChangesNothing() throws IOException {
        ParamSet p = TestParams.params(HYPERP, DataType.DOUBLE, 8);
        Optimizer opt = hyperP(p);
        opt.step(TestParams.grads(p, 0), p);
        Path file = dir.resolve("nan.ckpt");
        opt.save(file);
        byte[] bytes = Files.readAllBytes(file);
        // Overwrite the last double before the checksum (the last buffer's last entry) with NaN and
        // recompute the checksum, as a buggy writer would.
        ByteBuffer.wrap(bytes).putDouble(bytes.length - 16, Double.NaN);
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        ByteBuffer.wrap(bytes).putLong(bytes.length - 8, crc.getValue());
        Path nan = write("nan-valid-crc.ckpt", bytes);
        Map<String, INDArray> before = snapshot(opt);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.restore(nan));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        assertSameState(before, opt);
    }

    @Test
    void restore_differentSchedule_isRefusedUnlessAskedFor() throws IOException {
        ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 9);
        Optimizer stable = Optimizers.create(p, HYPERP, LrSchedule.warmupStableDecay(0.05, 0, 1000, 100, 0.1));
        for (int s = 0; s < 3; s++) {
            stable.step(TestParams.grads(p, s), p);
        }
        Path file = dir.resolve("wsd.ckpt");
        stable.save(file);

        // Branch a decay off the stable phase: same optimizer, schedule decaying from step 3.
        LrSchedule branch = LrSchedule.warmupStableDecay(0.05, 0, 3, 10, 0.1);
        Optimizer decay = Optimizers.create(TestParams.copy(p), HYPERP, branch);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> decay.restore(file));
        assertTrue(
                e.getMessage().contains("schedule") && e.getMessage().contains("restoreWithNewSchedule"),
                e.getMessage());
        assertEquals(0, decay.stepCount());

        decay.restoreWithNewSchedule(file);
        assertEquals(3, decay.stepCount());
        assertEquals(branch.lr(3), decay.currentLearningRate());
        assertFalse(decay.currentLearningRate() == stable.currentLearningRate());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }
}
