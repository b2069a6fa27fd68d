package io.hyperp.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hyperp.core.init.Initializer;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.core.testing.RandomMatrices;
import io.hyperp.core.testing.ShapeGens;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Properties of the transforms at the optimizer level: the four weight-decay consequences of SPEC 2.1,
 * no radius drift in float32, composition laws of chain and partition, foreign states, clipping.
 */
class TransformPropertiesTest {

    /** One sphere-Muon optimizer step, from a fresh state, on a copy of {@code w}. */
    private static INDArray sphereMuonStep(ParamSpec spec, INDArray w, INDArray g, double eta, double wd) {
        Transform t = Transforms.chain(Transforms.muon(MuonConfig.defaults()), Transforms.sphereStep(1.0, wd));
        ParamSet p = ParamSet.builder().add(spec, w.dup()).build();
        Optimizer opt = Optimizer.create(t, LrSchedule.constant(eta), p, NonFinitePolicy.THROW);
        opt.step(ParamSet.builder().add(spec, g).build(), p);
        return p.array(spec.name());
    }

    @Test
    void weightDecay_keepsRadiusAndEqualsRescaledLearningRate() {
        // Consequences (1) and (2) of SPEC 2.1 on matrices and expert stacks (one sphere per expert).
        qt().withFixedSeed(11)
                .withExamples(40)
                .forAll(
                        ShapeGens.sphereSpecs(),
                        doubles().between(0.001, 0.3),
                        doubles().between(0.0, 2.0),
                        longs().between(0, 1_000_000))
                .checkAssert((spec, eta, wd, seed) -> {
                    INDArray w = RandomMatrices.uniform(seed, DataType.DOUBLE, spec.shape());
                    INDArray g = RandomMatrices.uniform(seed + 1, DataType.DOUBLE, spec.shape());
                    INDArray radius = TestParams.norms(w, spec);
                    INDArray decayed = sphereMuonStep(spec, w, g, eta, wd);
                    INDArray rescaled = sphereMuonStep(spec, w, g, eta / (1 - eta * wd), 0.0);
                    INDArray now = TestParams.norms(decayed, spec);
                    for (int b = 0; b < radius.length(); b++) {
                        double r = radius.getDouble(b);
                        // (1) on the sphere for any lambda: one float64 renormalization, ~1e-16 relative.
                        assertEquals(r, now.getDouble(b), 1e-12 * r, "matrix " + b);
                    }
                    // (2) step(eta, lambda) == step(eta / (1 - eta lambda), 0): the same point up to the
                    // float64 rounding (~1e-16 relative) of a few dozen operations on entries of size
                    // <= radius; 1e-10 of the radius leaves ample room and still catches any O(eta^2) term.
                    double diff = decayed.sub(rescaled).amaxNumber().doubleValue();
                    assertTrue(diff <= 1e-10 * radius.maxNumber().doubleValue(), "difference " + diff);
                });
    }

    @Test
    void weightDecay_effectIsSecondOrderInEta() {
        // (3) ||step(eta, lambda) - step(eta, 0)|| ~ eta^2 lambda: halving eta quarters it. The next
        // term is O(eta^3), so at eta <= 0.02 the ratio is 4 within a few percent; 3.6..4.4 allows it.
        qt().withFixedSeed(12)
                .withExamples(25)
                .forAll(integers().between(2, 8), integers().between(2, 8), longs().between(0, 1_000_000))
                .checkAssert((r, c, seed) -> {
                    ParamSpec spec = ParamSpec.matrixOutIn("w", r, c, ParamRole.HIDDEN);
                    INDArray w = RandomMatrices.uniform(seed, DataType.DOUBLE, r, c);
                    INDArray g = RandomMatrices.uniform(seed + 7, DataType.DOUBLE, r, c);
                    double wd = 0.5;
                    double d1 = sphereMuonStep(spec, w, g, 0.02, wd)
                            .sub(sphereMuonStep(spec, w, g, 0.02, 0))
                            .norm2Number()
                            .doubleValue();
                    double d2 = sphereMuonStep(spec, w, g, 0.01, wd)
                            .sub(sphereMuonStep(spec, w, g, 0.01, 0))
                            .norm2Number()
                            .doubleValue();
                    double ratio = d1 / d2;
                    assertTrue(ratio > 3.6 && ratio < 4.4, "ratio " + ratio);
                });
    }

