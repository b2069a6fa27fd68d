package io.hyperp.scaling.transfer;

import io.hyperp.scaling.fit.BootstrapOptions;
import io.hyperp.scaling.fit.Interval;
import io.hyperp.scaling.fit.Leverage;
import io.hyperp.scaling.fit.LossVsCompute;
import io.hyperp.scaling.fit.OptimalLrResult;
import io.hyperp.scaling.fit.PowerLaw;
import io.hyperp.scaling.fit.PowerLawFit;
import io.hyperp.scaling.internal.Checks;
import io.hyperp.scaling.internal.Numbers;
import io.hyperp.scaling.sweep.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The transfer-quality report of SPEC section 7, after Kalra and Barkeshli's three metrics: (1) fit quality,
 * the leave-one-out error of a fitted law's eta* predictions in ln eta; (2) extrapolation robustness, the
 * excess loss of the predicted eta at a held-out larger scale read off that scale's fitted basin; (3)
 * asymptotic penalty, the difference in fitted irreducible loss (and the compute leverage) between two
 * parameterizations.
 *
 * <p>The laws here are power laws in the chosen axes, \( \eta^* = c \prod_a x_a^{e_a} \), fitted on log-log
 * ({@link PowerLaw}); with no axes the law is a constant (the claim that eta* does not move with scale).
 * Stateless and thread-safe.
 *
 * <p>References: Kalra and Barkeshli, Quantifying Hyperparameter Transfer (arXiv 2605.21486); Ren et al.,
 * arXiv 2603.28743; SPEC section 7.
 */
public final class TransferQuality {
    /** Level of the spread's interval. */
    public static final double SPREAD_LEVEL = 0.95;

    /** Draws behind the spread's interval. */
    public static final int SPREAD_DRAWS = 4000;

    /** Seed of the spread's draws (fixed, so that a report is reproducible). */
    public static final long SPREAD_SEED = 20261204L;

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private static final BootstrapOptions NO_BOOTSTRAP =
            BootstrapOptions.defaults().withResamples(0);

    private TransferQuality() {}

    /**
     * Metric 1: leave-one-out errors of a power law in {@code axes} fitted to measured optima.
     *
     * @param scales the scale of each measured optimum
     * @param etaStar the measured optima, positive
     * @param axes the law's predictors (may be empty)
     * @return the fit quality
     * @throws IllegalArgumentException for mismatched lengths, fewer than axes + 2 points, a missing axis, or
     *     axes that become collinear when a point is left out
     */
    public static FitQuality fitQuality(List<Scale> scales, double[] etaStar, List<Axis> axes) {
        Objects.requireNonNull(scales, "scales");
        Objects.requireNonNull(axes, "axes");
        Checks.sameLength(scales.size(), "scales", etaStar.length, "etaStar");
        Checks.allPositive(etaStar, "etaStar");
        int n = etaStar.length;
        int k = axes.size();
        if (n < k + 2) {
            throw Checks.iae("leave-one-out needs at least %d points for a law in %d axes, found %d", k + 2, k, n);
        }
        double[][] x = rows(scales, axes);
        List<String> names = labels(axes);
        List<Double> errors = new ArrayList<>(n);
        double sum = 0;
        double sumSq = 0;
        double maxAbs = 0;
        for (int i = 0; i < n; i++) {
            double[][] xr = new double[n - 1][];
            double[] yr = new double[n - 1];
            for (int j = 0, r = 0; j < n; j++) {
                if (j != i) {
                    xr[r] = x[j];
                    yr[r++] = etaStar[j];
                }
            }
            PowerLawFit fit = PowerLaw.fit(xr, yr, names, NO_BOOTSTRAP);
            double e = Math.log(fit.predict(x[i])) - Math.log(etaStar[i]);
            errors.add(e);
            sum += e;
            sumSq += e * e;
            maxAbs = Math.max(maxAbs, Math.abs(e));
        }
        return new FitQuality(axes, errors, Math.sqrt(sumSq / n), maxAbs, sum / n);
    }

