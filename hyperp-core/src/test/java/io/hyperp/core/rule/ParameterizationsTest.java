package io.hyperp.core.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import org.junit.jupiter.api.Test;

class ParameterizationsTest {

    private static final ParamSpec HIDDEN = ParamSpec.matrixOutIn("w", 8, 8, ParamRole.HIDDEN);
    private static final ParamSpec ROUTER = ParamSpec.matrixOutIn("r", 4, 8, ParamRole.ROUTER);
    private static final ParamSpec EXPERT = ParamSpec.expertStack("e", 4, 8, 8);
    private static final ParamSpec HEAD = ParamSpec.matrixOutIn("head", 16, 8, ParamRole.OUTPUT_HEAD);
    private static final ParamSpec EMB = ParamSpec.matrixOutIn("emb", 16, 8, ParamRole.EMBEDDING);
    private static final ParamSpec GAIN = ParamSpec.vector("g", 8, ParamRole.GAIN);

    @Test
    void hyperP_matchesSpecSections1And4() {
        ParameterizationRule r = Parameterizations.hyperP(8);
        for (ParamSpec s : new ParamSpec[] {HIDDEN, ROUTER, EXPERT}) {
            ParamTreatment t = r.treatment(s);
            assertEquals(OptimizerFamily.SPHERE_MUON, t.family(), s.name());
            assertEquals(InitScheme.uniformFanIn(), t.init());
            assertEquals(0.0, t.weightDecay());
            assertEquals(1.0, t.lrMultiplier());
        }
        assertEquals(OptimizerFamily.SPHERE_ADAM, r.treatment(HEAD).family());
        assertEquals(InitScheme.normal(0.02), r.treatment(HEAD).init());
        assertEquals(OptimizerFamily.ADAMW, r.treatment(EMB).family());
        assertEquals(InitScheme.normal(1e-4), r.treatment(EMB).init());
        assertEquals(InitScheme.constant(1), r.treatment(GAIN).init());
        assertEquals(0.0, r.treatment(GAIN).weightDecay());
        assertEquals(1 / Math.sqrt(16), r.residualBranchMultiplier(), 1e-15);
        assertEquals(1.0, r.outputLogitMultiplier());
    }

    @Test
    void muonBaseline_plainMuonWithDecayAndLogitMultiplier() {
        ParameterizationRule r = Parameterizations.muonBaseline(8, 24, 0.1);
        assertEquals(OptimizerFamily.MUON, r.treatment(HIDDEN).family());
        assertEquals(0.1, r.treatment(HIDDEN).weightDecay());
        assertEquals(OptimizerFamily.ADAMW, r.treatment(HEAD).family());
        assertTrue(!r.treatment(HEAD).onSphere());
        assertEquals(8.0 / 24, r.outputLogitMultiplier(), 1e-15);
        assertEquals(1 / Math.sqrt(48), r.residualBranchMultiplier(), 1e-15);
    }

    @Test
    void muP_scalesHiddenAndHeadLearningRatesWithWidth() {
        ParameterizationRule r = Parameterizations.muP(256, 1024, 4, 0.0);
        assertEquals(0.25, r.treatment(HIDDEN).lrMultiplier());
        assertEquals(0.25, r.treatment(HEAD).lrMultiplier());
        assertEquals(1.0, r.treatment(EMB).lrMultiplier());
        assertEquals(0.25, r.outputLogitMultiplier());
        assertEquals(OptimizerFamily.ADAMW, r.treatment(HIDDEN).family());
    }

    @Test
    void standard_allAdamWAtMultiplierOne() {
        ParameterizationRule r = Parameterizations.standard(0.1);
        for (ParamSpec s : new ParamSpec[] {HIDDEN, ROUTER, EXPERT, HEAD, EMB, GAIN}) {
            assertEquals(OptimizerFamily.ADAMW, r.treatment(s).family(), s.name());
            assertEquals(1.0, r.treatment(s).lrMultiplier());
        }
    }

    @Test
    void badArguments_throwIae() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parameterizations.hyperP(0));
        assertTrue(e.getMessage().contains("depth"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Parameterizations.muonBaseline(8, 8, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Parameterizations.standard(-1));
    }
}
