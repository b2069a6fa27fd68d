package io.hyperp.scaling.fit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.scaling.sweep.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Planted parameters are recovered within the reported 95% intervals at the nominal rate.
 *
 * <p>Each test fits N synthetic datasets with known parameters and counts how many intervals cover the truth.
 * For calibrated intervals the count is Binomial(N, 0.95); the test accepts the central 99.9% of that
 * distribution (from the 0.05% to the 99.95% quantile), so a calibrated method fails a given check with
 * probability below 0.1%, while a method with 90% coverage (the plain percentile interval with 8 residual
 * degrees of freedom) or one that always covers fails it. With N = 200 the band is roughly 180 to 198; the data
 * and bootstrap seeds are fixed, so the outcome is reproducible. The optimal-LR and log-log power-law fits are
 * checked with both resampling methods (residual and case); the offset law, whose every resample is a
 * nonlinear fit, with the default residual method.
 */
class CoverageTest {
    private static final double NOMINAL = 0.95;

    private static void assertNominal(String what, int covered, int total) {
        BinomialDistribution b = new BinomialDistribution(null, total, NOMINAL);
        int lo = b.inverseCumulativeProbability(0.0005);
        int hi = b.inverseCumulativeProbability(0.9995);
        assertTrue(
                covered >= lo && covered <= hi,
                String.format(
                        "%s: %d of %d intervals cover the planted value; "
                                + "a calibrated 95%% interval gives %d to %d",
                        what, covered, total, lo, hi));
    }

    @ParameterizedTest
    @EnumSource(BootstrapMethod.class)
    void optimalLr_plantedOptimum_coveredAtNominalRate(BootstrapMethod method) {
        SplittableRandom rnd = new SplittableRandom(7);
        int total = 200;
        int covered = 0;
        for (int t = 0; t < total; t++) {
            double lnStar = Math.log(0.003) + rnd.nextDouble() * Math.log(0.01 / 0.003);
            List<SweepPoint> pts = new ArrayList<>();
            for (int k = 0; k <= 10; k++) {
                double lr = 0.001 * Math.pow(2, k / 2.0);
                double d = Math.log(lr) - lnStar;
                pts.add(SweepPoint.of(lr, 3.0 + 0.08 * d * d + 0.01 * rnd.nextGaussian()));
            }
            OptimalLrResult r = OptimalLr.fit(
                    pts,
                    OptimalLrOptions.defaults()
                            .withBootstrap(
                                    BootstrapOptions.defaults().withSeed(t).withMethod(method)));
            assertTrue(r.isOk(), r.message());
            if (r.interval().contains(Math.exp(lnStar))) {
                covered++;
            }
        }
        assertNominal("eta* (" + method + ")", covered, total);
    }

    @ParameterizedTest
    @EnumSource(BootstrapMethod.class)
    void powerLaw_plantedCoefficientAndExponent_coveredAtNominalRate(BootstrapMethod method) {
        SplittableRandom rnd = new SplittableRandom(11);
        int total = 200;
        int coveredB = 0;
        int coveredA = 0;
        for (int t = 0; t < total; t++) {
            double[] x = new double[6];
            double[] y = new double[6];
            for (int i = 0; i < 6; i++) {
                x[i] = 1e9 * Math.pow(10, i * 0.4);
                y[i] = 30 * Math.pow(x[i], -0.32) * Math.exp(0.05 * rnd.nextGaussian());
            }
            PowerLawFit f =
                    PowerLaw.fit(x, y, BootstrapOptions.defaults().withSeed(t).withMethod(method));
            coveredB += f.exponentIntervals().get("x").contains(-0.32) ? 1 : 0;
            coveredA += f.coefficientInterval().contains(30) ? 1 : 0;
        }
        assertNominal("exponent (" + method + ")", coveredB, total);
        assertNominal("coefficient (" + method + ")", coveredA, total);
    }

    @Test
    void powerLawWithOffset_plantedParameters_coveredAtNominalRate() {
        SplittableRandom rnd = new SplittableRandom(13);
        int total = 150;
        int coveredOffset = 0;
        int coveredExponent = 0;
        int coveredCoefficient = 0;
        for (int t = 0; t < total; t++) {
            double[] x = new double[10];
            double[] y = new double[10];
            for (int i = 0; i < 10; i++) {
                x[i] = 1e8 * Math.pow(10, i * 0.35);
                y[i] = 2.0 + 50 * Math.pow(x[i], -0.3) + 0.005 * rnd.nextGaussian();
            }
            PowerLawFit f = PowerLawWithOffset.fit(
                    x, y, BootstrapOptions.defaults().withSeed(t).withResamples(400));
            coveredOffset += f.offsetInterval().contains(2.0) ? 1 : 0;
            coveredExponent += f.exponentIntervals().get("x").contains(-0.3) ? 1 : 0;
            coveredCoefficient += f.coefficientInterval().contains(50) ? 1 : 0;
        }
        assertNominal("offset", coveredOffset, total);
        assertNominal("exponent", coveredExponent, total);
        assertNominal("coefficient", coveredCoefficient, total);
    }
}
