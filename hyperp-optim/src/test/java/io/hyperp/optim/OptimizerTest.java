package io.hyperp.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.optim.schedule.LrSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class OptimizerTest {

    private static final ParameterizationRule HYPERP = Parameterizations.hyperP(2);

    @TempDir
    Path dir;

    private static Optimizer hyperP(ParamSet params) {
        return Optimizers.create(params, HYPERP, LrSchedule.linearDecay(0.05, 0, 100, 0.1));
    }

    @Test
    void step_hyperP_keepsSphereParamsOnTheirStoredRadius() {
        ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 1);
        Optimizer opt = hyperP(p);
        Map<String, INDArray> before = Map.of();
        INDArray r0 = TestParams.norms(p.array("w_q"), p.get(0).spec());
        for (int s = 0; s < 20; s++) {
            opt.step(TestParams.grads(p, s), p);
        }
        assertEquals(20, opt.stepCount());
        for (ParamSet.Entry e : p.entries()) {
            if (!HYPERP.treatment(e.spec()).onSphere()) {
                continue;
            }
            INDArray radius = opt.stateBuffers().entrySet().stream()
                    .filter(b -> b.getKey().endsWith(e.name() + "/radius")).findFirst().orElseThrow().getValue();
            INDArray now = TestParams.norms(e.array(), e.spec());
            // float32 renormalization each step: relative error a few ulps of 1 (~1e-7), never accumulating.
            for (int b = 0; b < radius.length(); b++) {
                assertEquals(radius.getDouble(b), now.getDouble(b), 1e-5 * radius.getDouble(b), e.name());
            }
        }
        assertTrue(before.isEmpty());
        assertEquals(r0.getDouble(0), TestParams.norms(p.array("w_q"), p.get(0).spec()).getDouble(0), 1e-5);
    }

    @Test
    void step_nanGradient_throwsNamingParamAndLeavesEverythingUnchanged() {
        ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 2);
        Optimizer opt = hyperP(p);
        opt.step(TestParams.grads(p, 0), p);
        ParamSet pBefore = TestParams.copy(p);
        Map<String, INDArray> stateBefore = snapshot(opt);
        ParamSet g = TestParams.grads(p, 1);
        g.array("w_up").putScalar(3, Float.NaN);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> opt.step(g, p));
        assertTrue(e.getMessage().contains("w_up") && e.getMessage().contains("step 1"), e.getMessage());
        assertSame(pBefore, p);
        assertSameState(stateBefore, opt);
        assertEquals(1, opt.stepCount());
    }

    @Test
    void step_infGradientUnderSkipPolicy_skipsAndCounts() {
        ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 3);
        Optimizer opt = Optimizers.create(p, HYPERP, LrSchedule.constant(0.02),
                OptimizerOptions.defaults().withNonFinitePolicy(NonFinitePolicy.SKIP));
        ParamSet pBefore = TestParams.copy(p);
        ParamSet g = TestParams.grads(p, 1);
        g.array("head").putScalar(0, Float.POSITIVE_INFINITY);
        assertFalse(opt.step(g, p));
        assertEquals(1, opt.skippedSteps());
        assertEquals(0, opt.stepCount());
        assertSame(pBefore, p);
    }

    @Test
    void step_mismatchedGradShape_throwsIaeNamingTensor() {
        ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 4);
        Optimizer opt = hyperP(p);
        ParamSet.Builder b = ParamSet.builder();
        for (ParamSet.Entry e : p.entries()) {
            if (e.name().equals("w_q")) {
                ParamSpec wrong = ParamSpec.matrixOutIn("w_q", 6, 8, e.spec().role());
                b.add(wrong, org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, 6, 8));
            } else {
                b.add(e.spec(), e.array().dup());
            }
        }
        ParamSet pBefore = TestParams.copy(p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.step(b.build(), p));
        assertTrue(e.getMessage().contains("grads[w_q]") && e.getMessage().contains("[8, 6]"), e.getMessage());
        assertSame(pBefore, p);
    }

    @Test
    void checkpoint_stopRestoreContinue_isBitIdenticalToUninterruptedRun() throws IOException {
        ParamSet a = TestParams.params(HYPERP, DataType.FLOAT, 5);
        ParamSet b = TestParams.copy(a);
        Optimizer optA = hyperP(a);
        for (int s = 0; s < 10; s++) {
            optA.step(TestParams.grads(a, 100 + s), a);
        }
        // Run B: 4 steps, checkpoint, a fresh optimizer restores, then 6 more steps.
        Optimizer optB = hyperP(b);
        for (int s = 0; s < 4; s++) {
            optB.step(TestParams.grads(b, 100 + s), b);
        }
        Path file = dir.resolve("opt.ckpt");
        optB.save(file);
        ParamSet bSaved = TestParams.copy(b);
        ParamSet c = TestParams.copy(bSaved);
        Optimizer optC = hyperP(c);
        optC.restore(file);
        assertEquals(4, optC.stepCount());
        for (int s = 4; s < 10; s++) {
            optC.step(TestParams.grads(c, 100 + s), c);
        }
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).array().data().asFloat(), c.get(i).array().data().asFloat(), a.get(i).name());
        }
    }

    @Test
    void restore_truncatedOrCorruptedOrMismatched_throwsIaeAndChangesNothing() throws IOException {
        ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 6);
        Optimizer opt = hyperP(p);
        opt.step(TestParams.grads(p, 0), p);
        Path file = dir.resolve("good.ckpt");
        opt.save(file);
        byte[] good = Files.readAllBytes(file);
        opt.step(TestParams.grads(p, 1), p);
        Map<String, INDArray> before = snapshot(opt);

        Path truncated = dir.resolve("truncated.ckpt");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 2));
        assertThrows(IllegalArgumentException.class, () -> opt.restore(truncated));

        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x10;
        Path corrupted = dir.resolve("corrupted.ckpt");
        Files.write(corrupted, flipped);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.restore(corrupted));
        assertTrue(e.getMessage().contains("corrupted"), e.getMessage());

        ParamSet other = TestParams.params(HYPERP, DataType.FLOAT, 6);
        Optimizer otherOpt = Optimizers.create(other, Parameterizations.muonBaseline(2, 2, 0.1), LrSchedule.constant(0.01));
        Path mismatched = dir.resolve("other.ckpt");
        otherOpt.save(mismatched);
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> opt.restore(mismatched));
        assertTrue(m.getMessage().contains("different optimizer"), m.getMessage());

        assertSameState(before, opt);
        assertEquals(2, opt.stepCount());
    }

    @Test
    void update_stateFromDifferentChain_isRejected() {
        ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 7);
        Transform hyperp = Optimizers.transform(p.specs(), HYPERP, OptimizerOptions.defaults());
        Transform muon = Optimizers.transform(p.specs(), Parameterizations.muonBaseline(2, 2, 0.0),
                OptimizerOptions.defaults());
        TransformState foreign = muon.init(p);
        ParamSet before = TestParams.copy(p);
        ParamSet g = TestParams.grads(p, 0);
        assertThrows(IllegalArgumentException.class,
                () -> hyperp.update(g, foreign, p, new StepContext(0, 0.01)));
        assertSame(before, p);
    }

    static Map<String, INDArray> snapshot(Optimizer opt) {
        Map<String, INDArray> m = new java.util.LinkedHashMap<>();
        opt.stateBuffers().forEach((k, v) -> m.put(k, v.dup()));
        return m;
    }

    static void assertSameState(Map<String, INDArray> before, Optimizer opt) {
        Map<String, INDArray> now = opt.stateBuffers();
        assertEquals(before.keySet(), now.keySet());
        before.forEach((k, v) -> assertEquals(v, now.get(k), k));
    }

    static void assertSame(ParamSet expected, ParamSet actual) {
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).array(), actual.get(i).array(), expected.get(i).name());
        }
    }
}
