package io.hyperp.core.sphere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.testing.RandomMatrices;
import io.hyperp.core.testing.ShapeGens;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Properties of the sphere step (SPEC 2 and 2.1), in float64 unless said otherwise: identities
 * that hold exactly in real arithmetic are checked to 1e-10 relative, far above float64 rounding
 * of the dozen operations involved (~1e-15) and far below any real error.
 */
class SphereTest {

    private static final double EXACT = 1e-10;

    private static INDArray norms(ParamSpec spec, INDArray w) {
        return spec.isStack()
                ? w.norm2(1, 2)
                : Nd4j.scalar(w.norm2Number().doubleValue()).reshape(1);
    }

    private static void assertOnSphere(ParamSpec spec, INDArray w, INDArray radius, double tol) {
        INDArray n = norms(spec, w);
        for (int b = 0; b < radius.length(); b++) {
            assertEquals(radius.getDouble(b), n.getDouble(b), tol * radius.getDouble(b), "matrix " + b);
        }
    }

    private static INDArray step(Sphere s, INDArray w, INDArray u, double eta, double wd, INDArray radius) {
        INDArray out = w.dup();
        s.stepInPlace(out, u.dup(), eta, wd, radius);
        return out;
    }

    @Nested
    class StepInPlace {

        @Test
        void afterAnyStep_normEqualsStoredRadius() {
            qt().withFixedSeed(1)
                    .withExamples(60)
                    .forAll(
                            ShapeGens.sphereSpecs(),
                            doubles().between(0.0, 3.0),
                            doubles().between(0.0, 0.3),
                            longs().between(0, 1 << 30))
                    .checkAssert((spec, eta, wd, seed) -> {
                        Sphere s = Sphere.create(spec, DataType.DOUBLE);
                        INDArray w = RandomMatrices.uniform(seed, DataType.DOUBLE, spec.shape());
                        INDArray radius = s.measureRadius(w);
                        double lambda = eta * wd < 1 ? wd : 0.0;
                        INDArray next = step(
                                s,
                                w,
                                RandomMatrices.uniform(seed + 1, DataType.DOUBLE, spec.shape()),
                                eta,
                                lambda,
                                radius);
                        assertOnSphere(spec, next, radius, EXACT);
                    });
        }

        @Test
        void zeroDirection_leavesWBitForBitUnchanged() {
            qt().withFixedSeed(2)
                    .withExamples(40)
                    .forAll(ShapeGens.sphereSpecs(), longs().between(0, 1 << 30))
                    .checkAssert((spec, seed) -> {
                        Sphere s = Sphere.create(spec, DataType.FLOAT);
                        INDArray w = RandomMatrices.uniform(seed, DataType.FLOAT, spec.shape());
                        INDArray before = w.dup();
                        s.stepInPlace(w, Nd4j.zeros(DataType.FLOAT, spec.shape()), 0.5, 0.0, s.measureRadius(w));
                        assertEquals(before, w);
                    });
        }

        @Test
        void stepAlongWWithEtaAtLeastOne_givesNoNaNAndStaysOnSphere() {
            qt().withFixedSeed(3)
                    .withExamples(40)
                    .forAll(ShapeGens.sphereSpecs(), doubles().between(1.0, 10.0), longs().between(0, 1 << 30))
                    .checkAssert((spec, eta, seed) -> {
                        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                            for (double e : new double[] {1.0, eta}) {
                                Sphere s = Sphere.create(spec, dt);
                                INDArray w = RandomMatrices.uniform(seed, dt, spec.shape());
                                INDArray radius = s.measureRadius(w);
                                INDArray next = step(s, w, w, e, 0.0, radius);
                                assertFalse(
                                        next.isNaN().any() || next.isInfinite().any(), "NaN at eta " + e);
                                // float32: a renormalized point is within a few ulps of the radius.
                                assertOnSphere(spec, next, radius, dt == DataType.FLOAT ? 1e-5 : EXACT);
                            }
                        }
                    });
        }

