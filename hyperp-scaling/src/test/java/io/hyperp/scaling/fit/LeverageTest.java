package io.hyperp.scaling.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeverageTest {
    @Test
    void of_sameExponentAndFloor_leverageIsCoefficientRatioToOneOverB() {
        // L_X = (A / k^b) C^-b + E reaches L_Y(C) at C / k exactly: leverage k.
        double b = 0.12;
        double k = 1.58;
        LossVsCompute y = LossVsCompute.of(200, b, 1.7);
        LossVsCompute x = LossVsCompute.of(200 / Math.pow(k, b), b, 1.7);
        Leverage lev = Leverage.of("hyperp", x, "muon", y, 6e21);
        // Closed form; pow and its inverse round to a few ulps.
        assertEquals(k, lev.leverage(), 1e-12);
        assertEquals(6e21 / k, lev.computeEquivalent(), 6e21 / k * 1e-12);
        assertEquals(1.0 / k, Leverage.of("muon", y, "hyperp", x, 6e21).leverage(), 1e-12);
    }

    @Test
    void of_targetBelowFloor_leverageZero() {
        LossVsCompute y = LossVsCompute.of(200, 0.12, 1.5);
        LossVsCompute x = LossVsCompute.of(100, 0.12, 2.0);
        Leverage lev = Leverage.of("x", x, "y", y, 1e22);
        assertEquals(0.0, lev.leverage(), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, lev.computeEquivalent());
    }

    @Test
    void estimate_noisyPlantedLaws_intervalCoversPlantedLeverage() {
        double b = 0.1;
        double k = 1.5;
        double[] c = {1e18, 3e18, 1e19, 3e19, 1e20, 3e20, 1e21, 3e21};
        SplittableRandom rnd = new SplittableRandom(5);
        double[] lx = new double[c.length];
        double[] ly = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            ly[i] = 60 * Math.pow(c[i], -b) + 1.9 + 0.002 * rnd.nextGaussian();
            lx[i] = 60 / Math.pow(k, b) * Math.pow(c[i], -b) + 1.9 + 0.002 * rnd.nextGaussian();
        }
        Leverage lev = Leverage.estimate(
                "x", c, lx, "y", c, ly, 3e21, BootstrapOptions.defaults().withResamples(300));
        assertTrue(lev.interval().isKnown(), lev.toString());
        assertTrue(lev.interval().contains(lev.leverage()), lev.toString());
        // One seeded draw: the planted value lies inside the 95% interval (checked, not assumed: a miss here has
        // about 5% prior probability for this fixed seed, and this seed's outcome is recorded by the test).
        assertTrue(lev.interval().contains(k), lev.toString());
    }
}
