package io.hyperp.scaling.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import io.hyperp.scaling.fit.FittingParadigmLaw;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransferRulesTest {
    private static final TokenBudget BUDGET = TokenBudget.fixedRatio(ReferenceFamily::parameters);

    @Test
    void referenceFamily_depth8_matchesSpecCount() {
        assertEquals(208_142_336L, ReferenceFamily.parameters(8));
    }

    @Test
    void tokenBudget_depth24_matchesSpecWorkedExample() {
        // SPEC 4: T(24) = 194.67e9 (given to 5 significant digits).
        assertEquals(194.67e9, BUDGET.tokens(10.4e9, 8, 24), 0.005e9);
    }

    @Test
    void hyperp_specWorkedExample_eta00317AtDepth24() {
        Scale base = HyperPRule.referenceBase();
        Scale target = BUDGET.complete(base, Scale.of(Axis.DEPTH, 24).with(Axis.BATCH, HyperPRule.REFERENCE_BATCH));
        TransferResult r = HyperPRule.reference().transfer(HyperPRule.ETA0_MOE, base, target);
        // SPEC 4 gives eta = 0.00317 (3 significant digits): half a unit in the last digit.
        assertEquals(0.00317, r.eta(), 0.000005);
        assertEquals(Math.sqrt(8.0 / 24), r.factor(Axis.DEPTH), 1e-15);
        double t = target.get(Axis.TOKENS);
        assertEquals(Math.pow(t / 10.4e9, -0.32), r.factor(Axis.TOKENS), 1e-15);
        assertEquals(1.0, r.factor(Axis.BATCH), 0.0);
        assertEquals(r.eta(), 0.014 * r.factor(Axis.DEPTH) * r.factor(Axis.TOKENS) * r.factor(Axis.BATCH), 1e-18);
        assertEquals(
                List.of(Axis.DEPTH, Axis.TOKENS, Axis.BATCH),
                List.copyOf(r.factors().keySet()));
    }

    @Test
    void hyperp_batchQuadrupled_doublesEta() {
        Scale base = Scale.of(Axis.DEPTH, 8).with(Axis.BATCH, 1 << 21);
        TransferResult r = HyperPRule.reference().transfer(0.01, base, base.with(Axis.BATCH, 1 << 23));
        assertEquals(0.02, r.eta(), 1e-17);
        assertEquals(2.0, r.factor(Axis.BATCH), 0.0);
        assertEquals(1.0, r.factor(Axis.TOKENS), 0.0, "tokens absent from both scales: held fixed");
    }

    @Test
    void hyperp_sameScale_identity() {
        qt().withFixedSeed(1L)
                .forAll(
                        integers().between(1, 200),
                        doubles().between(1e6, 1e13),
                        doubles().between(1e-5, 1.0))
                .checkAssert((depth, tokens, lr) -> {
                    Scale s = Scale.of(Axis.DEPTH, depth)
                            .with(Axis.TOKENS, tokens)
                            .with(Axis.BATCH, 1 << 20);
                    assertEquals(lr, HyperPRule.reference().transfer(lr, s, s).eta(), lr * 1e-15);
                });
    }

    @Test
    void muon_noTokenFactor_depthAndBatchOnly() {
        Scale base = HyperPRule.referenceBase();
        Scale target = BUDGET.complete(base, Scale.of(Axis.DEPTH, 24).with(Axis.BATCH, 1 << 22));
        TransferResult r = MuonBaselineRule.reference().transfer(0.014, base, target);
        assertEquals(0.014 * Math.sqrt(8.0 / 24) * Math.sqrt(2), r.eta(), 1e-17);
        assertEquals(1.0, r.factor(Axis.TOKENS), 0.0);
        assertEquals(8.0 / 24, MuonBaselineRule.outputLogitMultiplier(8, 24), 0.0);
    }

    @Test
    void custom_axisOnOneSideOnly_throwsIae() {
        CustomExponentRule rule = CustomExponentRule.of(Map.of(Axis.WIDTH, -1.0));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> rule.transfer(0.01, Scale.of(Axis.WIDTH, 256), Scale.of()));
        assertTrue(e.getMessage().contains("width is given for the base scale only"), e.getMessage());
    }

    @Test
    void custom_muPWidthRule_scalesInverselyWithWidth() {
        CustomExponentRule rule = CustomExponentRule.of(Map.of(Axis.WIDTH, -1.0));
        assertEquals(
                0.0025,
                rule.transfer(0.01, Scale.of(Axis.WIDTH, 256), Scale.of(Axis.WIDTH, 1024))
                        .eta(),
                1e-18);
    }

    @Test
    void transfer_nonPositiveBaseLr_throwsIae() {
        assertThrows(
                IllegalArgumentException.class,
                () -> HyperPRule.reference().transfer(Double.NaN, Scale.of(), Scale.of()));
        assertThrows(
                IllegalArgumentException.class, () -> HyperPRule.reference().transfer(-1, Scale.of(), Scale.of()));
    }

    @Test
    void scale_nonPositiveValue_throwsIae() {
        assertThrows(IllegalArgumentException.class, () -> Scale.of(Axis.DEPTH, 0));
        assertThrows(IllegalArgumentException.class, () -> Scale.of(Axis.DEPTH, Double.NaN));
    }

    @Test
    void fittedLaw_predictAndAnchoredRuleAgree() {
        FittedLawPredictor p = new FittedLawPredictor(FittingParadigmLaw.ZHOU_2026_MOE);
        Scale small = Scale.of(Axis.PARAMS, 2e8).with(Axis.TOKENS, 4e9);
        Scale big = Scale.of(Axis.PARAMS, 4e9).with(Axis.TOKENS, 2e11);
        double anchored = p.asRule().transfer(p.predict(small), small, big).eta();
        // The coefficient cancels in the anchored rule; only pow round-off remains.
        assertEquals(p.predict(big), anchored, p.predict(big) * 1e-13);
    }

    @Test
    void stepLaw_matchesPublishedFormula() {
        double n = 1e9;
        double d = 1e11;
        double expected = 1.79 * Math.exp(-0.713 * Math.log(n) + 0.307 * Math.log(d));
        assertEquals(
                expected, StepLaw.create().predict(Scale.of(Axis.PARAMS, n).with(Axis.TOKENS, d)), expected * 1e-14);
        assertEquals(0.58 * Math.exp(0.571 * Math.log(d)), StepLaw.batchTokens(d), 1e-14 * StepLaw.batchTokens(d));
    }

    @Test
    void tokenBudget_targetAlreadyHasTokens_unchanged() {
        Scale target = Scale.of(Axis.DEPTH, 24).with(Axis.TOKENS, 5e10);
        assertEquals(target, BUDGET.complete(HyperPRule.referenceBase(), target));
    }

    @Test
    void tokenBudget_fractionalDepth_throwsIae() {
        assertThrows(
                IllegalArgumentException.class,
                () -> BUDGET.complete(HyperPRule.referenceBase(), Scale.of(Axis.DEPTH, 12.5)));
    }

    @Test
    void axis_unknownLabel_listsKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Axis.fromLabel("heads"));
        assertTrue(e.getMessage().contains("known: width, depth"), e.getMessage());
        assertEquals(Axis.TOP_K, Axis.fromLabel("TOP_K"));
    }
}