        @Test
        void etaExactlyOneAlongW_keepsW() {
            // W' = W - R W / ||W|| = 0: the annihilated matrix is kept instead of normalizing noise.
            ParamSpec spec = ParamSpec.matrixOutIn("w", 3, 5, ParamRole.HIDDEN);
            Sphere s = Sphere.create(spec, DataType.DOUBLE);
            INDArray w = RandomMatrices.uniform(4, DataType.DOUBLE, 3, 5);
            INDArray next = step(s, w, w, 1.0, 0.0, s.measureRadius(w));
            assertTrue(next.equalsWithEps(w, 1e-12), "expected W unchanged, got " + next);
        }
    }

    @Nested
    class WeightDecay {

        @Test
        void consequences1and2_decayIsALearningRateRescaling() {
            qt().withFixedSeed(5)
                    .withExamples(60)
                    .forAll(
                            ShapeGens.sphereSpecs(),
                            doubles().between(0.001, 0.5),
                            doubles().between(0.0, 1.9),
                            longs().between(0, 1 << 30))
                    .checkAssert((spec, eta, wd, seed) -> {
                        Sphere s = Sphere.create(spec, DataType.DOUBLE);
                        INDArray w = RandomMatrices.uniform(seed, DataType.DOUBLE, spec.shape());
                        INDArray u = RandomMatrices.uniform(seed + 1, DataType.DOUBLE, spec.shape());
                        INDArray radius = s.measureRadius(w);
                        INDArray decayed = step(s, w, u, eta, wd, radius);
                        INDArray rescaled = step(s, w, u, eta / (1 - eta * wd), 0.0, radius);
                        assertOnSphere(spec, decayed, radius, EXACT);
                        double scale = radius.maxNumber().doubleValue();
                        assertTrue(decayed.sub(rescaled).amaxNumber().doubleValue() <= EXACT * scale);
                    });
        }

        @Test
        void consequence3_effectShrinksLikeEtaSquaredTimesLambda() {
            // The difference is eta^2 lambda times a fixed tangent vector plus O(eta^3): at eta = 0.02
            // and 0.01 the ratio is 4 (1 +- O(eta)), so [3.6, 4.4] holds with margin. Matrices with a
            // zero tangent component (1 x 1) have no effect at all and are skipped.
            qt().withFixedSeed(6)
                    .withExamples(40)
                    .forAll(ShapeGens.sphereSpecs(), longs().between(0, 1 << 30))
                    .assuming((spec, seed) -> spec.length() / spec.matrixCount() > 1)
                    .checkAssert((spec, seed) -> {
                        Sphere s = Sphere.create(spec, DataType.DOUBLE);
                        INDArray w = RandomMatrices.uniform(seed, DataType.DOUBLE, spec.shape());
                        INDArray u = RandomMatrices.uniform(seed + 1, DataType.DOUBLE, spec.shape());
                        INDArray r = s.measureRadius(w);
                        double lambda = 0.5;
                        double d1 = step(s, w, u, 0.02, lambda, r)
                                .sub(step(s, w, u, 0.02, 0, r))
                                .norm2Number()
                                .doubleValue();
                        double d2 = step(s, w, u, 0.01, lambda, r)
                                .sub(step(s, w, u, 0.01, 0, r))
                                .norm2Number()
                                .doubleValue();
                        double ratio = d1 / d2;
                        assertTrue(ratio > 3.6 && ratio < 4.4, "ratio " + ratio + " for " + spec);
                    });
        }

        @Test
        void consequence4_radiusIsStoredNotRecomputedAfterDecay() {
            ParamSpec spec = ParamSpec.expertStack("experts", 2, 4, 6);
            Sphere s = Sphere.create(spec, DataType.DOUBLE);
            INDArray w = RandomMatrices.uniform(7, DataType.DOUBLE, spec.shape());
            INDArray radius = s.measureRadius(w);
            for (int i = 0; i < 300; i++) {
                s.stepInPlace(w, RandomMatrices.uniform(100 + i, DataType.DOUBLE, spec.shape()), 0.05, 0.5, radius);
            }
            // Recomputing the radius after decay would shrink it by (1 - 0.025)^300 ~ 5e-4.
            assertOnSphere(spec, w, radius, EXACT);
        }
    }

    @Test
    void projectTangent_isOrthogonalToW() {
        qt().withFixedSeed(8)
                .withExamples(60)
                .forAll(ShapeGens.sphereSpecs(), longs().between(0, 1 << 30))
                .checkAssert((spec, seed) -> {
                    Sphere s = Sphere.create(spec, DataType.DOUBLE);
                    INDArray w = RandomMatrices.uniform(seed, DataType.DOUBLE, spec.shape());
                    INDArray u = RandomMatrices.uniform(seed + 1, DataType.DOUBLE, spec.shape());
                    double scale =
                            w.norm2Number().doubleValue() * u.norm2Number().doubleValue();
                    s.projectTangentInPlace(w, u);
                    INDArray dots = s.innerProductsInto(w, u, Nd4j.create(DataType.DOUBLE, spec.matrixCount()));
                    for (int b = 0; b < spec.matrixCount(); b++) {
                        assertEquals(0.0, dots.getDouble(b), EXACT * scale);
                    }
                });
    }

    @Test
    void normReduction_seesEverySumBeforeUse() {
        // A reduction that doubles each sum, as two identical shards would: the step's result must
        // equal the local step, since every norm is sqrt(2) x larger consistently (radius too).
        ParamSpec spec = ParamSpec.matrixOutIn("w", 4, 4, ParamRole.HIDDEN);
        Sphere local = Sphere.create(spec, DataType.DOUBLE);
        Sphere sharded = Sphere.create(spec, DataType.DOUBLE, sums -> sums.muli(2));
        INDArray w = RandomMatrices.uniform(9, DataType.DOUBLE, 4, 4);
        INDArray u = RandomMatrices.uniform(10, DataType.DOUBLE, 4, 4);
        INDArray a = step(local, w, u, 0.1, 0, local.measureRadius(w));
        INDArray b = step(sharded, w, u, 0.1, 0, sharded.measureRadius(w));
        assertTrue(a.equalsWithEps(b, 1e-12));
        assertEquals(
                Math.sqrt(2) * local.measureRadius(w).getDouble(0),
                sharded.measureRadius(w).getDouble(0),
                1e-12);
    }

    @Nested
    class BadInput {
        private final ParamSpec spec = ParamSpec.matrixOutIn("w_q", 4, 3, ParamRole.HIDDEN);
        private final Sphere s = Sphere.create(spec, DataType.DOUBLE);
        private final INDArray w = RandomMatrices.uniform(11, DataType.DOUBLE, 4, 3);
        private final INDArray u = RandomMatrices.uniform(12, DataType.DOUBLE, 4, 3);
        private final INDArray radius = s.measureRadius(w);

        private void assertRefused(Runnable r, String... words) {
            INDArray w0 = w.dup();
            INDArray u0 = u.dup();
            INDArray r0 = radius.dup();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
            for (String word : words) {
                assertTrue(e.getMessage().contains(word), e.getMessage());
            }
            assertEquals(w0, w);
            assertEquals(u0, u);
            assertEquals(r0, radius);
        }

        @Test
        void nanOrNegativeLearningRate_throwsIaeAndModifiesNothing() {
            assertRefused(() -> s.stepInPlace(w, u, Double.NaN, 0, radius), "w_q", "learning rate");
            assertRefused(() -> s.stepInPlace(w, u, -0.1, 0, radius), "w_q", "learning rate");
        }

        @Test
        void nanOrNegativeRadius_throwsIaeAndModifiesNothing() {
            INDArray bad = Nd4j.create(new double[] {-1.0});
            assertRefused(() -> s.stepInPlace(w, u, 0.1, 0, bad), "w_q", "radius");
            INDArray nan = Nd4j.create(new double[] {Double.NaN});
            assertRefused(() -> s.stepInPlace(w, u, 0.1, 0, nan), "w_q", "radius");
        }

        @Test
        void mismatchedShape_throwsIaeAndModifiesNothing() {
            INDArray wrong = Nd4j.zeros(DataType.DOUBLE, 3, 4);
            assertRefused(() -> s.stepInPlace(w, wrong, 0.1, 0, radius), "direction[w_q]", "[4, 3]", "[3, 4]");
        }

        @Test
        void decayTimesEtaAtLeastOne_throwsIae() {
            assertRefused(() -> s.stepInPlace(w, u, 0.5, 2.0, radius), "w_q", "eta * weightDecay");
        }

        @Test
        void rank1Spec_isRefusedBySphere() {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> Sphere.create(ParamSpec.vector("gain", 4, ParamRole.GAIN), DataType.FLOAT));
            assertTrue(e.getMessage().contains("gain"), e.getMessage());
        }

        @Test
        void zeroMatrix_cannotDefineARadius() {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> s.measureRadius(Nd4j.zeros(DataType.DOUBLE, 4, 3)));
            assertTrue(e.getMessage().contains("w_q"), e.getMessage());
        }
    }
}
