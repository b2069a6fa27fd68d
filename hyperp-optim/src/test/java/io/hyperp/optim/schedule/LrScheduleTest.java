package io.hyperp.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Values of every schedule at its defining steps, shape properties, and refusals. Expected values are
 * worked out by hand from each record's formula; 1e-12 absolute covers the rounding of one or two
 * double operations on rates below 1.
 */
class LrScheduleTest {

    private static final double EPS = 1e-12;

    @Test
    void constant_isThePeakAtEveryStep() {
        LrSchedule s = LrSchedule.constant(0.015);
        assertEquals(0.015, s.lr(0));
        assertEquals(0.015, s.lr(1_000_000_000L));
    }

    @Test
    void linearWarmup_risesLinearlyThenHolds() {
        LrSchedule s = LrSchedule.linearWarmup(0.1, 4);
        assertEquals(0.025, s.lr(0), EPS);
        assertEquals(0.075, s.lr(2), EPS);
        assertEquals(0.1, s.lr(3), EPS);
        assertEquals(0.1, s.lr(100), EPS);
        assertEquals(0.1, LrSchedule.linearWarmup(0.1, 0).lr(0), EPS);
    }

    @Test
    void linearDecay_hyperPDefault_goesFromPeakToTenthOfPeakAtTheLastStep() {
        LrSchedule s = LrSchedule.linearDecay(0.014, 101);
        assertEquals(new LinearDecay(0.014, 0, 101, 0.1), s);
        assertEquals(0.014, s.lr(0), EPS);
        assertEquals(0.014 * (1 - 0.9 * 0.5), s.lr(50), EPS);
        assertEquals(0.0014, s.lr(100), EPS);
        assertEquals(0.0014, s.lr(5000), EPS);
    }

    @Test
    void linearDecay_withWarmup_peaksAtTheEndOfWarmup() {
        LrSchedule s = LrSchedule.linearDecay(1.0, 10, 21, 0.0);
        assertEquals(0.1, s.lr(0), EPS);
        assertEquals(1.0, s.lr(9), EPS);
        assertEquals(1.0, s.lr(10), EPS);
        assertEquals(0.5, s.lr(15), EPS);
        assertEquals(0.0, s.lr(20), EPS);
    }

    @Test
    void cosine_halfCosineFromPeakToFloor() {
        LrSchedule s = LrSchedule.cosine(2.0, 0, 11, 0.1);
        assertEquals(2.0, s.lr(0), EPS);
        assertEquals(2.0 * (0.1 + 0.9 * 0.5), s.lr(5), EPS);
        assertEquals(0.2, s.lr(10), EPS);
        assertEquals(0.2, s.lr(11), EPS);
        double quarter = 2.0 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.2)));
        assertEquals(quarter, s.lr(2), EPS);
    }

    @Test
    void warmupStableDecay_hasThreePhases() {
        LrSchedule s = LrSchedule.warmupStableDecay(1.0, 2, 3, 4, 0.2);
        assertEquals(0.5, s.lr(0), EPS);
        assertEquals(1.0, s.lr(1), EPS);
        assertEquals(1.0, s.lr(2), EPS);
        assertEquals(1.0, s.lr(4), EPS);
        assertEquals(1 - 0.8 * 0.25, s.lr(5), EPS);
        assertEquals(0.2, s.lr(8), EPS);
        assertEquals(0.2, s.lr(9), EPS);
    }

    @Test
    void decayingSchedules_stayBetweenFloorAndPeakAndNeverIncreaseAfterWarmup() {
        qt().withFixedSeed(21)
                .withExamples(200)
                .forAll(
                        doubles().between(1e-5, 1.0),
                        longs().between(0, 50),
                        longs().between(1, 500),
                        doubles().between(0.0, 1.0))
                .checkAssert((peak, warmup, length, floor) -> {
                    List<LrSchedule> all = List.of(
                            LrSchedule.linearDecay(peak, warmup, warmup + length, floor),
                            LrSchedule.cosine(peak, warmup, warmup + length, floor),
                            LrSchedule.warmupStableDecay(peak, warmup, length / 2, Math.max(1, length / 2), floor));
                    for (LrSchedule s : all) {
                        double prev = Double.POSITIVE_INFINITY;
                        for (long t = warmup; t < warmup + length + 5; t++) {
                            double lr = s.lr(t);
                            // peak * (a factor in [floor, 1]) with a few roundings: 1e-15 * peak slack.
                            assertTrue(
                                    lr <= peak * (1 + 1e-15) && lr >= (floor - 1e-15) * peak,
                                    s + " at " + t + ": " + lr);
                            assertTrue(lr <= prev * (1 + 1e-15), s + " increases at " + t);
                            prev = lr;
                        }
                        assertEquals(floor * peak, s.lr(warmup + length + 1000), 1e-15 * peak + EPS, s.toString());
                    }
                });
    }

    @Test
    void toString_identifiesTheScheduleCompletely() {
        // Checkpoints compare schedules by their text.
        assertEquals(
                LrSchedule.cosine(0.1, 5, 100, 0.1).toString(),
                LrSchedule.cosine(0.1, 5, 100, 0.1).toString());
        assertNotEquals(
                LrSchedule.cosine(0.1, 5, 100, 0.1).toString(),
                LrSchedule.cosine(0.1, 5, 100, 0.2).toString());
        assertNotEquals(
                LrSchedule.linearDecay(0.1, 100).toString(),
                LrSchedule.cosine(0.1, 0, 100, 0.1).toString());
    }

    @Test
    void create_badArguments_throwIaeNamingTheField() {
        List<Supplier<LrSchedule>> bad = List.of(
                () -> LrSchedule.constant(Double.NaN),
                () -> LrSchedule.constant(-0.1),
                () -> LrSchedule.constant(Double.POSITIVE_INFINITY),
                () -> LrSchedule.linearWarmup(0.1, -1),
                () -> LrSchedule.linearDecay(0.1, 10, 10, 0.1),
                () -> LrSchedule.linearDecay(0.1, 0, 100, Double.NaN),
                () -> LrSchedule.linearDecay(0.1, 0, 100, 1.5),
                () -> LrSchedule.cosine(0.1, 0, 100, -0.1),
                () -> LrSchedule.warmupStableDecay(0.1, 0, 0, 0, 0.1),
                () -> LrSchedule.warmupStableDecay(0.1, 0, -1, 10, 0.1));
        for (Supplier<LrSchedule> s : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::get);
            assertTrue(
                    e.getMessage()
                            .matches(".*(learningRate|warmupSteps|totalSteps|floorFraction|stableSteps|"
                                    + "decaySteps).*"),
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> LrSchedule.constant(0.1).lr(-1));
        assertTrue(e.getMessage().contains("step"), e.getMessage());
    }
}
