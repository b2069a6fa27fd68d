package io.hyperp.demo.train;

import io.hyperp.demo.gpt.TinyGpt;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of one {@link TrainRun}: the per-step training losses, the evaluations, and whether the
 * run diverged.
 *
 * <p>A diverged run is kept, not dropped: {@link #finalValidationLoss()} is then NaN, which the
 * sweep fitters of hyperp-scaling exclude by their documented rule. Immutable (arrays are copied in
 * and out).
 *
 * @param rule                the parameterization rule's name
 * @param learningRate        the peak learning rate
 * @param width               the model width
 * @param depth               the model depth
 * @param trainLosses         the training loss of every step that ran
 * @param evals               the evaluations, in step order
 * @param diverged            whether the run diverged
 * @param divergedAtStep      the step at which it diverged, or -1
 * @param finalValidationLoss the validation loss after the last step, NaN if diverged
 * @param seconds             wall-clock time of the run
 */
// The array is copied in and out, and equals/hashCode/toString compare its contents.
@SuppressWarnings("ArrayRecordComponent")
public record TrainRunResult(
        String rule,
        double learningRate,
        int width,
        int depth,
        double[] trainLosses,
        List<Eval> evals,
        boolean diverged,
        int divergedAtStep,
        double finalValidationLoss,
        double seconds) {

    /**
     * One evaluation.
     *
     * @param step           the number of optimizer steps taken before it
     * @param trainLoss      the mean training loss of the steps since the previous evaluation
     * @param validationLoss the mean loss on the fixed validation batches
     * @param indicators     the stability indicators (SPEC section 6) on the last validation batch
     */
    public record Eval(int step, double trainLoss, double validationLoss, TinyGpt.Indicators indicators) {

        /** Checks that the indicators are given. */
        public Eval {
            Objects.requireNonNull(indicators, "indicators");
        }
    }

    /** Copies the arrays and the list. */
    public TrainRunResult {
        Objects.requireNonNull(rule, "rule");
        trainLosses = trainLosses.clone();
        evals = List.copyOf(evals);
    }

    /** A copy of the per-step training losses. */
    @Override
    public double[] trainLosses() {
        return trainLosses.clone();
    }

    /** The number of steps that ran (fewer than requested if the run diverged). */
    public int stepsRun() {
        return trainLosses.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainRunResult r
                && rule.equals(r.rule)
                && Double.compare(learningRate, r.learningRate) == 0
                && width == r.width
                && depth == r.depth
                && Arrays.equals(trainLosses, r.trainLosses)
                && evals.equals(r.evals)
                && diverged == r.diverged
                && divergedAtStep == r.divergedAtStep
                && Double.compare(finalValidationLoss, r.finalValidationLoss) == 0
                && Double.compare(seconds, r.seconds) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                rule,
                learningRate,
                width,
                depth,
                Arrays.hashCode(trainLosses),
                evals,
                diverged,
                divergedAtStep,
                finalValidationLoss,
                seconds);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "TrainRunResult[%s lr=%s width=%d depth=%d steps=%d diverged=%s final val=%.4f %.1fs]",
                rule,
                learningRate,
                width,
                depth,
                trainLosses.length,
                diverged,
                finalValidationLoss,
                seconds);
    }
}
