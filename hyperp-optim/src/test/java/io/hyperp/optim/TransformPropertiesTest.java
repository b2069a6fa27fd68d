package io.hyperp.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Properties of the transforms at the optimizer level (SPEC 2.1, composition, state checks). */
class TransformPropertiesTest {

    /** One sphere-Muon step of a fresh optimizer on a copy of w with gradient g. */
    private static INDArray sphereMuonStep(ParamSpec spec, INDArray w, INDArray g, double eta, double wd) {
        Transform t = Transforms.chain(Transforms.muon(MuonConfig.defaults()), Transforms.sphereStep(1.0, wd));
        ParamSet p = ParamSet.builder().add(spec, w.dup()).build();
        Optimizer opt = Optimizer.create(t, LrSchedule.constant(eta), p, NonFinitePolicy.THROW);
        opt.step(ParamSet.builder().add(spec, g).build(), p);
        return p.array(spec.name());
    }

    @Test
    void weightDecay_isEffectiveLearningRateRescaling_andKeepsRadius() {
        qt().withFixedSeed(11).withExamples(40)
                .forAll(integers().between(1, 9), integers().between(1, 9), doubles().between(0.001, 0.3),
                        doubles().between(0.0, 2.0))
                .checkAssert((r, c, eta, wd) -> {
                    long seed = Double.doubleToLongBits(eta) ^ (31L * r + c);
                    ParamSpec spec = ParamSpec.matrixOutIn("w", r, c, ParamRole.HIDDEN);
                    INDArray w = OracleTest.Ref.nd(OracleTest.Ref.random(r, c, seed));
                    INDArray g = OracleTest.Ref.nd(OracleTest.Ref.random(r, c, seed + 1));
                    double radius = w.norm2Number().doubleValue();
                    INDArray decayed = sphereMuonStep(spec, w, g, eta, wd);
                    INDArray rescaled = sphereMuonStep(spec, w, g, eta / (1 - eta * wd), 0.0);
                    // (1) on the sphere for any lambda; float64 rounding of one renormalization ~1e-15.
                    assertEquals(radius, decayed.norm2Number().doubleValue(), 1e-12 * radius);
                    // (2) step(eta, lambda) == step(eta / (1 - eta lambda), 0): the same point up to
                    // float64 rounding of a handful of operations.
                    double diff = decayed.sub(rescaled).norm2Number().doubleValue();
                    assertTrue(diff <= 1e-10 * radius, "difference " + diff);
                });
    }

    @Test
    void weightDecay_effectIsSecondOrderInEta() {
        // (3) ||step(eta, lambda) - step(eta, 0)|| ~ eta^2 lambda: halving eta quarters it. The next
        // term is O(eta^3), so at eta <= 0.02 the ratio is 4 within a few percent; 3.6..4.4 allows it.
        qt().withFixedSeed(12).withExamples(25)
                .forAll(integers().between(2, 8), integers().between(2, 8), longs().between(0, 1_000_000))
                .checkAssert((r, c, seed) -> {
                    ParamSpec spec = ParamSpec.matrixOutIn("w", r, c, ParamRole.HIDDEN);
                    INDArray w = OracleTest.Ref.nd(OracleTest.Ref.random(r, c, seed));
                    INDArray g = OracleTest.Ref.nd(OracleTest.Ref.random(r, c, seed + 7));
                    double wd = 0.5;
                    double d1 = sphereMuonStep(spec, w, g, 0.02, wd).sub(sphereMuonStep(spec, w, g, 0.02, 0)).norm2Number()
                            .doubleValue();
                    double d2 = sphereMuonStep(spec, w, g, 0.01, wd).sub(sphereMuonStep(spec, w, g, 0.01, 0)).norm2Number()
                            .doubleValue();
                    double ratio = d1 / d2;
                    assertTrue(ratio > 3.6 && ratio < 4.4, "ratio " + ratio);
                });
    }

    @Test
    void weightDecay_radiusIsTheStoredOneOverManySteps() {
        // (4) With lambda > 0 over 200 steps the norm stays at the initial radius (reference code
        // would shrink it by (1 - eta lambda) per step, to 0.99^200 = 0.13 of it here).
        ParamSpec spec = ParamSpec.matrixOutIn("w", 6, 10, ParamRole.HIDDEN);
        INDArray w = OracleTest.Ref.nd(OracleTest.Ref.random(6, 10, 5));
        double radius = w.norm2Number().doubleValue();
        Transform t = Transforms.chain(Transforms.muon(MuonConfig.defaults()), Transforms.sphereStep(1.0, 0.2));
        ParamSet p = ParamSet.builder().add(spec, w).build();
        Optimizer opt = Optimizer.create(t, LrSchedule.constant(0.05), p, NonFinitePolicy.THROW);
        for (int s = 0; s < 200; s++) {
            opt.step(ParamSet.builder().add(spec, OracleTest.Ref.nd(OracleTest.Ref.random(6, 10, 1000 + s))).build(), p);
        }
        assertEquals(radius, w.norm2Number().doubleValue(), 1e-12 * radius);
    }

