package io.hyperp.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OptimizerTest {

    static final ParameterizationRule HYPERP = Parameterizations.hyperP(2);

    static Optimizer hyperP(ParamSet params) {
        return Optimizers.create(params, HYPERP, LrSchedule.linearDecay(0.05, 100));
    }

    @Nested
    class Step {

        @Test
        void step_hyperP_keepsSphereParamsOnTheirStoredRadiusAndLeavesGradsAlone() {
            ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 1);
            Optimizer opt = hyperP(p);
            Map<String, INDArray> r0 = new LinkedHashMap<>();
            for (ParamSet.Entry e : p.entries()) {
                r0.put(e.name(), TestParams.norms(e.array(), e.spec()));
            }
            ParamSet g = TestParams.grads(p, 9);
            ParamSet gBefore = TestParams.copy(g);
            for (int s = 0; s < 20; s++) {
                opt.step(g, p);
            }
            assertEquals(20, opt.stepCount());
            assertSame(gBefore, g);
            for (ParamSet.Entry e : p.entries()) {
                if (!HYPERP.treatment(e.spec()).onSphere()) {
                    assertTrue(
                            TestParams.norms(e.array(), e.spec())
                                            .sub(r0.get(e.name()))
                                            .amaxNumber()
                                            .doubleValue()
                                    > 0,
                            e.name() + " (AdamW) should have moved");
                    continue;
                }
                INDArray radius = TestParams.buffer(opt, e.name() + "/radius");
                INDArray now = TestParams.norms(e.array(), e.spec());
                for (int b = 0; b < radius.length(); b++) {
                    // The radius stored at init is the initial norm (float32 norm of the same array).
                    assertEquals(r0.get(e.name()).getDouble(b), radius.getDouble(b), 1e-6 * radius.getDouble(b));
                    // float32 renormalization each step: a few ulps of 1 (~1e-7) relative, never accumulating.
                    assertEquals(radius.getDouble(b), now.getDouble(b), 1e-5 * radius.getDouble(b), e.name());
                }
            }
        }

        @Test
        void step_countsInEveryStateOfTheTree() {
            ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 2);
            Optimizer opt = hyperP(p);
            for (int s = 0; s < 3; s++) {
                opt.step(TestParams.grads(p, s), p);
            }
            assertEquals(3, opt.state().count());
            opt.states().forEach((path, st) -> assertEquals(3, st.count(), "state '" + path + "'"));
            assertEquals(LrSchedule.linearDecay(0.05, 100).lr(3), opt.currentLearningRate());
        }

        @Test
        void step_nanGradient_throwsIseNamingParamAndStepAndChangesNothing() {
            ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 2);
            Optimizer opt = hyperP(p);
            opt.step(TestParams.grads(p, 0), p);
            ParamSet pBefore = TestParams.copy(p);
            Map<String, INDArray> stateBefore = snapshot(opt);
            ParamSet g = TestParams.grads(p, 1);
            g.array("w_up").putScalar(3, Float.NaN);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> opt.step(g, p));
            assertTrue(e.getMessage().contains("grads[w_up]") && e.getMessage().contains("step 1"), e.getMessage());
            assertSame(pBefore, p);
            assertSameState(stateBefore, opt);
            assertEquals(1, opt.stepCount());
        }

        @Test
        void step_infGradientUnderSkipPolicy_skipsCountsAndChangesNothing() {
            ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 3);
            Optimizer opt = Optimizers.create(
                    p,
                    HYPERP,
                    LrSchedule.constant(0.02),
                    OptimizerOptions.defaults().withNonFinitePolicy(NonFinitePolicy.SKIP));
            opt.step(TestParams.grads(p, 0), p);
            ParamSet pBefore = TestParams.copy(p);
            Map<String, INDArray> stateBefore = snapshot(opt);
            ParamSet g = TestParams.grads(p, 1);
            g.array("head").putScalar(0, Float.POSITIVE_INFINITY);
            assertFalse(opt.step(g, p));
            assertEquals(1, opt.skippedSteps());
            assertEquals(1, opt.stepCount());
            assertSame(pBefore, p);
            assertSameState(stateBefore, opt);
            assertTrue(opt.step(TestParams.grads(p, 2), p));
            assertEquals(2, opt.stepCount());
        }

        @Test
        void step_hugeFiniteFloatGradient_isClippedNotReportedAsNonFinite() {
            // 1e30 squared overflows float32: the non-finite check must look again, and clipping must
            // still bring the step to a finite one.
            ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 4);
            Optimizer opt = hyperP(p);
            ParamSet g = TestParams.grads(p, 3);
            g.array("embed").muli(1e30f);
            assertTrue(opt.step(g, p));
            for (ParamSet.Entry e : p.entries()) {
                assertFalse(Reductions.hasNonFinite(e.array()), e.name());
            }
            assertTrue(opt.stateBuffers().values().stream().noneMatch(Reductions::hasNonFinite));
        }

        @Test
        void step_mismatchedGradShape_throwsIaeNamingTensorAndChangesNothing() {
            ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 4);
            Optimizer opt = hyperP(p);
            ParamSet.Builder b = ParamSet.builder();
            for (ParamSet.Entry e : p.entries()) {
                if (e.name().equals("w_q")) {
                    b.add(ParamSpec.matrixOutIn("w_q", 6, 8, e.spec().role()), Nd4j.zeros(DataType.FLOAT, 6, 8));
                } else {
                    b.add(e.spec(), e.array().dup());
                }
            }
            ParamSet pBefore = TestParams.copy(p);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.step(b.build(), p));
            assertTrue(e.getMessage().contains("grads[w_q]") && e.getMessage().contains("[8, 6]"), e.getMessage());
            assertSame(pBefore, p);
            assertEquals(0, opt.stepCount());
        }

        @Test
        void step_wrongDtype_throwsIaeNamingTensor() {
            ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 4);
            Optimizer opt = hyperP(p);
            ParamSet.Builder b = ParamSet.builder();
            for (ParamSet.Entry e : p.entries()) {
                b.add(e.spec(), e.array().castTo(e.name().equals("gain") ? DataType.DOUBLE : DataType.FLOAT));
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.step(b.build(), p));
            assertTrue(e.getMessage().contains("grads[gain]") && e.getMessage().contains("DOUBLE"), e.getMessage());
        }

        @Test
        void step_learningRateTimesDecayAtLeastOne_throwsIaeBeforeTouchingMomentum() {
            ParamSpec spec = ParamSpec.matrixOutIn("w", 4, 6, ParamRole.HIDDEN);
            ParamSet p =
                    ParamSet.builder().add(spec, TestParams.uniform(spec, 5)).build();
            // lr 0.5 x weight decay 2 = 1: the decayed matrix would vanish; refuse it.
            Transform t = Transforms.chain(Transforms.muon(MuonConfig.defaults()), Transforms.sphereStep(1.0, 2.0));
            Optimizer opt = Optimizer.create(t, LrSchedule.constant(0.5), p, NonFinitePolicy.THROW);
            ParamSet pBefore = TestParams.copy(p);
            Map<String, INDArray> stateBefore = snapshot(opt);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> opt.step(
                            ParamSet.builder()
                                    .add(spec, TestParams.uniform(spec, 6))
                                    .build(),
                            p));
            assertTrue(e.getMessage().contains("sphereStep") && e.getMessage().contains("must be < 1"), e.getMessage());
            assertSame(pBefore, p);
            assertSameState(stateBefore, opt);
            assertEquals(0, opt.stepCount());
        }

        @Test
        void create_rank1ParamUnderMuonTransform_throwsIaeNamingIt() {
            ParamSpec gain = ParamSpec.vector("g", 4, ParamRole.GAIN);
            ParamSet p =
                    ParamSet.builder().add(gain, Nd4j.ones(DataType.FLOAT, 4)).build();
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> Optimizer.create(
                            Transforms.muon(MuonConfig.defaults()),
                            LrSchedule.constant(0.1),
                            p,
                            NonFinitePolicy.THROW));
            assertTrue(e.getMessage().contains("g:") && e.getMessage().contains("rank 1"), e.getMessage());
        }

        @Test
        void create_zeroSphereMatrix_throwsIaeNamingIt() {
            ParamSpec spec = ParamSpec.matrixOutIn("w_zero", 3, 3, ParamRole.HIDDEN);
            ParamSet p = ParamSet.builder()
                    .add(spec, Nd4j.zeros(DataType.FLOAT, 3, 3))
                    .build();
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> Optimizers.create(p, HYPERP, LrSchedule.constant(0.1)));
            assertTrue(e.getMessage().contains("w_zero"), e.getMessage());
        }
    }

    @Nested
    class Update {

        @Test
        void update_stateFromDifferentChain_throwsIaeAndChangesNothing() {
            ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 7);
            Transform hyperp = Optimizers.transform(p.specs(), HYPERP, OptimizerOptions.defaults());
            Transform muon = Optimizers.transform(
                    p.specs(), Parameterizations.muonBaseline(2, 2, 0.0), OptimizerOptions.defaults());
            TransformState foreign = muon.init(p);
            ParamSet before = TestParams.copy(p);
            ParamSet g = TestParams.grads(p, 0);
            ParamSet gBefore = TestParams.copy(g);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> hyperp.update(g, foreign, p, 0.01));
            assertTrue(e.getMessage().contains("different transform"), e.getMessage());
            assertSame(before, p);
            assertSame(gBefore, g);
            assertEquals(0, foreign.count());
        }

        @Test
        void update_stateBuiltForOtherParams_throwsIaeNamingTheTensor() {
            ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 8);
            Transform t = Optimizers.transform(p.specs(), HYPERP, OptimizerOptions.defaults());
            TransformState st = t.init(p);
            ParamSpec other = ParamSpec.matrixOutIn("w_q", 8, 6, ParamRole.ROUTER);
            ParamSet.Builder b = ParamSet.builder();
            for (ParamSet.Entry e : p.entries()) {
                b.add(e.name().equals("w_q") ? other : e.spec(), e.array());
            }
            ParamSet changed = b.build();
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> t.update(TestParams.grads(changed, 1), st, changed, 0.01));
            assertTrue(e.getMessage().contains("[w_q]") && e.getMessage().contains("ROUTER"), e.getMessage());
        }

        @Test
        void update_negativeOrNanLearningRate_throwsIae() {
            ParamSet p = TestParams.params(HYPERP, DataType.FLOAT, 9);
            Transform t = Optimizers.transform(p.specs(), HYPERP, OptimizerOptions.defaults());
            TransformState st = t.init(p);
            for (double lr : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
                assertThrows(IllegalArgumentException.class, () -> t.update(TestParams.grads(p, 1), st, p, lr));
            }
            assertEquals(0, st.count());
        }
    }

    static Map<String, INDArray> snapshot(Optimizer opt) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        opt.stateBuffers().forEach((k, v) -> m.put(k, v.dup()));
        return m;
    }

    static void assertSameState(Map<String, INDArray> before, Optimizer opt) {
        Map<String, INDArray> now = opt.stateBuffers();
        assertEquals(before.keySet(), now.keySet());
        before.forEach((k, v) -> TestParams.assertBitIdentical(v, now.get(k), k));
    }

    /** Bit-for-bit equality of every array (INDArray.equals would allow differences up to 1e-5). */
    static void assertSame(ParamSet expected, ParamSet actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            TestParams.assertBitIdentical(
                    expected.get(i).array(),
                    actual.get(i).array(),
                    expected.get(i).name());
        }
    }
}