    /**
     * Metric 2 for a given prediction: the excess loss of {@code etaPredicted} in the held-out basin.
     *
     * @param heldOut the held-out scale's optimal-LR fit, accepted
     * @param etaPredicted the predicted learning rate, positive
     * @return the robustness metric
     * @throws IllegalArgumentException if the held-out fit was refused
     */
    public static ExtrapolationRobustness extrapolation(OptimalLrResult heldOut, double etaPredicted) {
        Objects.requireNonNull(heldOut, "heldOut");
        Checks.positive(etaPredicted, "etaPredicted");
        if (!heldOut.isOk()) {
            throw Checks.iae("the held-out sweep was refused, so it has no basin to read: %s", heldOut.message());
        }
        double excess = Math.max(0, heldOut.basin().excessLoss(etaPredicted));
        boolean inside = etaPredicted >= heldOut.lrMin() && etaPredicted <= heldOut.lrMax();
        return new ExtrapolationRobustness(
                etaPredicted,
                heldOut.etaStar(),
                Math.log(etaPredicted / heldOut.etaStar()),
                excess,
                inside,
                heldOut.interval().contains(etaPredicted));
    }

    /**
     * Metric 2 for a law fitted on the smaller scales: fit the power law in {@code axes} to the measured optima,
     * predict at the held-out scale, and read the excess loss.
     *
     * @param scales scales of the fitting points
     * @param etaStar measured optima at those scales
     * @param axes the law's predictors (may be empty)
     * @param heldOutScale the held-out scale
     * @param heldOut the held-out scale's accepted optimal-LR fit
     * @return the robustness metric
     * @throws IllegalArgumentException for bad inputs or a refused held-out fit
     */
    public static ExtrapolationRobustness extrapolation(
            List<Scale> scales, double[] etaStar, List<Axis> axes, Scale heldOutScale, OptimalLrResult heldOut) {
        Checks.sameLength(scales.size(), "scales", etaStar.length, "etaStar");
        PowerLawFit fit = PowerLaw.fit(rows(scales, axes), etaStar, labels(axes), NO_BOOTSTRAP);
        double[] x = rows(List.of(heldOutScale), axes)[0];
        return extrapolation(heldOut, fit.predict(x));
    }

    /**
     * Metric 2 for a transfer rule: transfer the base learning rate to the held-out scale and read the excess
     * loss.
     *
     * @param rule the rule
     * @param baseLr learning rate tuned at {@code base}
     * @param base the base scale
     * @param heldOutScale the held-out scale
     * @param heldOut the held-out scale's accepted optimal-LR fit
     * @return the robustness metric
     * @throws IllegalArgumentException for bad inputs or a refused held-out fit
     */
    public static ExtrapolationRobustness extrapolation(
            TransferRule rule, double baseLr, Scale base, Scale heldOutScale, OptimalLrResult heldOut) {
        return extrapolation(heldOut, rule.transfer(baseLr, base, heldOutScale).eta());
    }

    /**
     * Metric 3: asymptotic penalty of {@code method} against {@code reference}.
     *
     * @param method name of the parameterization assessed
     * @param x its loss-versus-compute law
     * @param reference name of the reference parameterization
     * @param y the reference's law
     * @param atCompute compute at which to read the leverage, positive
     * @return the penalty
     */
    public static AsymptoticPenalty asymptoticPenalty(
            String method, LossVsCompute x, String reference, LossVsCompute y, double atCompute) {
        Leverage lev = Leverage.of(method, x, reference, y, atCompute);
        return new AsymptoticPenalty(method, reference, x.e() - y.e(), atCompute, lev.leverage());
    }

    /**
     * Bundles the metrics; any may be null when not measured.
     *
     * @param fitQuality metric 1, or null
     * @param extrapolation metric 2, or null
     * @param penalty metric 3, or null
     * @return the report
     */
    public static TransferQualityReport report(
            FitQuality fitQuality, ExtrapolationRobustness extrapolation, AsymptoticPenalty penalty) {
        return new TransferQualityReport(fitQuality, extrapolation, penalty);
    }

