package io.hyperp.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.init.Initializer;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Memory behaviour. After warm-up, an optimizer step allocates no ND4J arrays: the steps run inside a
 * workspace that any array created during them would be attached to, and the workspace's offset
 * counts the bytes of those arrays. And buffers allocated at creation never belong to a caller's
 * workspace.
 */
class AllocationTest {

    private static final ParameterizationRule HYPERP = Parameterizations.hyperP(2);

    /** Float32 parameters of these specs, initialized by HyperP's rule. */
    private static ParamSet params(List<ParamSpec> specs, long seed) {
        ParamSet.Builder pb = ParamSet.builder();
        for (ParamSpec s : specs) {
            pb.add(s, Initializer.initialize(s, HYPERP, DataType.FLOAT, seed));
        }
        return pb.build();
    }

    /** The bytes of ND4J arrays created by each of three steps after a first warm-up step. */
    private static long[] bytesPerStep(List<ParamSpec> specs) {
        ParamSet p = params(specs, 1);
        Optimizer opt = Optimizers.create(p, HYPERP, LrSchedule.linearDecay(0.01, 100));
        ParamSet g = TestParams.grads(p, 3);
        opt.step(g, p);
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder()
                .initialSize(64L << 20)
                .policyAllocation(AllocationPolicy.STRICT)
                .policyLearning(LearningPolicy.NONE)
                .policySpill(SpillPolicy.FAIL)
                .build();
        long[] bytes = new long[3];
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "optimizer-step")) {
            for (int i = 0; i < bytes.length; i++) {
                long before = ws.getPrimaryOffset();
                opt.step(g, p);
                bytes[i] = ws.getPrimaryOffset() - before;
            }
        }
        return bytes;
    }

    @Test
    void create_insideCallersWorkspace_stateIsDetachedAndOutlivesIt() {
        List<ParamSpec> specs = List.of(
                ParamSpec.matrixOutIn("w", 8, 6, ParamRole.HIDDEN),
                ParamSpec.matrixOutIn("head", 10, 6, ParamRole.OUTPUT_HEAD),
                ParamSpec.vector("gain", 6, ParamRole.GAIN));
        ParamSet p = params(specs, 2);
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder()
                .initialSize(16L << 20)
                .policyAllocation(AllocationPolicy.STRICT)
                .policyLearning(LearningPolicy.NONE)
                .build();
        Optimizer opt;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "callers-workspace")) {
            opt = Optimizers.create(p, HYPERP, LrSchedule.constant(0.01));
            assertEquals(0, ws.getPrimaryOffset(), "bytes the optimizer left in the caller's workspace");
        }
        opt.stateBuffers().forEach((name, a) -> assertTrue(!a.isAttached(), name + " is attached to a workspace"));
        for (int s = 0; s < 3; s++) {
            assertTrue(opt.step(TestParams.grads(p, s), p));
        }
        INDArray radius = TestParams.buffer(opt, "w/radius");
        assertEquals(radius.getDouble(0), p.array("w").norm2Number().doubleValue(), 1e-5 * radius.getDouble(0));
    }

    @Test
    void step_adamSphereAdamWAndClipping_allocatesNothing() {
        long[] bytes = bytesPerStep(List.of(
                ParamSpec.matrixOutIn("head", 100, 64, ParamRole.OUTPUT_HEAD),
                ParamSpec.matrixOutIn("embed", 100, 64, ParamRole.EMBEDDING),
                ParamSpec.vector("gain", 64, ParamRole.GAIN)));
        for (long b : bytes) {
            assertEquals(0, b);
        }
    }

    @Test
    void step_fullHyperP_allocatesNoTensorSizedArray() {
        // Besides the parameters above (which allocate nothing), the Muon groups' only allocations are
        // Newton-Schulz's scalar norm results (hyperp-core), a few bytes per matrix; the smallest tensor
        // here has 16 x 64 float32 = 4 KiB, so a bound of 1 KiB catches any tensor-sized allocation.
        long[] bytes = bytesPerStep(List.of(
                ParamSpec.matrixOutIn("w", 64, 64, ParamRole.HIDDEN),
                ParamSpec.expertStack("experts", 2, 32, 64),
                ParamSpec.matrixOutIn("router", 16, 64, ParamRole.ROUTER),
                ParamSpec.matrixOutIn("head", 100, 64, ParamRole.OUTPUT_HEAD),
                ParamSpec.matrixOutIn("embed", 100, 64, ParamRole.EMBEDDING)));
        for (long b : bytes) {
            assertTrue(b < 1024, b + " bytes allocated in one step");
        }
    }

    @Test
    void step_onTheHostPath_allocatesNoJavaHeap() {
        // On the CPU backend with OpenBLAS (this test class path) every per-step operation is a BLAS call
        // or a loop on cached pointers: after warm-up a full HyperP step allocates no Java objects. An ND4J
        // op executed per step would cost 700 B to 3 KB of Java objects each, and the step below runs
        // about 60 of them, so the bound of 64 B per step (which leaves room for a one-off allocation by
        // the JVM itself over the 200 steps) fails on any of them.
        assertTrue(io.hyperp.core.linalg.DenseOps.hostAvailable(), io.hyperp.core.linalg.DenseOps.availability());
        List<ParamSpec> specs = List.of(
                ParamSpec.matrixOutIn("w", 64, 48, ParamRole.HIDDEN),
                ParamSpec.matrixOutIn("w_tall", 96, 48, ParamRole.HIDDEN),
                ParamSpec.expertStack("experts", 4, 32, 48),
                ParamSpec.matrixOutIn("router", 4, 48, ParamRole.ROUTER),
                ParamSpec.matrixOutIn("head", 100, 48, ParamRole.OUTPUT_HEAD),
                ParamSpec.matrixOutIn("embed", 100, 48, ParamRole.EMBEDDING),
                ParamSpec.vector("gain", 48, ParamRole.GAIN));
        ParamSet p = params(specs, 4);
        Optimizer opt = Optimizers.create(p, HYPERP, LrSchedule.linearDecay(0.01, 1000));
        ParamSet g = TestParams.grads(p, 5);
        for (int i = 0; i < 50; i++) {
            opt.step(g, p);
        }
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int steps = 200;
        long before = mx.getThreadAllocatedBytes(thread);
        for (int i = 0; i < steps; i++) {
            opt.step(g, p);
        }
        long perStep = (mx.getThreadAllocatedBytes(thread) - before) / steps;
        assertTrue(perStep < 64, perStep + " bytes of Java heap per step");
    }
}
