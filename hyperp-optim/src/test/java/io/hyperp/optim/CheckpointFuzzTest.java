package io.hyperp.optim;

import static io.hyperp.optim.OptimizerTest.HYPERP;
import static io.hyperp.optim.OptimizerTest.assertSameState;
import static io.hyperp.optim.OptimizerTest.hyperP;
import static io.hyperp.optim.OptimizerTest.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Coverage-guided fuzzing of {@link Optimizer#restore}.
 *
 * <p>An input is a flag byte and a checkpoint file. When the flag's low bit is set, the harness writes a valid
 * CRC-32 into the file's last eight bytes, so that the fuzzer reaches the parser and the value checks behind
 * the checksum (a file with a wrong checksum stops at the first check). The seeds are real checkpoints of the
 * optimizer below, written with both flags.
 *
 * <p>The contract: {@code restore} either throws an {@link IllegalArgumentException} and leaves the optimizer
 * bit for bit as it was, or succeeds with counts in [0, 2^53] and admissible buffers, from which one more step
 * leaves every parameter and buffer finite. Any other exception, a hang or an out-of-memory is a finding.
 */
class CheckpointFuzzTest {
    private static final ParamSet PARAMS = TestParams.params(HYPERP, DataType.FLOAT, 5);
    private static final ParamSet GRADS = TestParams.grads(PARAMS, 77);

    @FuzzTest(maxDuration = "10m")
    void restore(byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        byte[] file = Arrays.copyOfRange(data, 1, data.length);
        if ((data[0] & 1) != 0 && file.length >= Long.BYTES) {
            CheckpointLayout.fixCrc(file);
        }
        ParamSet params = TestParams.copy(PARAMS);
        Optimizer opt = hyperP(params);
        opt.step(GRADS, params);
        Map<String, INDArray> before = snapshot(opt);
        Path path = Files.createTempFile("hyperp-fuzz-", ".ckpt");
        try {
            Files.write(path, file);
            try {
                opt.restore(path);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an error message");
                assertSameState(before, opt);
                assertEquals(1, opt.stepCount());
                return;
            }
        } finally {
            Files.deleteIfExists(path);
        }
        assertTrue(opt.stepCount() >= 0 && opt.stepCount() <= 1L << 53);
        opt.stateBuffers()
                .forEach((name, b) -> Checkpoints.checkAdmissible(
                        "restored", name, b.dup('c').data().asDouble(), b.dataType()));
        opt.step(GRADS, params);
        assertFalse(
                Stream.concat(
                                params.entries().stream().map(ParamSet.Entry::array),
                                opt.stateBuffers().values().stream())
                        .anyMatch(a -> a.isNaN().any() || a.isInfinite().any()),
                "a step from a restored state leaves every value finite");
    }
}