    @Test
    void weightDecay_radiusIsTheStoredOneOverManySteps() {
        // (4) With lambda > 0 the norm stays at the radius stored at init, per expert too. Code that
        // re-measured the radius after decay would shrink it by (1 - eta lambda) = 0.99 per step, to
        // 0.99^200 = 0.13 of it here.
        List<ParamSpec> specs =
                List.of(ParamSpec.matrixOutIn("w", 6, 10, ParamRole.HIDDEN), ParamSpec.expertStack("experts", 3, 4, 5));
        ParamSet.Builder pb = ParamSet.builder();
        for (ParamSpec s : specs) {
            pb.add(s, RandomMatrices.uniform(5, DataType.DOUBLE, s.shape()));
        }
        ParamSet p = pb.build();
        Map<String, INDArray> r0 = new HashMap<>();
        p.entries().forEach(e -> r0.put(e.name(), TestParams.norms(e.array(), e.spec())));
        Transform t = Transforms.chain(Transforms.muon(MuonConfig.defaults()), Transforms.sphereStep(1.0, 0.2));
        Optimizer opt = Optimizer.create(t, LrSchedule.constant(0.05), p, NonFinitePolicy.THROW);
        Map<String, INDArray> storedAtInit = new HashMap<>();
        p.entries()
                .forEach(e -> storedAtInit.put(
                        e.name(), TestParams.buffer(opt, e.name() + "/radius").dup()));
        for (int s = 0; s < 200; s++) {
            opt.step(TestParams.grads(p, 1000 + s), p);
        }
        for (ParamSet.Entry e : p.entries()) {
            INDArray stored = TestParams.buffer(opt, e.name() + "/radius");
            INDArray now = TestParams.norms(e.array(), e.spec());
            for (int b = 0; b < stored.length(); b++) {
                // The stored radius is never rewritten; it is the initial norm, which the optimizer and this
                // test sum in different orders (BLAS or ND4J): equal to float64 rounding. The norm after
                // 200 steps equals it to float64 rounding too.
                assertEquals(storedAtInit.get(e.name()).getDouble(b), stored.getDouble(b), 0.0, e.name());
                assertEquals(r0.get(e.name()).getDouble(b), stored.getDouble(b), 1e-14 * stored.getDouble(b), e.name());
                assertEquals(stored.getDouble(b), now.getDouble(b), 1e-12 * stored.getDouble(b), e.name());
            }
        }
    }

    @Test
    void sphereNorms_float32_holdToStoredRadiusOver1000Steps() {
        // The radius is re-imposed every step from the stored value, so float32 error does not
        // accumulate: after 1000 steps the relative error is still a few float32 ulps (<= 1e-5, while a
        // drift of one ulp per step would reach ~1e-4). Sphere parameters of every kind: a matrix, an
        // expert stack and the head (Adam on the sphere), through the HyperP factory.
        List<ParamSpec> specs = List.of(
                ParamSpec.matrixOutIn("w", 6, 4, ParamRole.HIDDEN),
                ParamSpec.expertStack("experts", 3, 5, 4),
                ParamSpec.matrixOutIn("head", 7, 4, ParamRole.OUTPUT_HEAD));
        var rule = Parameterizations.hyperP(2);
        ParamSet.Builder pb = ParamSet.builder();
        for (ParamSpec s : specs) {
            pb.add(s, Initializer.initialize(s, rule, DataType.FLOAT, 9));
        }
        ParamSet p = pb.build();
        Optimizer opt = Optimizers.create(p, rule, LrSchedule.constant(0.05));
        ParamSet g = TestParams.grads(p, 77);
        for (int s = 0; s < 1000; s++) {
            // Flip one gradient per step so successive steps differ without allocating new sets.
            g.get(s % g.size()).array().muli(-1);
            opt.step(g, p);
        }
        assertEquals(1000, opt.stepCount());
        for (ParamSet.Entry e : p.entries()) {
            INDArray radius = TestParams.buffer(opt, e.name() + "/radius");
            INDArray now = TestParams.norms(e.array(), e.spec());
            for (int b = 0; b < radius.length(); b++) {
                assertEquals(radius.getDouble(b), now.getDouble(b), 1e-5 * radius.getDouble(b), e.name() + " " + b);
            }
        }
    }

