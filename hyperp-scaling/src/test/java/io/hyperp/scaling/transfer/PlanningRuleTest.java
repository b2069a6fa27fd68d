package io.hyperp.scaling.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.scaling.fit.FittingParadigmLaw;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every rule of the planner, axis by axis, against values worked out by hand from SPEC 4, 7 and 8. */
class PlanningRuleTest {
    /** Products of two or three powers in double precision: a few ulps of relative error. */
    private static final double REL = 1e-14;

    private static void assertRel(double expected, double actual, String what) {
        assertEquals(expected, actual, REL * Math.abs(expected), what);
    }

    private static AxisFactor row(ExplainedTransfer t, Axis axis) {
        return t.factors().stream().filter(f -> f.axis() == axis).findFirst().orElseThrow();
    }

    private static String refusal(PlanningRule rule, Scale base, Scale target) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> rule.transfer(0.01, base, target));
        assertEquals(e.getMessage(), rule.refusal(base, target).orElseThrow());
        return e.getMessage();
    }

    @Nested
    class Hyperp {
        @Test
        void depthTokensBatch_handComputed() {
            // SPEC 4: eta = 0.015 * sqrt(B/B0) * sqrt(d0/L) * (T/T0)^-0.32
            // d0 = 8 -> L = 16: sqrt(8/16) = 0.70710678
            // T0 = 1e10 -> T = 2e10: 2^-0.32 = 0.80107036
            // B0 = 2^20 -> B = 2^22: sqrt(4) = 2
            // eta = 0.015 * 0.70710678 * 0.80107036 * 2 = 0.0169932583
            Scale base = Scale.of(Axis.DEPTH, 8).with(Axis.TOKENS, 1e10).with(Axis.BATCH, 1 << 20);
            Scale target = Scale.of(Axis.DEPTH, 16).with(Axis.TOKENS, 2e10).with(Axis.BATCH, 1 << 22);
            ExplainedTransfer t = PlanningRule.hyperp().transfer(0.015, base, target);
            // ten decimals worked by hand: half a unit in the tenth decimal
            assertEquals(0.0169932583, t.eta(), 0.5e-10);
            assertRel(Math.sqrt(0.5), row(t, Axis.DEPTH).factor(), "depth");
            assertRel(Math.pow(2, -0.32), row(t, Axis.TOKENS).factor(), "tokens");
            assertRel(2.0, row(t, Axis.BATCH).factor(), "batch");
        }

        @Test
        void widthExpertsTopK_oneByConstruction_sayingSo() {
            // HyperP: the sphere step is relative and SqrtGate normalizes the routed output, so widening from 256 to
            // 1024 and going from 8 experts top-1 to 64 experts top-8 leaves eta at 0.01.
            Scale base = Scale.of(Axis.WIDTH, 256).with(Axis.EXPERTS, 8).with(Axis.TOP_K, 1);
            Scale target = Scale.of(Axis.WIDTH, 1024).with(Axis.EXPERTS, 64).with(Axis.TOP_K, 8);
            ExplainedTransfer t = PlanningRule.hyperp().transfer(0.01, base, target);
            assertEquals(0.01, t.eta(), 0.0);
            for (Axis a : List.of(Axis.WIDTH, Axis.EXPERTS, Axis.TOP_K)) {
                assertEquals(1.0, row(t, a).factor(), 0.0, a.label());
                assertTrue(
                        row(t, a).why().startsWith("1 by construction"),
                        row(t, a).why());
            }
            assertEquals(256, row(t, Axis.WIDTH).base(), 0.0);
            assertEquals(1024, row(t, Axis.WIDTH).target(), 0.0);
        }

        @Test
        void widthNotGiven_stillListedAsHeldByConstruction() {
            ExplainedTransfer t =
                    PlanningRule.hyperp().transfer(0.01, Scale.of(Axis.DEPTH, 8), Scale.of(Axis.DEPTH, 32));
            // sqrt(8/32) = 0.5
            assertEquals(0.005, t.eta(), 1e-17);
            assertTrue(Double.isNaN(row(t, Axis.WIDTH).base()));
            assertTrue(row(t, Axis.WIDTH).why().contains("by construction"));
        }

        @Test
        void paramsChanged_refused() {
            String m = refusal(PlanningRule.hyperp(), Scale.of(Axis.PARAMS, 1e8), Scale.of(Axis.PARAMS, 1e9));
            assertEquals(
                    "rule hyperp does not cover params (100000000 -> 1000000000): HyperP scales depth, tokens and"
                            + " batch and holds width, experts and top-k by construction",
                    m);
        }
    }

    @Nested
    class Muon {
        @Test
        void depthAndBatch_tokensOne_handComputed() {
            // SPEC 4 baseline: eta = 0.02 * sqrt(B/B0) * sqrt(d0/L), no token factor
            // d0 = 4 -> L = 16: sqrt(1/4) = 0.5; B0 = 2^19 -> B = 2^21: sqrt(4) = 2; T 1e9 -> 8e9: factor 1
            // eta = 0.02 * 0.5 * 2 * 1 = 0.02
            Scale base = Scale.of(Axis.DEPTH, 4).with(Axis.BATCH, 1 << 19).with(Axis.TOKENS, 1e9);
            Scale target = Scale.of(Axis.DEPTH, 16).with(Axis.BATCH, 1 << 21).with(Axis.TOKENS, 8e9);
            ExplainedTransfer t = PlanningRule.muon().transfer(0.02, base, target);
            assertEquals(0.02, t.eta(), 1e-17);
            assertEquals(1.0, row(t, Axis.TOKENS).factor(), 0.0);
            assertEquals(0.5, row(t, Axis.DEPTH).factor(), 0.0);
            assertTrue(t.notes().get(0).contains("d0/L = 0.25"), t.notes().toString());
        }

        @Test
        void experts_refusedWithTheSentence() {
            String m = refusal(PlanningRule.muon(), Scale.of(Axis.EXPERTS, 8), Scale.of(Axis.EXPERTS, 64));
            assertEquals(
                    "rule muon does not cover experts (8 -> 64): the plain Muon baseline scales depth and batch and"
                            + " has no rule for experts or top-k (no SqrtGate)",
                    m);
        }
    }

    @Nested
    class Mup {
        @Test
        void width_hiddenOverD_embeddingFixed() {
            // Tensor Programs V (Adam): hidden rate * d0/d = 0.01 * 256/1024 = 0.0025; embedding rate stays 0.01
            ExplainedTransfer t =
                    PlanningRule.mup().transfer(0.01, Scale.of(Axis.WIDTH, 256), Scale.of(Axis.WIDTH, 1024));
            assertEquals(0.0025, t.eta(), 1e-18);
            assertEquals(0.25, row(t, Axis.WIDTH).factor(), 0.0);
            assertTrue(
                    t.notes().get(0).startsWith("embedding and gain rate: 0.01, kept"),
                    t.notes().toString());
            assertEquals(0.01, MupRule.embeddingLr(0.01), 0.0);
        }

        @Test
        void depth_refused() {
            String m = refusal(
                    PlanningRule.mup(),
                    Scale.of(Axis.WIDTH, 256).with(Axis.DEPTH, 4),
                    Scale.of(Axis.WIDTH, 512).with(Axis.DEPTH, 8));
            assertEquals(
                    "rule mup does not cover depth (4 -> 8): muP (Tensor Programs V) transfers across width only, at"
                            + " fixed depth, tokens and batch",
                    m);
        }
    }

    @Nested
    class StepLawRule {
        @Test
        void paramsAndTokens_handComputed() {
            // SPEC 7: eta* = 1.79 N^-0.713 D^0.307, anchored: eta = eta0 (N/N0)^-0.713 (D/D0)^0.307
            // N 1e8 -> 1e9: 10^-0.713 = 0.193642196; D 1e10 -> 1e11: 10^0.307 = 2.027682720
            // product 10^-0.406 = 0.392644935; eta = 0.003 * 0.392644935 = 0.001177934806
            Scale base = Scale.of(Axis.PARAMS, 1e8).with(Axis.TOKENS, 1e10);
            Scale target = Scale.of(Axis.PARAMS, 1e9).with(Axis.TOKENS, 1e11);
            ExplainedTransfer t = PlanningRule.stepLaw().transfer(0.003, base, target);
            // twelve decimals worked by hand: half a unit in the twelfth decimal
            assertEquals(0.001177934806, t.eta(), 0.5e-12);
            assertEquals(0.193642196, row(t, Axis.PARAMS).factor(), 1e-9, "nine digits");
            assertEquals(2.027682720, row(t, Axis.TOKENS).factor(), 1e-9, "nine digits");
            // B* = 0.58 * (1e11)^0.571 = 0.58 * 10^6.281 = 0.58 * 1909853.5 = 1.10771e6 tokens
            assertTrue(
                    t.notes().get(0).contains("B* = 0.58 D^0.571 = 1107"),
                    t.notes().toString());
        }

        @Test
        void widthThroughParams_acceptedWithParams_refusedWithout() {
            Scale base = Scale.of(Axis.WIDTH, 256).with(Axis.PARAMS, 1e8);
            Scale target = Scale.of(Axis.WIDTH, 512).with(Axis.PARAMS, 4e8);
            ExplainedTransfer t = PlanningRule.stepLaw().transfer(0.01, base, target);
            // 4^-0.713 = 0.372367...; width itself contributes 1, it is inside N
            assertRel(0.01 * Math.pow(4, -0.713), t.eta(), "eta");
            assertEquals(
                    "1 here: it enters through the parameter count N",
                    row(t, Axis.WIDTH).why());
            String m = refusal(PlanningRule.stepLaw(), Scale.of(Axis.WIDTH, 256), Scale.of(Axis.WIDTH, 512));
            assertTrue(m.startsWith("rule step-law does not cover width (256 -> 512) without parameter counts"), m);
        }

        @Test
        void batch_refused() {
            String m = refusal(PlanningRule.stepLaw(), Scale.of(Axis.BATCH, 1e6), Scale.of(Axis.BATCH, 4e6));
            assertTrue(m.startsWith("rule step-law does not cover batch (1000000 -> 4000000)"), m);
        }
    }

    @Nested
    class FittingParadigm {
        @Test
        void seed000Law_atThreePoints_handComputed() {
            // ln eta* = ln 38.4588 - 0.2219 ln N - 0.3509 ln D, ln 38.4588 = 3.6495875
            // (1e8, 1e10):   3.6495875 - 4.0875491 - 8.0797711 = -8.5177327 -> 1.99892e-4
            // (1e9, 1e11):   3.6495875 - 4.5984927 - 8.8877482 = -9.8366534 -> 5.34559e-5
            // (7e9, 2e12):   3.6495875 - 5.0302902 - 9.9389507 = -11.3196534 -> 1.21321e-5
            FittingParadigmLaw law = FittingParadigmLaw.ZHOU_2026_MOE;
            // six significant digits worked by hand: half a unit in the sixth digit
            assertEquals(1.99892e-4, law.predict(1e8, 1e10), 0.000005e-4);
            assertEquals(5.34559e-5, law.predict(1e9, 1e11), 0.000005e-5);
            assertEquals(1.21321e-5, law.predict(7e9, 2e12), 0.000005e-5);
        }

        @Test
        void anchored_ratioOfTheLaw() {
            // eta = eta0 * 10^-0.2219 * 10^-0.3509 = eta0 * 10^-0.5728 = eta0 * 0.267424
            Scale base = Scale.of(Axis.PARAMS, 1e8).with(Axis.TOKENS, 1e10);
            Scale target = Scale.of(Axis.PARAMS, 1e9).with(Axis.TOKENS, 1e11);
            ExplainedTransfer t = PlanningRule.fittingParadigm().transfer(1.99892e-4, base, target);
            assertEquals(0.267424, t.eta() / 1.99892e-4, 0.0000005, "six digits worked by hand");
            // the anchored rule reproduces the absolute law between two of its own points
            assertEquals(5.34559e-5, t.eta(), 0.00001e-5, "1.99892e-4 * 0.267424 = 5.34558e-5");
        }
    }

    @Nested
    class CompleteMue {
        @Test
        void granular_widthOnly_topKAndExpertsOne() {
            // SPEC 8 with granular experts (h_e = 4d/k): active width k*h_e = 4d
            // dense d=256 (k=1, E=1) -> MoE d=1024, k=8, E=64
            // width d0/d = 0.25; top-k (a0/a)(d/d0) = (4*256)/(4*1024) * 4 = 1; experts (bridge II) = 1
            // eta = 0.01 * 0.25 = 0.0025
            Scale dense = Scale.of(Axis.WIDTH, 256).with(Axis.TOP_K, 1).with(Axis.EXPERTS, 1);
            Scale moe = Scale.of(Axis.WIDTH, 1024).with(Axis.TOP_K, 8).with(Axis.EXPERTS, 64);
            ExplainedTransfer t =
                    PlanningRule.completeMue(CompleteMuE.reference()).transfer(0.01, dense, moe);
            assertEquals(0.0025, t.eta(), 1e-18);
            assertEquals(0.25, row(t, Axis.WIDTH).factor(), 0.0);
            assertEquals(1.0, row(t, Axis.TOP_K).factor(), 0.0);
            assertEquals(1.0, row(t, Axis.EXPERTS).factor(), 0.0);
        }

        @Test
        void fullWidthExperts_topKFactorK0OverK() {
            // h_e = 4d: active width 4dk. dense d=512 -> d=512, k=4, E=32
            // width 1; top-k 1/4 (active width 2048 -> 8192); experts 1; eta = 0.008 / 4 = 0.002
            Scale dense = Scale.of(Axis.WIDTH, 512).with(Axis.TOP_K, 1).with(Axis.EXPERTS, 1);
            Scale moe = Scale.of(Axis.WIDTH, 512).with(Axis.TOP_K, 4).with(Axis.EXPERTS, 32);
            ExplainedTransfer t = PlanningRule.completeMue(new CompleteMuE(CompleteMuE.ExpertWidth.FULL))
                    .transfer(0.008, dense, moe);
            assertEquals(0.002, t.eta(), 1e-18);
            assertEquals(0.25, row(t, Axis.TOP_K).factor(), 0.0);
        }

        @Test
        void sparsityAlone_bridgeTwo_rateCarriesOver() {
            // E 8 -> 128 at k = 2: each expert sees 2/128 of the tokens; the SDE corrections cancel: factor 1
            ExplainedTransfer t = PlanningRule.completeMue(CompleteMuE.reference())
                    .transfer(
                            0.004,
                            Scale.of(Axis.EXPERTS, 8).with(Axis.TOP_K, 2),
                            Scale.of(Axis.EXPERTS, 128).with(Axis.TOP_K, 2));
            assertEquals(0.004, t.eta(), 0.0);
        }

        @Test
        void depth_refused_andFewerExpertsThanTopK_badInput() {
            String m = refusal(
                    PlanningRule.completeMue(CompleteMuE.reference()),
                    Scale.of(Axis.DEPTH, 8),
                    Scale.of(Axis.DEPTH, 16));
            assertTrue(m.startsWith("rule complete-mue does not cover depth (8 -> 16): Complete-muE's bridges"), m);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> CompleteMuE.reference()
                            .transfer(
                                    0.01,
                                    Scale.of(Axis.EXPERTS, 1).with(Axis.TOP_K, 1),
                                    Scale.of(Axis.EXPERTS, 2).with(Axis.TOP_K, 4)));
            assertEquals("experts (2.0) must be at least top_k (4.0)", e.getMessage());
        }
    }

    @Nested
    class Fitted {
        @Test
        void userLaw_anchored_handComputed() {
            // eta* = 2 N^-0.5 D^-0.25; N x4, D x16: 4^-0.5 * 16^-0.25 = 0.5 * 0.5 = 0.25
            FittedLaw law = new FittedLaw(2, Map.of(Axis.PARAMS, -0.5, Axis.TOKENS, -0.25));
            ExplainedTransfer t = PlanningRule.fitted(law)
                    .transfer(
                            0.02,
                            Scale.of(Axis.PARAMS, 1e8).with(Axis.TOKENS, 1e10),
                            Scale.of(Axis.PARAMS, 4e8).with(Axis.TOKENS, 16e10));
            assertEquals(0.005, t.eta(), 1e-18);
            // absolute: 2 * (1e8)^-0.5 * (1e10)^-0.25 = 2 * 1e-4 * 1e-2.5 = 6.32456e-7
            assertEquals(6.32456e-7, law.predict(Scale.of(Axis.PARAMS, 1e8).with(Axis.TOKENS, 1e10)), 0.000005e-7);
        }

        @Test
        void named_unknownRuleAndMissingLaw_badInput() {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> PlanningRule.named("adam", null));
            assertEquals(
                    "unknown rule 'adam' (known: hyperp, muon, mup, step-law, fitting-paradigm, complete-mue, fitted)",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> PlanningRule.named("fitted", null));
            assertTrue(e.getMessage().startsWith("rule 'fitted' needs a law"), e.getMessage());
        }
    }

    @Test
    void targetWithoutBase_refusedForEveryRule() {
        FittedLaw law = new FittedLaw(1, Map.of(Axis.WIDTH, -1.0));
        for (String name : PlanningRule.NAMES) {
            PlanningRule rule = PlanningRule.named(name, law);
            String m = refusal(rule, Scale.of(), Scale.of(Axis.WIDTH, 1024));
            assertEquals("width is given for the target only (1024); give the base width too", m, name);
        }
    }

    @Test
    void sameScale_everyRuleIsIdentity() {
        Scale s = Scale.of(Axis.PARAMS, 1e8).with(Axis.TOKENS, 1e10);
        for (String name : List.of("step-law", "fitting-paradigm")) {
            assertEquals(
                    0.01, PlanningRule.named(name, null).transfer(0.01, s, s).eta(), 0.0, name);
        }
        Scale w = Scale.of(Axis.WIDTH, 64);
        for (String name : List.of("hyperp", "muon", "mup", "complete-mue")) {
            assertEquals(
                    0.01, PlanningRule.named(name, null).transfer(0.01, w, w).eta(), 0.0, name);
        }
    }
}