    /**
     * The report of a study with one learning-rate sweep per scale along {@code axis}, under the claim that the
     * optimum does not move with scale: {@link #acrossScales(Axis, List, List, List)} with a constant law.
     *
     * @param axis the axis along which the scales differ, e.g. {@link Axis#WIDTH}
     * @param scales each sweep's scale (each must hold {@code axis}, with distinct values)
     * @param optima each sweep's fit from {@link io.hyperp.scaling.fit.OptimalLr#fit}, accepted or refused
     * @return the report
     * @throws IllegalArgumentException for mismatched lengths, no scales, a scale without {@code axis} or two
     *     scales with the same value
     * @throws NullPointerException for a null argument or element
     */
    public static StudyReport acrossScales(Axis axis, List<Scale> scales, List<OptimalLrResult> optima) {
        return acrossScales(axis, scales, optima, List.of());
    }

    /**
     * The report of a study with one learning-rate sweep per scale along {@code axis}, one seed each:
     * {@link #acrossScales(Axis, List, List, List, List)} without seed replicates.
     *
     * <p>Stateless and thread-safe; the arguments are not modified.
     *
     * @param axis the axis along which the scales differ, e.g. {@link Axis#WIDTH}
     * @param scales each sweep's scale (each must hold {@code axis}, with distinct values, and every axis of
     *     {@code lawAxes})
     * @param optima each sweep's fit from {@link io.hyperp.scaling.fit.OptimalLr#fit}, accepted or refused
     * @param lawAxes predictors of the law for metrics 1 and 2 (empty: the optimum is claimed constant)
     * @return the report
     * @throws IllegalArgumentException for mismatched lengths, no scales, a scale without a needed axis or two
     *     scales with the same value on {@code axis}
     * @throws NullPointerException for a null argument or element
     */
    public static StudyReport acrossScales(
            Axis axis, List<Scale> scales, List<OptimalLrResult> optima, List<Axis> lawAxes) {
        return acrossScales(axis, scales, optima, lawAxes, List.of());
    }

