package io.hyperp.examples.gpt;

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
        return MoeLayerConfig.granular(8, new RouterConfig(experts, topK, shared, sqrtGate,
                RouterConfig.DEFAULT_SHARED_WEIGHT));
    }

    @Test
    void forwardBackward_sqrtGate_everyGradientMatchesCentralDifferences() {
        TinyGptConfig cfg = small(DataType.DOUBLE);
        TinyGptGradientTest.checkAllGradients(TinyGpt.create(cfg, s -> TinyGpt.defaultInit(s.role()),
                moe(4, 2, false, true)), cfg, 21);
    }

    @Test
    void forwardBackward_plainGatesWithSharedExpert_everyGradientMatchesCentralDifferences() {
        TinyGptConfig cfg = small(DataType.DOUBLE);
        TinyGptGradientTest.checkAllGradients(TinyGpt.create(cfg, s -> TinyGpt.defaultInit(s.role()),
                moe(4, 3, true, false)), cfg, 22);
    }

    @Test
    void params_replaceTheMlpByRouterAndExperts() {
        TinyGpt model = TinyGpt.create(small(DataType.FLOAT), s -> TinyGpt.defaultInit(s.role()), moe(4, 2, false, true));
        assertFalse(model.specs().stream().anyMatch(s -> s.name().contains("mlp.gate")), model.specs().toString());
        assertEquals(2, model.specs().stream().filter(s -> s.role() == ParamRole.ROUTER).count());
        assertTrue(model.specs().stream().filter(s -> s.role() == ParamRole.EXPERT).count() >= 6);
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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TinyGpt.create(small(DataType.FLOAT), s -> TinyGpt.defaultInit(s.role()), wrong));
        assertTrue(e.getMessage().contains("modelDim (16) must equal the model's width (8)"), e.getMessage());
    }
}
