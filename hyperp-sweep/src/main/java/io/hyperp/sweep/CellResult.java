package io.hyperp.sweep;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one cell produced. Immutable (arrays are copied in and out).
 *
 * <p>A diverged or failed cell keeps whatever it measured before it stopped; its
 * {@link #finalValidationLoss()} is NaN, which the sweep fitters of hyperp-scaling exclude by their
 * documented rule.
 *
 * @param status              how the cell ended
 * @param finalValidationLoss the validation loss after the last step; NaN unless {@link CellStatus#OK}
 * @param finalTrainLoss      the mean training loss over the last evaluation interval (may be NaN)
 * @param stepsRun            optimizer steps that ran (>= 0)
 * @param divergedAtStep      the step at which the run diverged (0-based), or -1
 * @param trainLosses         the training loss of every step that ran (the loss curve)
 * @param curve               the evaluations in step order, with stability indicators
 * @param metrics             other numbers of the cell by name (for example {@code params}), sorted by name
 * @param seconds             wall-clock time of the last attempt (>= 0)
 * @param attempts            how many times the cell was tried (>= 1)
 * @param reason              why the cell failed, else the empty string
 */
// The array is copied in and out, and equals/hashCode compare its contents.
@SuppressWarnings("ArrayRecordComponent")
public record CellResult(
        CellStatus status,
        double finalValidationLoss,
        double finalTrainLoss,
        int stepsRun,
        int divergedAtStep,
        double[] trainLosses,
        List<CurvePoint> curve,
        Map<String, Double> metrics,
        double seconds,
        int attempts,
        String reason) {

    /** Validates and copies; a non-{@code ok} status forces the final validation loss to NaN. */
    public CellResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        trainLosses = trainLosses.clone();
        curve = List.copyOf(curve);
        metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
        if (stepsRun < 0) {
            throw new IllegalArgumentException("stepsRun (" + stepsRun + ") must be >= 0");
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts (" + attempts + ") must be >= 1");
        }
        if (!(seconds >= 0)) {
            throw new IllegalArgumentException("seconds (" + seconds + ") must be >= 0");
        }
        if (status == CellStatus.OK && !Double.isFinite(finalValidationLoss)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "an ok result needs a finite final validation loss, found %s; report it as diverged",
                    finalValidationLoss));
        }
        if (status != CellStatus.OK) {
            finalValidationLoss = Double.NaN;
        }
    }

    /**
     * A finished cell: {@link CellStatus#OK} if the final validation loss is finite, else
     * {@link CellStatus#DIVERGED} (so a trainer need not classify a non-finite loss itself).
     */
    public static CellResult finished(
            double finalValidationLoss,
            double finalTrainLoss,
            double[] trainLosses,
            List<CurvePoint> curve,
            Map<String, Double> metrics,
            double seconds) {
        boolean ok = Double.isFinite(finalValidationLoss);
        return new CellResult(
                ok ? CellStatus.OK : CellStatus.DIVERGED,
                finalValidationLoss,
                finalTrainLoss,
                trainLosses.length,
                ok ? -1 : Math.max(0, trainLosses.length - 1),
                trainLosses,
                curve,
                metrics,
                seconds,
                1,
                "");
    }

    /** A run that diverged at step {@code atStep} (0-based), keeping what it measured. */
    public static CellResult diverged(
            int atStep,
            double finalTrainLoss,
            double[] trainLosses,
            List<CurvePoint> curve,
            Map<String, Double> metrics,
            double seconds) {
        return new CellResult(
                CellStatus.DIVERGED,
                Double.NaN,
                finalTrainLoss,
                trainLosses.length,
                atStep,
                trainLosses,
                curve,
                metrics,
                seconds,
                1,
                "");
    }

    /** A cell whose trainer threw on each of {@code attempts} tries; {@code reason} says why. */
    public static CellResult failed(String reason, int attempts, double seconds) {
        return new CellResult(
                CellStatus.FAILED,
                Double.NaN,
                Double.NaN,
                0,
                -1,
                new double[0],
                List.of(),
                Map.of(),
                seconds,
                attempts,
                reason.isEmpty() ? "(no reason given)" : reason);
    }

    /** This result with another attempt count. */
    public CellResult withAttempts(int n) {
        return new CellResult(
                status,
                finalValidationLoss,
                finalTrainLoss,
                stepsRun,
                divergedAtStep,
                trainLosses,
                curve,
                metrics,
                seconds,
                n,
                reason);
    }

    /** A copy of the per-step training losses. */
    @Override
    public double[] trainLosses() {
        return trainLosses.clone();
    }

    /** The metric with this name, or NaN if the cell has none. */
    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CellResult r
                && status == r.status
                && Double.compare(finalValidationLoss, r.finalValidationLoss) == 0
                && Double.compare(finalTrainLoss, r.finalTrainLoss) == 0
                && stepsRun == r.stepsRun
                && divergedAtStep == r.divergedAtStep
                && Arrays.equals(trainLosses, r.trainLosses)
                && curve.equals(r.curve)
                && metrics.equals(r.metrics)
                && Double.compare(seconds, r.seconds) == 0
                && attempts == r.attempts
                && reason.equals(r.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                status,
                finalValidationLoss,
                finalTrainLoss,
                stepsRun,
                divergedAtStep,
                Arrays.hashCode(trainLosses),
                curve,
                metrics,
                seconds,
                attempts,
                reason);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "CellResult[%s val=%s steps=%d attempts=%d %.2fs%s]",
                status.label(),
                finalValidationLoss,
                stepsRun,
                attempts,
                seconds,
                reason.isEmpty() ? "" : " reason=" + reason);
    }
}
