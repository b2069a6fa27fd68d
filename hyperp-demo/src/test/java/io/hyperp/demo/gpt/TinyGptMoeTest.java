package io.hyperp.demo.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.moe.RouterConfig;
import io.hyperp.moe.layer.MoeLayerConfig;
import io.hyperp.optim.Optimizer;
import io.hyperp.optim.Optimizers;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** The demo model with hyperp-moe's mixture-of-experts feed-forward in every block. */
class TinyGptMoeTest {

    @BeforeAll
    static void singleThreaded() {
        NdThreads.configure(1, 1);
    }

    private static TinyGptConfig small(DataType dt) {
        // vocab 16, context 5, batch 2, depth 2, width 8, head dimension 4, FFN (unused) 12
        return new TinyGptConfig(16, 5, 2, 2, 8, 4, 12, true, 1.0, 5L, dt);
    }

    private static MoeLayerConfig moe(int experts, int topK, boolean shared, boolean sqrtGate) {
        return MoeLayerConfig.granular(
                8, new RouterConfig(experts, topK, shared, sqrtGate, RouterConfig.DEFAULT_SHARED_WEIGHT));
    }

    @Test
    void forwardBackward_sqrtGate_everyGradientMatchesCentralDifferences() {
        TinyGptConfig cfg = small(DataType.DOUBLE);
        TinyGptGradientTest.checkAllGradients(
                TinyGpt.create(cfg, s -> TinyGpt.defaultInit(s.role()), moe(4, 2, false, true)), cfg, 21);
    }

    @Test
    void forwardBackward_plainGatesWithSharedExpert_everyGradientMatchesCentralDifferences() {
        TinyGptConfig cfg = small(DataType.DOUBLE);
        TinyGptGradientTest.checkAllGradients(
                TinyGpt.create(cfg, s -> TinyGpt.defaultInit(s.role()), moe(4, 3, true, false)), cfg, 22);
    }

    @Test
    void params_replaceTheMlpByRouterAndExperts() {
        TinyGpt model =
                TinyGpt.create(small(DataType.FLOAT), s -> TinyGpt.defaultInit(s.role()), moe(4, 2, false, true));
        assertFalse(
                model.specs().stream().anyMatch(s -> s.name().contains("mlp.gate")),
                model.specs().toString());
        assertEquals(
                2,
                model.specs().stream().filter(s -> s.role() == ParamRole.ROUTER).count());
        assertTrue(
                model.specs().stream().filter(s -> s.role() == ParamRole.EXPERT).count() >= 6);
    }

    @Test
    void hyperpSteps_onAFixedBatch_lowerTheLossAndReportRouterZ() {
        TinyGptConfig cfg = small(DataType.FLOAT);
        ParameterizationRule rule = Parameterizations.hyperP(cfg.depth());
        TinyGpt model = TinyGpt.create(cfg, s -> rule.treatment(s).init(), moe(4, 2, false, true));
        Optimizer opt = Optimizers.create(model.values(), rule, LrSchedule.linearDecay(0.1, 0, 80, 0.1));
        int[] tokens = TinyGptGradientTest.randomTokens(cfg, new SplittableRandom(4));
        double first = model.forwardBackward(tokens);
        double last = first;
        for (int i = 0; i < 80; i++) {
            opt.step(model.grads(), model.values());
            last = model.forwardBackward(tokens);
        }
        assertTrue(last < first - 0.5, "objective went from " + first + " to " + last);
        TinyGpt.Indicators ind = model.indicators();
        assertTrue(ind.routerZ() > 0 && Double.isFinite(ind.routerZ()), ind.toString());
        TinyGpt dense = TinyGpt.create(cfg);
        dense.loss(tokens);
        assertTrue(Double.isNaN(dense.indicators().routerZ()), "a dense model has no router Z");
    }

