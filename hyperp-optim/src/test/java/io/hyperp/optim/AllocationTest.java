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
import org.nd4j.linalg.factory.Nd4j;

/**
 * After warm-up, an optimizer step allocates no ND4J arrays: every step runs inside a workspace
 * that any array created during it would be attached to, and the workspace's offset counts the
 * bytes of those arrays.
 */
class AllocationTest {

    private static final ParameterizationRule HYPERP = Parameterizations.hyperP(2);

    /** The bytes of ND4J arrays created by each of three steps after a first warm-up step. */
    private static long[] bytesPerStep(List<ParamSpec> specs) {
        ParamSet.Builder pb = ParamSet.builder();
        for (ParamSpec s : specs) {
            pb.add(s, Initializer.initialize(s, HYPERP, DataType.FLOAT, 1));
        }
        ParamSet p = pb.build();
        Optimizer opt = Optimizers.create(p, HYPERP, LrSchedule.linearDecay(0.01, 100));
        ParamSet g = TestParams.grads(p, 3);
        opt.step(g, p);
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(64L << 20)
                .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.NONE)
                .policySpill(SpillPolicy.FAIL).build();
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
    void step_adamSphereAdamWAndClipping_allocatesNothing() {
        long[] bytes = bytesPerStep(List.of(ParamSpec.matrixOutIn("head", 100, 64, ParamRole.OUTPUT_HEAD),
                ParamSpec.matrixOutIn("embed", 100, 64, ParamRole.EMBEDDING), ParamSpec.vector("gain", 64, ParamRole.GAIN)));
        for (long b : bytes) {
            assertEquals(0, b);
        }
    }

    @Test
    void step_fullHyperP_allocatesNoTensorSizedArray() {
        // Besides the parameters above (which allocate nothing), the Muon groups' only allocations are
        // Newton-Schulz's scalar norm results (hyperp-core), a few bytes per matrix; the smallest tensor
        // here has 16 x 64 float32 = 4 KiB, so a bound of 1 KiB catches any tensor-sized allocation.
        long[] bytes = bytesPerStep(List.of(ParamSpec.matrixOutIn("w", 64, 64, ParamRole.HIDDEN),
                ParamSpec.expertStack("experts", 2, 32, 64), ParamSpec.matrixOutIn("router", 16, 64, ParamRole.ROUTER),
                ParamSpec.matrixOutIn("head", 100, 64, ParamRole.OUTPUT_HEAD),
                ParamSpec.matrixOutIn("embed", 100, 64, ParamRole.EMBEDDING)));
        for (long b : bytes) {
            assertTrue(b < 1024, b + " bytes allocated in one step");
        }
    }
}
