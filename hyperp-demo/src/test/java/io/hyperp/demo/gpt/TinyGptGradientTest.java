package io.hyperp.demo.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks every parameter gradient of the hand-written backward pass against central finite
 * differences of the loss, in double precision, on a small instance.
 *
 * <p>Tolerance: with step eps = 1e-5 in double precision the central difference has truncation error
 * about eps^2 |L'''| / 6 (~1e-11 for these O(1) losses) and rounding error about 1e-16 |L| / eps
 * (~1e-10), so a correct gradient agrees to ~1e-9. A wrong formula (a missing factor, a transposed
 * product, a dropped term) is off by at least a few percent of the gradient's size. The check is
 * therefore |fd - g| <= 1e-7 + 1e-5 |g|: four orders of magnitude above the numerical noise and
 * three below any plausible bug.
 */
class TinyGptGradientTest {

    @BeforeAll
    static void singleThreaded() {
        // Small ops on a shared machine: spinning worker threads only add contention.
        NdThreads.parallelModels();
    }

    private static final double EPS = 1e-5;
    private static final double ABS_TOL = 1e-7;
    private static final double REL_TOL = 1e-5;
    private static final int ENTRIES_PER_TENSOR = 6;

    private static TinyGptConfig small() {
        return new TinyGptConfig(256, 8, 2, 2, 16, 8, 64, true, 1.0, 11L, DataType.DOUBLE);
    }

    @Test
    void forwardBackward_qkNorm_everyGradientMatchesCentralDifferences() {
        checkAllGradients(small(), 5L);
    }

    @Test
    void forwardBackward_noQkNormAndLogitMultiplier_everyGradientMatchesCentralDifferences() {
        checkAllGradients(small().withQkNorm(false).withLogitMultiplier(0.25).withSeed(12L), 6L);
    }

    @Test
    void forwardBackward_singleHeadWideFfn_everyGradientMatchesCentralDifferences() {
        checkAllGradients(small().withHeadDim(16).withFfn(40).withDepth(1).withSeed(13L), 7L);
    }

    private static void checkAllGradients(TinyGptConfig cfg, long seed) {
        checkAllGradients(TinyGpt.create(cfg), cfg, seed);
    }

    /** The training objective at {@code tokens}: cross-entropy plus any MoE balance losses. */
    private static double objective(TinyGpt model, int[] tokens) {
        double ce = model.loss(tokens);
        return ce + model.lastAuxLoss();
    }

    /**
     * Checks every gradient of {@code model} (built from {@code cfg}) against central differences of
     * the training objective, at a point moved away from the initialization.
     */
    static void checkAllGradients(TinyGpt model, TinyGptConfig cfg, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        // Move away from the initialization (embedding ~1e-4, gains exactly 1) to a generic point where
        // every term of the backward pass is of order one.
        for (TinyGpt.Param p : model.params()) {
            perturb(p.value(), rng, p.spec().role().name().equals("GAIN") ? 0.3 : 0.5);
        }
        int[] tokens = randomTokens(cfg, rng);

        double loss = model.forwardBackward(tokens);
        assertTrue(Double.isFinite(loss), "loss must be finite, was " + loss);
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (TinyGpt.Param p : model.params()) {
            INDArray grad = p.grad().dup();
            INDArray value = p.value();
            long n = value.length();
            // Individual entries: all of a gain vector (length <= 16), else a random sample, which for the
            // embedding is drawn from the rows of tokens actually used (the others have zero gradient).
            List<Long> entries = new ArrayList<>();
            if (n <= 16) {
                for (long i = 0; i < n; i++) {
                    entries.add(i);
                }
            } else {
                boolean embed = p.spec().name().equals("embed");
                long d = embed ? value.size(1) : 1;
                for (int k = 0; k < ENTRIES_PER_TENSOR; k++) {
                    entries.add(embed ? tokens[rng.nextInt(tokens.length - 1)] * d + rng.nextLong(d) : rng.nextLong(n));
                }
            }
            INDArray flatValue = value.reshape(n);
            INDArray flatGrad = grad.reshape(n);
            for (long i : entries) {
                double old = flatValue.getDouble(i);
                flatValue.putScalar(i, old + EPS);
                double up = objective(model, tokens);
                flatValue.putScalar(i, old - EPS);
                double down = objective(model, tokens);
                flatValue.putScalar(i, old);
                double fd = (up - down) / (2 * EPS);
                double g = flatGrad.getDouble(i);
                checked++;
                if (!(Math.abs(fd - g) <= ABS_TOL + REL_TOL * Math.abs(g))) {
                    failures.add(String.format(
                            Locale.ROOT,
                            "%s[%d]: analytic %.10g, central difference %.10g",
                            p.spec().name(),
                            i,
                            g,
                            fd));
                }
            }
            // One random direction over the whole tensor: <grad, u> against the directional difference.
            INDArray u = Nd4j.create(DataType.DOUBLE, value.shape());
            for (long i = 0; i < n; i++) {
                u.putScalar(i, rng.nextGaussian());
            }
            INDArray saved = value.dup();
            value.addi(u.mul(EPS));
            double up = objective(model, tokens);
            value.assign(saved).subi(u.mul(EPS));
            double down = objective(model, tokens);
            value.assign(saved);
            double fd = (up - down) / (2 * EPS);
            double g = grad.mul(u).sumNumber().doubleValue();
            double scale = grad.norm2Number().doubleValue() * u.norm2Number().doubleValue();
            checked++;
            if (!(Math.abs(fd - g) <= ABS_TOL + REL_TOL * scale)) {
                failures.add(String.format(
                        Locale.ROOT,
                        "%s direction: analytic %.10g, central difference %.10g",
                        p.spec().name(),
                        g,
                        fd));
            }
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + checked + " checks failed:\n" + String.join("\n", failures));
        // The gradients at the point itself are untouched by the probing (loss() only runs forward).
        assertEquals(loss, objective(model, tokens), 0.0, "loss after probing must be bit-identical");
    }

    private static void perturb(INDArray a, SplittableRandom rng, double size) {
        long n = a.length();
        INDArray flat = a.reshape(n);
        for (long i = 0; i < n; i++) {
            flat.putScalar(i, flat.getDouble(i) + size * rng.nextGaussian());
        }
    }

    static int[] randomTokens(TinyGptConfig cfg, SplittableRandom rng) {
        int[] tokens = new int[cfg.batch() * (cfg.context() + 1)];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rng.nextInt(cfg.vocab());
        }
        return tokens;
    }
}