    @Test
    void create_moeWidthMismatch_throwsIaeNamingBoth() {
        MoeLayerConfig wrong = MoeLayerConfig.granular(16, RouterConfig.defaults());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TinyGpt.create(small(DataType.FLOAT), s -> TinyGpt.defaultInit(s.role()), wrong));
        assertTrue(e.getMessage().contains("modelDim (16) must equal the model's width (8)"), e.getMessage());
    }

    @Test
    void forwardBackward_top1AndTopKEqualToExperts_everyGradientMatchesCentralDifferences() {
        // Degenerate routings: top-1 (the gate is always 1, so the router learns only through the
        // balance loss) and k = E (every token uses every expert), at depth 1 to keep the test fast.
        TinyGptConfig cfg = small(DataType.DOUBLE).withDepth(1);
        TinyGptGradientTest.checkAllGradients(
                TinyGpt.create(cfg, s -> TinyGpt.defaultInit(s.role()), moe(4, 1, false, true)), cfg, 23);
        TinyGptGradientTest.checkAllGradients(
                TinyGpt.create(cfg, s -> TinyGpt.defaultInit(s.role()), moe(4, 4, false, false)), cfg, 24);
    }

    @Test
    void forwardBackward_returnsCrossEntropyPlusAuxLoss_lossReturnsCrossEntropy() {
        TinyGptConfig cfg = small(DataType.DOUBLE);
        TinyGpt model = TinyGpt.create(cfg, s -> TinyGpt.defaultInit(s.role()), moe(4, 2, false, true));
        int[] tokens = TinyGptGradientTest.randomTokens(cfg, new SplittableRandom(5));
        double objective = model.forwardBackward(tokens);
        double aux = model.lastAuxLoss();
        // Switch loss of weight 0.1 per layer: 0.1 at perfect balance, at most 0.1 E / k' = 0.2 when
        // every token picks the same experts; two layers.
        assertTrue(aux > 0 && aux <= 0.4, "aux " + aux);
        // Same pass, same arithmetic: the cross-entropy of loss() is bit-identical.
        assertEquals(objective, model.loss(tokens) + aux, 0.0);
    }

    @Test
    void hyperpSteps_lowerTheLossAndKeepEverySphere_forTopK124_withAndWithoutSqrtGate() {
        // The demo's comparison at a tiny size: E = 4k experts of width 4d/k (granularity rule).
        TinyGptConfig cfg = small(DataType.FLOAT);
        ParameterizationRule rule = Parameterizations.hyperP(cfg.depth());
        for (int k : new int[] {1, 2, 4}) {
            for (boolean sqrtGate : new boolean[] {true, false}) {
                String what = "k=" + k + " sqrtGate=" + sqrtGate;
                TinyGpt model = TinyGpt.create(cfg, s -> rule.treatment(s).init(), moe(4 * k, k, false, sqrtGate));
                Optimizer opt = Optimizers.create(model.values(), rule, LrSchedule.constant(0.05));
                double[] radius = new double[model.params().size()];
                for (int i = 0; i < radius.length; i++) {
                    radius[i] = model.params().get(i).value().norm2Number().doubleValue();
                }
                int[] tokens = TinyGptGradientTest.randomTokens(cfg, new SplittableRandom(6));
                double first = model.forwardBackward(tokens);
                double last = first;
                for (int step = 0; step < 20; step++) {
                    assertTrue(opt.step(model.grads(), model.values()), what);
                    last = model.forwardBackward(tokens);
                }
                // Memorizing 10 tokens with relative sphere steps of 5%: clear progress is asked for,
                // not a particular value, so the bound holds across platforms' rounding.
                assertTrue(last < first - 0.3, what + ": objective went from " + first + " to " + last);
                for (int i = 0; i < radius.length; i++) {
                    TinyGpt.Param p = model.params().get(i);
                    if (rule.treatment(p.spec()).onSphere()) {
                        // Each expert keeps its own radius, hence so does the stack; float32
                        // renormalization drifts ~1e-7 per step.
                        assertEquals(
                                radius[i],
                                p.value().norm2Number().doubleValue(),
                                1e-4 * radius[i],
                                what + " " + p.spec().name());
                    }
                }
            }
        }
    }

    @Test
    void forwardBackward_nonFiniteRouter_returnsNaNWithoutThrowing_andRecovers() {
        TinyGptConfig cfg = small(DataType.FLOAT);
        TinyGpt model = TinyGpt.create(cfg, s -> TinyGpt.defaultInit(s.role()), moe(4, 2, false, true));
        int[] tokens = TinyGptGradientTest.randomTokens(cfg, new SplittableRandom(7));
        double good = model.forwardBackward(tokens);
        TinyGpt.Param router = model.params().stream()
                .filter(p -> p.spec().role() == ParamRole.ROUTER)
                .findFirst()
                .orElseThrow();
        double old = router.value().getDouble(0);
        router.value().putScalar(0, Double.NaN);
        assertTrue(Double.isNaN(model.forwardBackward(tokens)));
        assertTrue(Double.isNaN(model.loss(tokens)));
        assertTrue(Double.isNaN(model.indicators().outputRms()));
        router.value().putScalar(0, old);
        assertEquals(good, model.forwardBackward(tokens), 0.0);
    }
}