    @Test
    void sphereNorms_float32_holdOver1000Steps() {
        // The radius is re-imposed every step from the stored value, so float32 error does not
        // accumulate: after 1000 steps the relative error is still a few float32 ulps (<= 1e-5).
        // Only sphere parameters (a matrix, an expert stack, the head) so the 1000 steps stay quick.
        List<ParamSpec> specs = List.of(ParamSpec.matrixOutIn("w", 6, 4, ParamRole.HIDDEN),
                ParamSpec.expertStack("experts", 3, 5, 4), ParamSpec.matrixOutIn("head", 7, 4, ParamRole.OUTPUT_HEAD));
        var rule = Parameterizations.hyperP(2);
        ParamSet.Builder pb = ParamSet.builder();
        for (ParamSpec s : specs) {
            pb.add(s, io.hyperp.core.init.Initializer.initialize(s, rule, DataType.FLOAT, 9));
        }
        ParamSet p = pb.build();
        Optimizer opt = Optimizers.create(p, rule, LrSchedule.constant(0.05));
        Map<String, Double> r0 = new HashMap<>();
        for (ParamSet.Entry e : p.entries()) {
            r0.put(e.name(), e.array().norm2Number().doubleValue());
        }
        ParamSet g = TestParams.grads(p, 77);
        for (int s = 0; s < 1000; s++) {
            // Flip one gradient per step so successive steps differ without allocating new sets.
            g.get(s % g.size()).array().muli(-1);
            opt.step(g, p);
        }
        for (String name : List.of("w", "head")) {
            double now = p.array(name).norm2Number().doubleValue();
            assertEquals(r0.get(name), now, 1e-5 * r0.get(name), name);
        }
        INDArray radius = opt.stateBuffers().entrySet().stream().filter(e -> e.getKey().endsWith("experts/radius"))
                .findFirst().orElseThrow().getValue();
        INDArray perExpert = p.array("experts").norm2(1, 2);
        for (int b = 0; b < 3; b++) {
            assertEquals(radius.getDouble(b), perExpert.getDouble(b), 1e-5 * radius.getDouble(b), "expert " + b);
        }
    }

    @Test
    void chainWithIdentity_behavesLikeTheTransformAlone() {
        qt().withFixedSeed(13).withExamples(10).forAll(longs().between(0, 1_000_000)).checkAssert(seed -> {
            ParamSet a = TestParams.params(Parameterizations.hyperP(2), DataType.DOUBLE, seed);
            ParamSet b = TestParams.copy(a);
            Transform base = Optimizers.transform(a.specs(), Parameterizations.hyperP(2), OptimizerOptions.defaults());
            Optimizer optA = Optimizer.create(base, LrSchedule.constant(0.03), a, NonFinitePolicy.THROW);
            Optimizer optB = Optimizer.create(Transforms.chain(Transforms.identity(), base, Transforms.identity()),
                    LrSchedule.constant(0.03), b, NonFinitePolicy.THROW);
            for (int s = 0; s < 3; s++) {
                ParamSet g = TestParams.grads(a, seed + s);
                optA.step(g, a);
                optB.step(g, b);
            }
            OptimizerTest.assertSame(a, b);
        });
    }

    @Test
    void partition_coversEachParameterExactlyOnce() {
        ParamSet p = TestParams.params(Parameterizations.hyperP(2), DataType.FLOAT, 14);
        Map<String, Integer> seen = new HashMap<>();
        Transform counting = new Transform() {
            @Override
            public TransformState init(ParamSet params) {
                return TransformState.of(fingerprint(), Map.of(), List.of(), null);
            }

            @Override
            public void update(ParamSet updates, TransformState state, ParamSet params, StepContext context) {
                for (ParamSet.Entry e : updates.entries()) {
                    seen.merge(e.name(), 1, Integer::sum);
                }
            }

            @Override
            public String fingerprint() {
                return "counting";
            }
        };
        Transform part = Transforms.partition(s -> s.role().name(),
                Map.of("HIDDEN", counting, "ROUTER", counting, "EXPERT", counting, "OUTPUT_HEAD", counting,
                        "EMBEDDING", counting, "GAIN", counting));
        TransformState st = part.init(p);
        part.update(TestParams.grads(p, 1), st, p, new StepContext(0, 0.1));
        assertEquals(p.size(), seen.size());
        seen.forEach((k, v) -> assertEquals(1, v, k));

        Transform missing = Transforms.partition(s -> s.role().name(), Map.of("HIDDEN", counting));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> missing.init(p));
        assertTrue(e.getMessage().contains("has no stage"), e.getMessage());
    }

    @Test
    void muon_rank1Param_throwsIaeNamingIt() {
        ParamSpec gain = ParamSpec.vector("g", 4, ParamRole.GAIN);
        ParamSet p = ParamSet.builder().add(gain, org.nd4j.linalg.factory.Nd4j.ones(DataType.FLOAT, 4)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Transforms.muon(MuonConfig.defaults()).init(p));
        assertTrue(e.getMessage().contains("g:") && e.getMessage().contains("rank 1"), e.getMessage());
    }
}