    /**
     * The report of a study with one learning-rate sweep per scale along {@code axis}, each sweep possibly run
     * with several seeds.
     *
     * <p>Steps: (1) order the scales by {@code axis}; (2) read the sweep step s, the median over sweeps of each
     * sweep's median gap between neighbouring distinct ln(lr) (excluded runs count: they were swept); (3) over the
     * accepted optima, the spread \( \max \ln\eta^* - \min \ln\eta^* \), its size in steps, and its interval:
     * each accepted \( \ln\eta^*_i \) is taken as normal with standard deviation
     * \( \sigma_i = \max(w_i / (2 z), \mathrm{sd}_i / \sqrt{n_i}) \), \( w_i \) the width in ln of its
     * bootstrap interval at level \( \ell \), \( z = \Phi^{-1}((1+\ell)/2) \), \( \mathrm{sd}_i \) the
     * seed-to-seed standard deviation of ln eta* over its \( n_i \ge 2 \) seeds ({@code seeds}); the interval is
     * the central {@value #SPREAD_LEVEL} range of the spread over {@value #SPREAD_DRAWS} seeded draws; (4) the
     * verdict: {@link TransferVerdict#BEYOND_ONE_STEP} when the interval lies above one step,
     * {@link TransferVerdict#WITHIN_ONE_STEP} when it lies at or below one step and every sweep was accepted, else
     * {@link TransferVerdict#UNDETERMINED} with a note saying which sweep to widen or lengthen, or that the
     * spread's interval straddles one step; (5) metric 1, {@link #fitQuality} of the law
     * \( \eta^* = c \prod_a x_a^{e_a} \), \( a \in \) {@code lawAxes}, over the accepted optima; (6) metric 2,
     * {@link #extrapolation(List, double[], List, Scale, OptimalLrResult)} with the largest accepted scale held
     * out and the law fitted to the accepted scales below it. A refused or unresolved sweep, or a metric the data
     * cannot support, is recorded in {@link StudyReport#notes()} rather than thrown.
     *
     * <p>Stateless and thread-safe; the arguments are not modified.
     *
     * @param axis the axis along which the scales differ, e.g. {@link Axis#WIDTH}
     * @param scales each sweep's scale
     * @param optima each sweep's fit over all its seeds' runs, accepted or refused
     * @param lawAxes predictors of the law for metrics 1 and 2 (empty: the optimum is claimed constant)
     * @param seeds per scale, the fits of each seed alone (empty list: one seed everywhere)
     * @return the report
     * @throws IllegalArgumentException as {@link #acrossScales(Axis, List, List, List)}, or if {@code seeds} is
     *     neither empty nor one entry per scale
     * @throws NullPointerException for a null argument or element
     */
    public static StudyReport acrossScales(
            Axis axis, List<Scale> scales, List<OptimalLrResult> optima, List<Axis> lawAxes, List<SeedOptima> seeds) {
        Objects.requireNonNull(seeds, "seeds");
        if (!seeds.isEmpty()) {
            Checks.sameLength(scales.size(), "scales", seeds.size(), "seeds");
        }
        Objects.requireNonNull(axis, "axis");
        Objects.requireNonNull(scales, "scales");
        Objects.requireNonNull(optima, "optima");
        Objects.requireNonNull(lawAxes, "lawAxes");
        Checks.sameLength(scales.size(), "scales", optima.size(), "optima");
        if (scales.isEmpty()) {
            throw Checks.iae("a transfer study needs at least one scale, found none");
        }
        List<ScaleOptimum> ordered = new ArrayList<>();
        for (int i = 0; i < scales.size(); i++) {
            Scale s = Objects.requireNonNull(scales.get(i), "scales[" + i + "]");
            OptimalLrResult r = Objects.requireNonNull(optima.get(i), "optima[" + i + "]");
            if (!s.has(axis)) {
                throw Checks.iae(
                        "scales[%d] has no %s (has: %s)",
                        i, axis.label(), s.values().keySet());
            }
            for (Axis a : lawAxes) {
                if (!s.has(Objects.requireNonNull(a, "lawAxes element"))) {
                    throw Checks.iae(
                            "scales[%d] has no %s, a predictor of the law (has: %s)",
                            i, a.label(), s.values().keySet());
                }
            }
            SeedOptima so =
                    seeds.isEmpty() ? SeedOptima.NONE : Objects.requireNonNull(seeds.get(i), "seeds[" + i + "]");
            ordered.add(new ScaleOptimum(s, s.get(axis), r, Double.NaN, so));
        }
        ordered.sort(java.util.Comparator.comparingDouble(ScaleOptimum::value));
        for (int i = 1; i < ordered.size(); i++) {
            if (ordered.get(i).value() == ordered.get(i - 1).value()) {
                throw Checks.iae(
                        "two sweeps at %s %s; give one fit per scale",
                        axis.label(), SweepPoint.format(ordered.get(i).value()));
            }
        }
        double step = sweepStep(ordered);
        List<ScaleOptimum> accepted = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (ScaleOptimum o : ordered) {
            if (o.optimum().isOk()) {
                accepted.add(o);
            } else {
                notes.add(Checks.fmt(
                        "%s %s: sweep refused (%s): %s",
                        axis.label(),
                        SweepPoint.format(o.value()),
                        o.optimum().status().name().toLowerCase(java.util.Locale.ROOT),
                        o.optimum().message()));
            }
        }
        double lnSpread = Double.NaN;
        List<ScaleOptimum> withSteps = new ArrayList<>();
        if (!accepted.isEmpty()) {
            double ln0 = Math.log(accepted.get(0).optimum().etaStar());
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (ScaleOptimum o : accepted) {
                double ln = Math.log(o.optimum().etaStar());
                lo = Math.min(lo, ln);
                hi = Math.max(hi, ln);
            }
            if (accepted.size() >= 2) {
                lnSpread = hi - lo;
            }
            for (ScaleOptimum o : ordered) {
                double shift = o.optimum().isOk() ? (Math.log(o.optimum().etaStar()) - ln0) / step : Double.NaN;
                withSteps.add(new ScaleOptimum(o.scale(), o.value(), o.optimum(), shift, o.seeds()));
            }
        } else {
            withSteps.addAll(ordered);
        }
        double spreadInSteps = lnSpread / step;
        List<String> noInterval = new ArrayList<>();
        Interval spreadInterval = accepted.size() >= 2 && !Double.isNaN(step)
                ? spreadInterval(axis, accepted, step, noInterval)
                : Interval.UNKNOWN;
        List<String> unaccepted = new ArrayList<>();
        for (ScaleOptimum o : ordered) {
            if (!o.optimum().isOk()) {
                unaccepted.add(Checks.fmt(
                        "%s %s (%s)",
                        axis.label(),
                        SweepPoint.format(o.value()),
                        o.optimum().status().name().toLowerCase(java.util.Locale.ROOT)));
            }
        }
        TransferVerdict verdict;
        if (accepted.size() < 2) {
            verdict = TransferVerdict.UNDETERMINED;
            notes.add(Checks.fmt(
                    "verdict undetermined: %d accepted optim%s, at least 2 are needed%s",
                    accepted.size(),
                    accepted.size() == 1 ? "um" : "a",
                    unaccepted.isEmpty()
                            ? ""
                            : "; widen or lengthen the sweeps of " + String.join(", ", unaccepted)
                                    + " as their notes say"));
        } else if (Double.isNaN(step)) {
            verdict = TransferVerdict.UNDETERMINED;
            notes.add("verdict undetermined: no sweep has two distinct learning rates, so no sweep step is known");
        } else if (spreadInterval.isKnown() && spreadInterval.low() > 1) {
            verdict = TransferVerdict.BEYOND_ONE_STEP;
        } else if (!unaccepted.isEmpty()) {
            verdict = TransferVerdict.UNDETERMINED;
            notes.add(Checks.fmt(
                    "verdict undetermined: %d of %d sweeps gave no accepted optimum (%s); widen or lengthen those "
                            + "sweeps as their notes say",
                    unaccepted.size(), ordered.size(), String.join(", ", unaccepted)));
        } else if (!spreadInterval.isKnown()) {
            verdict = TransferVerdict.UNDETERMINED;
            notes.add(Checks.fmt(
                    "verdict undetermined: the optimum of %s has no interval (no residual degrees of freedom, or "
                            + "no bootstrap), so the spread's uncertainty is unknown; add learning rates or seeds",
                    String.join(", ", noInterval)));
        } else if (spreadInterval.high() <= 1) {
            verdict = TransferVerdict.WITHIN_ONE_STEP;
        } else {
            verdict = TransferVerdict.UNDETERMINED;
            notes.add(Checks.fmt(
                    "verdict undetermined: the eta* spread is %s sweep steps, but its %s%% interval [%s, %s] "
                            + "straddles one step; lengthen the runs or add seeds to narrow the optima's intervals",
                    Numbers.g(Math.round(spreadInSteps * 1000) / 1000.0),
                    Numbers.g(100 * SPREAD_LEVEL),
                    Numbers.g(Math.round(spreadInterval.low() * 1000) / 1000.0),
                    Numbers.g(Math.round(spreadInterval.high() * 1000) / 1000.0)));
        }
        FitQuality fq = null;
        int k = lawAxes.size();
        if (accepted.size() >= k + 2) {
            try {
                fq = fitQuality(scalesOf(accepted), etaStarsOf(accepted), lawAxes);
            } catch (IllegalArgumentException e) {
                notes.add("fit quality not measured: " + e.getMessage());
            }
        } else {
            notes.add(Checks.fmt(
                    "fit quality not measured: leave-one-out of a law in %d ax%s needs %d accepted optima, "
                            + "found %d",
                    k, k == 1 ? "is" : "es", k + 2, accepted.size()));
        }
        ExtrapolationRobustness ex = null;
        if (accepted.size() >= k + 2) {
            ScaleOptimum held = accepted.get(accepted.size() - 1);
            List<ScaleOptimum> below = accepted.subList(0, accepted.size() - 1);
            try {
                ex = extrapolation(scalesOf(below), etaStarsOf(below), lawAxes, held.scale(), held.optimum());
                ScaleOptimum largest = ordered.get(ordered.size() - 1);
                if (!largest.equals(held)) {
                    notes.add(Checks.fmt(
                            "extrapolation held out %s %s, the largest accepted scale (the largest, %s, was "
                                    + "refused)",
                            axis.label(), SweepPoint.format(held.value()), SweepPoint.format(largest.value())));
                }
            } catch (IllegalArgumentException e) {
                notes.add("extrapolation robustness not measured: " + e.getMessage());
            }
        } else {
            notes.add(Checks.fmt(
                    "extrapolation robustness not measured: holding out the largest scale leaves %d "
                            + "accepted optim%s to fit a law in %d ax%s, which needs %d",
                    Math.max(0, accepted.size() - 1),
                    accepted.size() - 1 == 1 ? "um" : "a",
                    k,
                    k == 1 ? "is" : "es",
                    k + 1));
        }
        return new StudyReport(
                axis,
                lawAxes,
                withSteps,
                step,
                lnSpread,
                spreadInSteps,
                spreadInterval,
                verdict,
                new TransferQualityReport(fq, ex, null),
                notes);
    }