    @Test
    void chainWithIdentity_behavesLikeTheTransformAlone() {
        qt().withFixedSeed(13)
                .withExamples(10)
                .forAll(longs().between(0, 1_000_000), integers().between(0, 2))
                .checkAssert((seed, where) -> {
                    ParamSet a = TestParams.params(Parameterizations.hyperP(2), DataType.DOUBLE, seed);
                    ParamSet b = TestParams.copy(a);
                    Transform base =
                            Optimizers.transform(a.specs(), Parameterizations.hyperP(2), OptimizerOptions.defaults());
                    Transform wrapped = switch (where) {
                        case 0 -> Transforms.chain(Transforms.identity(), base);
                        case 1 -> Transforms.chain(base, Transforms.identity());
                        default -> Transforms.chain(Transforms.identity(), base, Transforms.identity());
                    };
                    Optimizer optA = Optimizer.create(base, LrSchedule.constant(0.03), a, NonFinitePolicy.THROW);
                    Optimizer optB = Optimizer.create(wrapped, LrSchedule.constant(0.03), b, NonFinitePolicy.THROW);
                    for (int s = 0; s < 3; s++) {
                        ParamSet g = TestParams.grads(a, seed + s);
                        optA.step(g, a);
                        optB.step(g, b);
                    }
                    OptimizerTest.assertSame(a, b);
                });
    }

    /** A stage that records, per label, which parameters it was given. */
    private static Transform recorder(String label, Map<String, List<String>> seen) {
        return new Transform() {
            @Override
            public TransformState init(ParamSet params) {
                return TransformState.of(this, params, Map.of(), List.of(), null);
            }

            @Override
            public void update(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
                checkUpdate(updates, state, params, learningRate);
                for (ParamSet.Entry e : updates.entries()) {
                    seen.computeIfAbsent(e.name(), k -> new ArrayList<>()).add(label);
                }
                state.recordUpdate();
            }

            @Override
            public String fingerprint() {
                return "recorder(" + label + ")";
            }
        };
    }

    @Test
    void partition_givesEachParameterToExactlyTheStageOfItsLabel() {
        qt().withFixedSeed(14)
                .withExamples(50)
                .forAll(integers().between(1, 9), longs().between(0, 1_000_000))
                .checkAssert((n, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    List<String> labels = List.of("a", "b", "c");
                    Map<String, String> labelOf = new HashMap<>();
                    ParamSet.Builder pb = ParamSet.builder();
                    for (int i = 0; i < n; i++) {
                        ParamSpec s =
                                ParamSpec.matrixOutIn("p" + i, 1 + r.nextInt(4), 1 + r.nextInt(4), ParamRole.HIDDEN);
                        pb.add(s, Nd4j.zeros(DataType.FLOAT, s.shape()));
                        labelOf.put(s.name(), labels.get(r.nextInt(labels.size())));
                    }
                    ParamSet p = pb.build();
                    Map<String, List<String>> seen = new HashMap<>();
                    Map<String, Transform> stages = new HashMap<>();
                    labels.forEach(l -> stages.put(l, recorder(l, seen)));
                    Transform part = Transforms.partition(s -> labelOf.get(s.name()), stages);
                    TransformState st = part.init(p);
                    part.update(TestParams.grads(p, seed), st, p, 0.1);
                    assertEquals(labelOf.keySet(), seen.keySet());
                    seen.forEach((name, got) -> assertEquals(List.of(labelOf.get(name)), got, name));
                    assertEquals(1, st.count());
                });
    }

