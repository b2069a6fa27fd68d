package io.hyperp.examples.gpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.Optimizer;
import io.hyperp.optim.Optimizers;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** The mixture-of-experts variant of {@link TinyGpt}; its gradients are checked in {@link TinyGptGradientTest}. */
class TinyGptMoeTest {

    @BeforeAll
    static void singleThreaded() {
        // Small ops on a shared machine: spinning worker threads only add contention.
        NdThreads.parallelModels();
    }

    private static TinyGptConfig tinyMoe(int topK, boolean sqrtGate) {
        // Sparsity 4 (E = 4 k) and the granularity rule (expert width 4 d / k), as in HyperP's MoE sweeps.
        return new TinyGptConfig(256, 16, 4, 2, 32, 16, 128, true, 1.0, 3L, DataType.FLOAT)
                .withMoe(4 * topK, topK, sqrtGate, 4 * 32 / topK);
    }

    private static int[] tokens(TinyGptConfig cfg, long seed) {
        return TinyGptGradientTest.randomTokens(cfg, new SplittableRandom(seed));
    }

    @Test
    void params_moeBlocksHaveRouterAndExpertStacksInsteadOfTheMlp() {
        TinyGptConfig cfg = tinyMoe(2, true);
        List<ParamSpec> specs = TinyGpt.create(cfg).specs();
        // embed + per block (2 norms, 4 attention matrices, 2 QK gains, router, 3 expert stacks) + final norm + head
        assertEquals(1 + 2 * 12 + 2, specs.size());
        assertTrue(specs.stream().noneMatch(s -> s.name().contains("mlp.")));
        ParamSpec router = find(specs, "blocks.1.moe.router");
        assertEquals(ParamRole.ROUTER, router.role());
        assertArrayEquals(new long[] {8, 32}, router.shape());
        ParamSpec gate = find(specs, "blocks.0.moe.w_gate");
        assertEquals(ParamRole.EXPERT, gate.role());
        assertArrayEquals(new long[] {8, 64, 32}, gate.shape());
        assertArrayEquals(new long[] {8, 32, 64}, find(specs, "blocks.0.moe.w_down").shape());
        assertEquals(cfg.parameterCount(), specs.stream().mapToLong(ParamSpec::length).sum());
    }

    @Test
    void create_expertInitFollowsRolesPerExpert_andIsSeeded() {
        TinyGpt a = TinyGpt.create(tinyMoe(2, true));
        TinyGpt b = TinyGpt.create(tinyMoe(2, true));
        for (int i = 0; i < a.params().size(); i++) {
            TinyGpt.Param p = a.params().get(i);
            assertEquals(p.value(), b.params().get(i).value(), p.spec().name());
            if (p.spec().role() == ParamRole.EXPERT || p.spec().role() == ParamRole.ROUTER) {
                // U(+-1/sqrt(fan_in)) with fan_in the input width of one expert matrix.
                double bound = 1.0 / Math.sqrt(p.spec().fanIn());
                assertTrue(p.value().amaxNumber().doubleValue() <= bound, p.spec().name());
                assertTrue(p.value().amaxNumber().doubleValue() > 0.9 * bound, p.spec().name());
            }
        }
    }

    @Test
    void forwardBackward_reportsCrossEntropyPlusAuxLoss() {
        TinyGptConfig cfg = tinyMoe(2, true);
        TinyGpt model = TinyGpt.create(cfg);
        int[] t = tokens(cfg, 1L);
        double loss = model.forwardBackward(t);
        double aux = model.auxLoss();
        // Switch loss with weight 0.1 per block: 0.1 at perfect balance, up to 0.1 * E / k' when every
        // token goes to the same experts; two blocks, so the sum lies in (0, 0.8].
        assertTrue(aux > 0 && aux <= 0.8, "aux " + aux);
        // At initialization the cross-entropy is about ln 256 = 5.55 (logits of variance ~0.01).
        assertEquals(Math.log(256), loss - aux, 0.05);
        assertEquals(loss, model.loss(t), 0.0);
        TinyGpt dense = TinyGpt.create(cfg.withMoe(null));
        dense.loss(t);
        assertEquals(0.0, dense.auxLoss(), 0.0);
    }

    @Test
    void hyperPSteps_reduceLossOnAFixedBatch_forTopK124_withAndWithoutSqrtGate() {
        for (int k : new int[] {1, 2, 4}) {
            for (boolean sqrt : new boolean[] {true, false}) {
                TinyGptConfig cfg = tinyMoe(k, sqrt);
                TinyGpt model = TinyGpt.create(cfg);
                ParameterizationRule rule = Parameterizations.hyperP(cfg.depth());
                Optimizer opt = Optimizers.create(model.values(), rule, LrSchedule.constant(0.02));
                double[] radius = new double[model.params().size()];
                for (int i = 0; i < radius.length; i++) {
                    radius[i] = model.params().get(i).value().norm2Number().doubleValue();
                }
                int[] t = tokens(cfg, 4L);
                double first = model.forwardBackward(t);
                double last = first;
                for (int step = 0; step < 10; step++) {
                    assertTrue(opt.step(model.grads(), model.values()));
                    last = model.forwardBackward(t);
                }
                String what = "k=" + k + " sqrtGate=" + sqrt;
                // Memorizing one batch with relative sphere steps of 2% (the dense model of this width
                // falls by > 1 in 10 steps); 0.3 only asks for clear progress.
                assertTrue(last < first - 0.3, what + ": loss went from " + first + " to " + last);
                for (int i = 0; i < radius.length; i++) {
                    TinyGpt.Param p = model.params().get(i);
                    if (rule.treatment(p.spec()).onSphere()) {
                        // Whole-tensor norm of an expert stack is preserved when each expert keeps its
                        // radius; float32 renormalization drifts ~1e-7 per step.
                        assertEquals(radius[i], p.value().norm2Number().doubleValue(), 1e-4 * radius[i],
                                what + " " + p.spec().name());
                    }
                }
                assertTrue(Double.isFinite(model.indicators().routerZ()), what);
            }
        }
    }

    @Test
    void forwardBackward_nonFiniteRouter_returnsNaNWithoutThrowing_andRecovers() {
        TinyGptConfig cfg = tinyMoe(2, true);
        TinyGpt model = TinyGpt.create(cfg);
        int[] t = tokens(cfg, 2L);
        double good = model.forwardBackward(t);
        TinyGpt.Param router = model.params().stream().filter(p -> p.spec().role() == ParamRole.ROUTER)
                .findFirst().orElseThrow();
        double old = router.value().getDouble(0);
        router.value().putScalar(0, Double.NaN);
        assertFalse(Double.isFinite(model.forwardBackward(t)));
        assertTrue(Double.isNaN(model.auxLoss()));
        router.value().putScalar(0, old);
        assertEquals(good, model.forwardBackward(t), 0.0);
    }

    private static ParamSpec find(List<ParamSpec> specs, String name) {
        return specs.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name));
    }
}