    /**
     * The interval of the spread in steps (step 3 of {@link #acrossScales(Axis, List, List, List, List)}), or
     * unknown, naming in {@code noInterval} each accepted scale without an interval.
     */
    private static Interval spreadInterval(
            Axis axis, List<ScaleOptimum> accepted, double step, List<String> noInterval) {
        int k = accepted.size();
        double[] mean = new double[k];
        double[] sd = new double[k];
        for (int i = 0; i < k; i++) {
            ScaleOptimum o = accepted.get(i);
            Interval iv = o.optimum().interval();
            mean[i] = Math.log(o.optimum().etaStar());
            if (!iv.isKnown()) {
                noInterval.add(axis.label() + " " + SweepPoint.format(o.value()));
                continue;
            }
            double z = NORMAL.inverseCumulativeProbability(
                    (1 + o.optimum().bootstrap().level()) / 2);
            sd[i] = Math.log(iv.high() / iv.low()) / (2 * z);
            SeedOptima seeds = o.seeds();
            double seedSd = seeds.sdLn();
            if (seeds.accepted() >= 2 && Double.isFinite(seedSd)) {
                sd[i] = Math.max(sd[i], seedSd / Math.sqrt(seeds.accepted()));
            }
        }
        if (!noInterval.isEmpty()) {
            return Interval.UNKNOWN;
        }
        java.util.Random rng = new java.util.Random(SPREAD_SEED);
        double[] spreads = new double[SPREAD_DRAWS];
        for (int b = 0; b < SPREAD_DRAWS; b++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < k; i++) {
                double v = mean[i] + sd[i] * rng.nextGaussian();
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            spreads[b] = (hi - lo) / step;
        }
        java.util.Arrays.sort(spreads);
        double tail = (1 - SPREAD_LEVEL) / 2;
        return new Interval(
                spreads[(int) Math.floor(tail * (SPREAD_DRAWS - 1))],
                spreads[(int) Math.ceil((1 - tail) * (SPREAD_DRAWS - 1))]);
    }