    @Test
    void partition_labelWithoutStage_throwsIaeNamingParameter() {
        ParamSet p = TestParams.params(Parameterizations.hyperP(2), DataType.FLOAT, 14);
        Transform missing = Transforms.partition(s -> s.role().name(), Map.of("HIDDEN", Transforms.identity()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> missing.init(p));
        assertTrue(e.getMessage().contains("has no stage") && e.getMessage().contains("experts"), e.getMessage());
    }

    @Test
    void update_stateFromAnyOtherTransform_throwsIaeAndChangesNothing() {
        List<Supplier<Transform>> family = List.of(
                Transforms::identity,
                () -> Transforms.chain(Transforms.adam(AdamConfig.defaults()), Transforms.applyDecoupled(1, 0)),
                () -> Transforms.chain(
                        Transforms.adam(AdamConfig.defaults().withBeta1(0.8)), Transforms.applyDecoupled(1, 0)),
                () -> Transforms.chain(Transforms.muon(MuonConfig.defaults()), Transforms.sphereStep(1, 0)),
                () -> Transforms.chain(
                        Transforms.muon(MuonConfig.defaults().withNesterov(false)), Transforms.sphereStep(1, 0)),
                () -> Transforms.chain(Transforms.muon(MuonConfig.defaults()), Transforms.sphereStep(2, 0)),
                () -> Transforms.chain(
                        Transforms.clipByGlobalNorm(1),
                        Transforms.muon(MuonConfig.defaults()),
                        Transforms.sphereStep(1, 0)),
                () -> Transforms.partition(s -> "x", Map.of("x", Transforms.identity())));
        qt().withFixedSeed(15)
                .withExamples(30)
                .forAll(integers().between(0, family.size() - 1), integers().between(0, family.size() - 1))
                .assuming((i, j) -> !i.equals(j))
                .checkAssert((i, j) -> {
                    ParamSpec spec = ParamSpec.matrixOutIn("w", 4, 3, ParamRole.HIDDEN);
                    ParamSet p = ParamSet.builder()
                            .add(spec, TestParams.uniform(spec, i * 10 + j))
                            .build();
                    ParamSet before = TestParams.copy(p);
                    Transform mine = family.get(i).get();
                    TransformState foreign = family.get(j).get().init(p);
                    Map<String, INDArray> buffers = new HashMap<>();
                    foreign.collectBuffers("", buffers);
                    Map<String, INDArray> buffersBefore = new HashMap<>();
                    buffers.forEach((k, v) -> buffersBefore.put(k, v.dup()));
                    ParamSet g = ParamSet.builder()
                            .add(spec, TestParams.uniform(spec, 99))
                            .build();
                    assertThrows(IllegalArgumentException.class, () -> mine.update(g, foreign, p, 0.1));
                    OptimizerTest.assertSame(before, p);
                    buffers.forEach((k, v) -> TestParams.assertBitIdentical(buffersBefore.get(k), v, k));
                    assertEquals(0, foreign.count());
                });
    }

    @Test
    void clipByGlobalNorm_scalesToTheThresholdAndKeepsDirection() {
        // Global norm after clipping = min(norm, c), every tensor scaled by the same factor. float64:
        // a few roundings per entry, so 1e-12 relative.
        qt().withFixedSeed(16)
                .withExamples(40)
                .forAll(doubles().between(0.01, 100), doubles().between(0.1, 10), longs().between(0, 1_000_000))
                .checkAssert((scale, c, seed) -> {
                    ParamSet p = TestParams.params(Parameterizations.hyperP(2), DataType.DOUBLE, 1);
                    ParamSet u = TestParams.grads(p, seed);
                    u.entries().forEach(e -> e.array().muli(scale));
                    ParamSet original = TestParams.copy(u);
                    double norm = globalNorm(u);
                    Transform clip = Transforms.clipByGlobalNorm(c);
                    clip.update(u, clip.init(p), p, 0.0);
                    double expected = Math.min(norm, c);
                    assertEquals(expected, globalNorm(u), 1e-12 * expected);
                    double f = Math.min(1.0, c / norm);
                    for (int i = 0; i < u.size(); i++) {
                        INDArray want = original.get(i).array().mul(f);
                        double err = want.sub(u.get(i).array()).amaxNumber().doubleValue();
                        assertTrue(err <= 1e-12 * Math.max(1, scale), u.get(i).name() + " " + err);
                    }
                });
    }

    @Test
    void clipByGlobalNorm_float32Overflow_stillClipsToThreshold() {
        // Entries of 1e25 square to 1e50, beyond float32's 3.4e38: the sum of squares overflows but the
        // clipped updates must still have global norm 1 (float32 rounding over ~200 entries: 1e-5).
        ParamSet p = TestParams.params(Parameterizations.hyperP(2), DataType.FLOAT, 1);
        ParamSet u = TestParams.grads(p, 3);
        u.array("w_q").muli(1e25f);
        Transform clip = Transforms.clipByGlobalNorm(1.0);
        clip.update(u, clip.init(p), p, 0.0);
        assertEquals(1.0, globalNorm(u), 1e-5);
    }

    private static double globalNorm(ParamSet u) {
        double s = 0;
        for (ParamSet.Entry e : u.entries()) {
            double n = e.array().castTo(DataType.DOUBLE).norm2Number().doubleValue();
            s += n * n;
        }
        return Math.sqrt(s);
    }
}
