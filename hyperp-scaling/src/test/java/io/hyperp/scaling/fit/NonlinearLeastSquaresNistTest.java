package io.hyperp.scaling.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generic fitter against the NIST StRD nonlinear regression certificates (certified values computed by
 * NIST in 128-bit arithmetic and given to 11 significant digits), from both certified starting points.
 *
 * <p>Digits demanded, expressed as the log relative error LRE = -log10(|fit - certified| / |certified|):
 * <ul>
 *   <li>parameters: LRE &gt;= 6. In double precision the sum of squares S is known to a relative error of
 *       about eps = 1e-14 (the solver's tolerance, above summation round-off), and S is flat at its minimum, so
 *       a parameter is pinned only to within sd * sqrt(eps * (n - p)), i.e. 1e-7 to 1e-6 of its standard
 *       deviation; with sd / |b| of at most a few percent in these sets that is 7 to 9 digits. Six digits is
 *       the margin below that and is the accuracy NIST and McCullough (1998) take as a pass.</li>
 *   <li>residual sum of squares: LRE &gt;= 9 (S is the quantity minimised and is determined to about its
 *       tolerance), except Lanczos1, whose certified S = 1.4e-25 is pure round-off of 13-digit data: there
 *       only S &lt; 1e-22 can be asked of a double computation with residuals near 1e-13.</li>
 *   <li>standard errors: LRE &gt;= 3. They come from (J^T J)^-1, whose conditioning costs digits (Hahn1's
 *       cubic rational has columns from 1 to x^3 ~ 7e8), and a standard error is itself only a statistical
 *       estimate with relative uncertainty 1 / sqrt(2 (n - p)) &gt; 4%, so three digits is more than it
 *       carries; Lanczos1's s is round-off, so its errors are checked to the same 3 digits only.</li>
 * </ul>
 */
class NonlinearLeastSquaresNistTest {

    static Stream<Arguments> datasets() {
        return Stream.of(
                Arguments.of("Misra1a.csv", NistModels.MISRA1A, "lower"),
                Arguments.of("MGH17.dat", NistModels.MGH17, "average"),
                Arguments.of("Lanczos1.dat", NistModels.LANCZOS1, "average"),
                Arguments.of("Kirby2.dat", NistModels.KIRBY2, "average"),
                Arguments.of("Hahn1.dat", NistModels.RATIONAL_3_3, "average"),
                Arguments.of("Thurber.csv", NistModels.RATIONAL_3_3, "higher"));
    }

    @ParameterizedTest(name = "{0} ({2} difficulty)")
    @MethodSource("datasets")
    void fit_nistFromStart1_reproducesCertifiedValues(String file, ParametricModel model, String level) {
        NistDataset d = NistDataset.load(file);
        check(d, NonlinearLeastSquares.fit(model, d.xRows(), d.y(), d.start1(), NllsOptions.defaults()));
    }

    @ParameterizedTest(name = "{0} ({2} difficulty)")
    @MethodSource("datasets")
    void fit_nistFromStart2_reproducesCertifiedValues(String file, ParametricModel model, String level) {
        NistDataset d = NistDataset.load(file);
        check(d, NonlinearLeastSquares.fit(model, d.xRows(), d.y(), d.start2(), NllsOptions.defaults()));
    }

    private static void check(NistDataset d, NllsResult r) {
        int p = d.certified().length;
        assertEquals(d.x().length - p, r.degreesOfFreedom());
        for (int j = 0; j < p; j++) {
            double lre = lre(r.parameter(j), d.certified()[j]);
            assertTrue(
                    lre >= 6,
                    String.format(
                            "%s b%d = %.12e vs certified %.12e: LRE %.2f < 6",
                            d.name(), j + 1, r.parameter(j), d.certified()[j], lre));
            double sdLre = lre(r.standardErrors().get(j), d.certifiedSd()[j]);
            assertTrue(
                    sdLre >= 3,
                    String.format(
                            "%s sd(b%d) = %.6e vs certified %.6e: LRE %.2f < 3",
                            d.name(), j + 1, r.standardErrors().get(j), d.certifiedSd()[j], sdLre));
        }
        if (d.name().equals("Lanczos1")) {
            assertTrue(r.rss() < 1e-22, "Lanczos1 RSS should be at round-off level, was " + r.rss());
        } else {
            double rssLre = lre(r.rss(), d.certifiedRss());
            assertTrue(
                    rssLre >= 9,
                    String.format(
                            "%s RSS %.12e vs certified %.12e: LRE %.2f < 9",
                            d.name(), r.rss(), d.certifiedRss(), rssLre));
        }
    }

    private static double lre(double value, double certified) {
        double rel = Math.abs(value - certified) / Math.abs(certified);
        return rel == 0 ? 16 : -Math.log10(rel);
    }

    @Test
    void fit_moreParametersThanPoints_throwsIae() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> NonlinearLeastSquares.fit(
                        NistModels.MISRA1A,
                        new double[][] {{1}},
                        new double[] {1},
                        new double[] {1, 1},
                        NllsOptions.defaults()));
        assertTrue(e.getMessage().contains("1 observations cannot determine 2 parameters"), e.getMessage());
    }

    @Test
    void fit_nanResponse_throwsIaeNamingIndex() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> NonlinearLeastSquares.fit(
                        NistModels.MISRA1A,
                        new double[][] {{1}, {2}, {3}},
                        new double[] {1, Double.NaN, 2},
                        new double[] {1, 1},
                        NllsOptions.defaults()));
        assertTrue(e.getMessage().contains("y[1]"), e.getMessage());
    }

    @Test
    void fit_iterationLimitTooSmall_throwsIse() {
        NistDataset d = NistDataset.load("MGH17.dat");
        assertThrows(
                IllegalStateException.class,
                () -> NonlinearLeastSquares.fit(
                        NistModels.MGH17,
                        d.xRows(),
                        d.y(),
                        d.start1(),
                        NllsOptions.defaults().withMaxIterations(3)));
    }

    @Test
    void fit_defaultNumericGradient_matchesAnalyticOnMisra1a() {
        NistDataset d = NistDataset.load("Misra1a.csv");
        ParametricModel numeric = NistModels.MISRA1A::value;
        NllsResult r = NonlinearLeastSquares.fit(numeric, d.xRows(), d.y(), d.start1(), NllsOptions.defaults());
        // Central differences carry relative error ~ eps^(2/3) ~ 4e-11 in the Jacobian; Gauss-Newton's fixed
        // point does not depend on the Jacobian, only its convergence does, so 6 digits remain attainable.
        for (int j = 0; j < 2; j++) {
            assertTrue(lre(r.parameter(j), d.certified()[j]) >= 6, "b" + (j + 1) + " = " + r.parameter(j));
        }
    }

    @Test
    void options_toleranceBelowFloor_throwsIae() {
        assertThrows(
                IllegalArgumentException.class, () -> NllsOptions.defaults().withTolerance(1e-17));
        assertThrows(
                IllegalArgumentException.class, () -> NllsOptions.defaults().withTolerance(Double.NaN));
    }
}
