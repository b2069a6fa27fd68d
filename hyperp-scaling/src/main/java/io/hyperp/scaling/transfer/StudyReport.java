package io.hyperp.scaling.transfer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The transfer report of a study that swept the learning rate at several scales along one axis (for example
 * three widths): each scale's optimum, how far the optima spread in sweep steps, the verdict, and the
 * transfer-quality metrics that the data allowed, with a note for each one they did not.
 *
 * <p>Built by {@link TransferQuality#acrossScales(Axis, List, List, List)}, which never throws for inadequate
 * data: refused sweeps and unmeasurable metrics end up in {@link #notes()}. Immutable and thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); Kalra and Barkeshli, arXiv 2605.21486; SPEC section 7.
 *
 * @param axis the axis along which the scales differ
 * @param lawAxes the predictors of the law behind the quality metrics (empty: the learning rate is claimed not
 *     to move with scale)
 * @param scales the scales in increasing order of {@code axis}
 * @param sweepStep the sweep step s in ln(lr): the median over sweeps of each sweep's median gap between
 *     neighbouring distinct learning rates (excluded runs included, since they were swept); NaN if no sweep has
 *     two learning rates
 * @param lnSpread largest minus smallest ln eta* over the accepted scales; NaN with fewer than two
 * @param spreadInSteps lnSpread / sweepStep, or NaN
 * @param spreadInterval interval of the spread in sweep steps (see
 *     {@link TransferQuality#acrossScales(Axis, List, List, List, List)}); unknown when an accepted optimum has no
 *     interval or fewer than two were accepted
 * @param verdict whether the optimum stayed within one sweep step
 * @param quality fit quality and extrapolation robustness as far as measurable (metrics not measured are null)
 * @param notes one sentence per refused sweep or unmeasured metric, in the order met
 */
public record StudyReport(
        Axis axis,
        List<Axis> lawAxes,
        List<ScaleOptimum> scales,
        double sweepStep,
        double lnSpread,
        double spreadInSteps,
        io.hyperp.scaling.fit.Interval spreadInterval,
        TransferVerdict verdict,
        TransferQualityReport quality,
        List<String> notes) {
    /**
     * Copies the lists.
     *
     * @param axis the axis along which the scales differ
     * @param lawAxes the predictors of the law behind the quality metrics
     * @param scales the scales in increasing order of {@code axis}
     * @param sweepStep the sweep step in ln(lr), or NaN
     * @param lnSpread largest minus smallest accepted ln eta*, or NaN
     * @param spreadInSteps lnSpread / sweepStep, or NaN
     * @param spreadInterval interval of the spread in sweep steps, or unknown
     * @param verdict whether the optimum stayed within one sweep step
     * @param quality the measurable quality metrics
     * @param notes refusals and unmeasured metrics
     * @throws NullPointerException for a null axis, interval, verdict, report or list
     */
    public StudyReport {
        Objects.requireNonNull(axis, "axis");
        Objects.requireNonNull(spreadInterval, "spreadInterval");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(quality, "quality");
        lawAxes = List.copyOf(lawAxes);
        scales = List.copyOf(scales);
        notes = List.copyOf(notes);
    }

    /**
     * Returns a copy whose quality report also carries an asymptotic penalty (metric 3), which comes from
     * loss-versus-compute fits rather than from the sweeps.
     *
     * @param penalty the penalty, or null to remove it
     * @return the new report
     */
    public StudyReport withPenalty(AsymptoticPenalty penalty) {
        return new StudyReport(
                axis,
                lawAxes,
                scales,
                sweepStep,
                lnSpread,
                spreadInSteps,
                spreadInterval,
                verdict,
                new TransferQualityReport(quality.fitQuality(), quality.extrapolation(), penalty),
                notes);
    }

    /**
     * Returns the report as an ordered map for {@link io.hyperp.scaling.io.Json}: {@code axis}, {@code law_axes},
     * {@code verdict}, {@code sweep_step_ln}, {@code spread_ln}, {@code spread_steps}, {@code spread_steps_low},
     * {@code spread_steps_high}, {@code scales} (see
     * {@link ScaleOptimum#toMap()}), {@code quality} (see {@link TransferQualityReport#toMap()}), {@code notes}.
     *
     * @return a new mutable map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("axis", axis.label());
        List<String> law = new ArrayList<>();
        for (Axis a : lawAxes) {
            law.add(a.label());
        }
        m.put("law_axes", law);
        m.put("verdict", verdict.name().toLowerCase(java.util.Locale.ROOT));
        m.put("sweep_step_ln", sweepStep);
        m.put("spread_ln", lnSpread);
        m.put("spread_steps", spreadInSteps);
        m.put("spread_steps_low", spreadInterval.low());
        m.put("spread_steps_high", spreadInterval.high());
        List<Object> s = new ArrayList<>();
        for (ScaleOptimum o : scales) {
            s.add(o.toMap());
        }
        m.put("scales", s);
        m.put("quality", quality.toMap());
        m.put("notes", notes);
        return m;
    }
}
