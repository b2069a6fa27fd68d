package io.hyperp.optim;

/**
 * What every transform may read during one update: the step index (0 for the first update) and the
 * scheduled learning rate of that step.
 *
 * @param step         the number of updates applied before this one
 * @param learningRate the scheduled learning rate (before per-group multipliers)
 */
public record StepContext(long step, double learningRate) {
}
