package io.hyperp.core.orthogonal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.testing.ReferenceNewtonSchulz;
import io.hyperp.core.testing.Tolerances;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Properties of Newton-Schulz on random matrices with planted singular values, for every kernel:
 * inputs are \(U \operatorname{diag}(s) V^T\) of 1 x 1 up to 24 x 24 with \(s_k\) uniform in
 * [0.05, 1], so after the Frobenius normalization (\(\|s\|_2 \le \sqrt{24}\)) every singular value
 * lies in [0.0102, 1]. Over [0.01, 1] the scalar maps of the schedules
 * ({@link NsSchedule#mapSingularValue}, evaluated on a fine grid) range over [0.9778, 1.0318]
 * (HYPERP_5) and [0.6818, 1.1344] (JORDAN_5); the cubic CONVERGENT_30 reaches 1 to float64
 * rounding.
 *
 * <p>Tolerances: singular values of the float32 results are checked to {@value #SV_TOL}: measured
 * float32 errors of whole results are below 4e-6 relative (see {@link NewtonSchulzTest}), and a
 * singular value moves by at most the spectral norm of the error. The bands get the same margin.
 */
class NewtonSchulzPropertyTest {

    private static final double SV_TOL = 1e-4;

    /** The float32 result of {@code schedule} on a planted matrix, per kernel, with its inputs. */
    private record Case(double[] normalizedSigma, double[][] g, INDArray out) {}

    private static Case run(NsKernel kernel, NsSchedule schedule, int rows, int cols, long seed) {
        int k = Math.min(rows, cols);
        SplittableRandom r = new SplittableRandom(seed);
        double[] sigma = new double[k];
        for (int i = 0; i < k; i++) {
            sigma[i] = 0.05 + 0.95 * r.nextDouble();
        }
        double[][] g = ReferenceNewtonSchulz.withSingularValues(seed, rows, cols, sigma);
        INDArray gArr = Nd4j.create(g).castTo(DataType.FLOAT);
        INDArray out = Nd4j.create(DataType.FLOAT, rows, cols);
        NewtonSchulz.create(ParamSpec.matrixOutIn("w", rows, cols, ParamRole.HIDDEN), DataType.FLOAT, schedule, kernel)
                .orthogonalizeInto(gArr, out);
        double norm = ReferenceNewtonSchulz.frobenius(g) + NewtonSchulz.NORM_EPS;
        double[] normalized = new double[k];
        for (int i = 0; i < k; i++) {
            normalized[i] = sigma[i] / norm;
        }
        return new Case(normalized, g, out);
    }

    /** The schedule maps each singular value by its scalar polynomial: sorted images equal sorted results. */
    private static void assertSingularValuesMapped(NsSchedule schedule, Case c) {
        double[] expected = new double[c.normalizedSigma.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = schedule.mapSingularValue(c.normalizedSigma[i]);
        }
        Arrays.sort(expected);
        double[] actual = ReferenceNewtonSchulz.singularValues(ReferenceNewtonSchulz.toDoubles(c.out));
        Arrays.sort(actual);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(
                    expected[i],
                    actual[i],
                    SV_TOL,
                    String.format(Locale.ROOT, "singular value %d of %s", i, Arrays.toString(actual)));
        }
    }

    private static void assertInBand(double lo, double hi, Case c) {
        for (double s : ReferenceNewtonSchulz.singularValues(ReferenceNewtonSchulz.toDoubles(c.out))) {
            assertTrue(
                    s >= lo - SV_TOL && s <= hi + SV_TOL,
                    String.format(Locale.ROOT, "singular value %s outside [%s, %s]", s, lo, hi));
        }
    }

    @Test
    void mapSingularValue_bandsOverNormalizedRange_areAsDocumented() {
        // The bands the properties below rely on, from the scalar maps themselves (log grid on [0.01, 1]).
        double[] h = range(NsSchedule.HYPERP_5);
        double[] j = range(NsSchedule.JORDAN_5);
        assertEquals(0.9778, h[0], 1e-4);
        assertEquals(1.0318, h[1], 1e-4);
        assertEquals(0.6818, j[0], 1e-4);
        assertEquals(1.1344, j[1], 1e-4);
        double[] c = range(NsSchedule.CONVERGENT_30);
        assertEquals(1.0, c[0], 1e-12);
        assertEquals(1.0, c[1], 1e-12);
    }

    private static double[] range(NsSchedule s) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i <= 200_000; i++) {
            double v = s.mapSingularValue(0.01 * Math.pow(100, i / 200_000.0));
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new double[] {lo, hi};
    }

    @Test
    void hyperp5_singularValues_inBandAndMappedByScalarPolynomial() {
        qt().withFixedSeed(11)
                .withExamples(40)
                .forAll(integers().between(1, 24), integers().between(1, 24), longs().between(0, 1L << 40))
                .checkAssert((rows, cols, seed) -> {
                    for (NsKernel k : NewtonSchulzTest.kernels()) {
                        Case c = run(k, NsSchedule.HYPERP_5, rows, cols, seed);
                        assertInBand(0.9778, 1.0318, c);
                        assertSingularValuesMapped(NsSchedule.HYPERP_5, c);
                    }
                });
    }

    @Test
    void jordan5_singularValues_inBandAndMappedByScalarPolynomial() {
        qt().withFixedSeed(12)
                .withExamples(40)
                .forAll(integers().between(1, 24), integers().between(1, 24), longs().between(0, 1L << 40))
                .checkAssert((rows, cols, seed) -> {
                    for (NsKernel k : NewtonSchulzTest.kernels()) {
                        Case c = run(k, NsSchedule.JORDAN_5, rows, cols, seed);
                        assertInBand(0.6818, 1.1344, c);
                        assertSingularValuesMapped(NsSchedule.JORDAN_5, c);
                    }
                });
    }

    @Test
    void convergent30_reachesPolarFactor() {
        qt().withFixedSeed(13)
                .withExamples(40)
                .forAll(integers().between(1, 24), integers().between(1, 24), longs().between(0, 1L << 40))
                .checkAssert((rows, cols, seed) -> {
                    for (NsKernel k : NewtonSchulzTest.kernels()) {
                        Case c = run(k, NsSchedule.CONVERGENT_30, rows, cols, seed);
                        double[][] polar = ReferenceNewtonSchulz.polarFactor(c.g);
                        Tolerances.assertClose(polar, c.out, SV_TOL, k + " polar factor");
                        assertInBand(1.0, 1.0, c);
                    }
                });
    }
}
