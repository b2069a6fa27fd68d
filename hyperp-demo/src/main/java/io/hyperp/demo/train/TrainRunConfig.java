package io.hyperp.demo.train;

import io.hyperp.optim.OptimizerOptions;
import java.util.Locale;
import java.util.Objects;

/**
 * How one training run of the demo proceeds: step count, schedule floor, evaluation cadence, data
 * seeds, the divergence threshold and the optimizer options.
 *
 * <p>The schedule is HyperP's (SPEC section 4): no warmup, linear decay from the peak learning rate to
 * {@code floorFraction} of it at the last step. Validation uses the same {@code evalBatches} batches
 * of the held-out split at every evaluation (drawn once from {@code evalSeed}), so curves of different
 * runs are comparable point by point.
 *
 * <p>Immutable; invalid values throw {@link IllegalArgumentException} naming the field.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP), section 4.
 *
 * @param steps          optimizer steps (>= 1)
 * @param evalEvery      evaluate every this many steps, and after the last (>= 1)
 * @param evalBatches    validation batches per evaluation (>= 1)
 * @param dataSeed       seed of the training batches
 * @param evalSeed       seed of the fixed validation batches
 * @param floorFraction  final learning rate as a fraction of the peak, in [0, 1]
 * @param divergenceLoss a training loss above this (or non-finite) ends the run as diverged (> 0)
 * @param optimizer      optimizer options (the non-finite policy is overridden to skip, and a skipped
 *                       step counts as divergence)
 */
public record TrainRunConfig(
        int steps,
        int evalEvery,
        int evalBatches,
        long dataSeed,
        long evalSeed,
        double floorFraction,
        double divergenceLoss,
        OptimizerOptions optimizer) {

    /** Validates every field. */
    public TrainRunConfig {
        Objects.requireNonNull(optimizer, "optimizer");
        atLeastOne("steps", steps);
        atLeastOne("evalEvery", evalEvery);
        atLeastOne("evalBatches", evalBatches);
        if (!(floorFraction >= 0 && floorFraction <= 1)) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "floorFraction (%s) must be in [0, 1]", floorFraction));
        }
        if (!(divergenceLoss > 0)) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "divergenceLoss (%s) must be positive", divergenceLoss));
        }
    }

    private static void atLeastOne(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s (%d) must be >= 1", name, v));
        }
    }

    /**
     * 200 steps, evaluation every 50 on 4 batches, seeds 1 and 2, floor 0.1, divergence above twice the
     * loss of a uniform byte model (2 ln 256 = 11.09), HyperP's optimizer defaults.
     */
    public static TrainRunConfig defaults() {
        return new TrainRunConfig(200, 50, 4, 1L, 2L, 0.1, 2 * Math.log(256), OptimizerOptions.defaults());
    }

    /** This config with another step count. */
    public TrainRunConfig withSteps(int v) {
        return new TrainRunConfig(
                v, evalEvery, evalBatches, dataSeed, evalSeed, floorFraction, divergenceLoss, optimizer);
    }

    /** This config with another evaluation interval. */
    public TrainRunConfig withEvalEvery(int v) {
        return new TrainRunConfig(steps, v, evalBatches, dataSeed, evalSeed, floorFraction, divergenceLoss, optimizer);
    }

    /** This config with another number of validation batches. */
    public TrainRunConfig withEvalBatches(int v) {
        return new TrainRunConfig(steps, evalEvery, v, dataSeed, evalSeed, floorFraction, divergenceLoss, optimizer);
    }

    /** This config with another training-data seed. */
    public TrainRunConfig withDataSeed(long v) {
        return new TrainRunConfig(steps, evalEvery, evalBatches, v, evalSeed, floorFraction, divergenceLoss, optimizer);
    }

    /** This config with another validation seed. */
    public TrainRunConfig withEvalSeed(long v) {
        return new TrainRunConfig(steps, evalEvery, evalBatches, dataSeed, v, floorFraction, divergenceLoss, optimizer);
    }

    /** This config with another schedule floor. */
    public TrainRunConfig withFloorFraction(double v) {
        return new TrainRunConfig(steps, evalEvery, evalBatches, dataSeed, evalSeed, v, divergenceLoss, optimizer);
    }

    /** This config with another divergence threshold. */
    public TrainRunConfig withDivergenceLoss(double v) {
        return new TrainRunConfig(steps, evalEvery, evalBatches, dataSeed, evalSeed, floorFraction, v, optimizer);
    }

    /** This config with other optimizer options. */
    public TrainRunConfig withOptimizer(OptimizerOptions v) {
        return new TrainRunConfig(steps, evalEvery, evalBatches, dataSeed, evalSeed, floorFraction, divergenceLoss, v);
    }
}