    /** Median over sweeps of each sweep's median gap between neighbouring distinct ln(lr); NaN if none. */
    private static double sweepStep(List<ScaleOptimum> ordered) {
        List<Double> perSweep = new ArrayList<>();
        for (ScaleOptimum o : ordered) {
            List<Double> lns = new ArrayList<>();
            o.optimum().used().forEach(p -> lns.add(Math.log(p.learningRate())));
            o.optimum().excluded().forEach(e -> lns.add(Math.log(e.point().learningRate())));
            double[] d = Numbers.sortedDistinct(
                    lns.stream().mapToDouble(Double::doubleValue).toArray());
            if (d.length >= 2) {
                double[] gaps = new double[d.length - 1];
                for (int i = 0; i < gaps.length; i++) {
                    gaps[i] = d[i + 1] - d[i];
                }
                perSweep.add(median(gaps));
            }
        }
        return perSweep.isEmpty()
                ? Double.NaN
                : median(perSweep.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }

    private static List<Scale> scalesOf(List<ScaleOptimum> list) {
        List<Scale> out = new ArrayList<>();
        for (ScaleOptimum o : list) {
            out.add(o.scale());
        }
        return out;
    }

    private static double[] etaStarsOf(List<ScaleOptimum> list) {
        return list.stream().mapToDouble(o -> o.optimum().etaStar()).toArray();
    }

    private static double[][] rows(List<Scale> scales, List<Axis> axes) {
        double[][] x = new double[scales.size()][axes.size()];
        for (int i = 0; i < scales.size(); i++) {
            for (int j = 0; j < axes.size(); j++) {
                x[i][j] = scales.get(i).get(axes.get(j));
            }
        }
        return x;
    }

    private static List<String> labels(List<Axis> axes) {
        List<String> names = new ArrayList<>();
        for (Axis a : axes) {
            names.add(a.label());
        }
        return names;
    }
}
