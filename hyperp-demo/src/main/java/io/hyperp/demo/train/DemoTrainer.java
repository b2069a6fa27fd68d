package io.hyperp.demo.train;

import io.hyperp.demo.data.ByteCorpus;
import io.hyperp.demo.gpt.NdThreads;
import io.hyperp.demo.gpt.TinyGpt;
import io.hyperp.scaling.transfer.Axis;
import io.hyperp.sweep.CellResult;
import io.hyperp.sweep.CellStatus;
import io.hyperp.sweep.CurvePoint;
import io.hyperp.sweep.SweepCell;
import io.hyperp.sweep.SweepPlan;
import io.hyperp.sweep.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's model as a sweep {@link Trainer} (name {@value #NAME}): one cell is one {@link TrainRun} of
 * a {@link DemoPlan} cell.
 *
 * <p>Settings (all optional): {@code study} ({@code width} (default), {@code depth}, {@code moe},
 * {@code tiny}, {@code tiny_moe}: which of {@link DemoPlan}'s studies), {@code full} ({@code true} for
 * the longer study), {@code steps} (default 180, 540 with {@code full}, 6 for the tiny studies),
 * {@code seed} (the base seed, default 1: held-out batches are drawn from it), {@code head_std}
 * (default {@link DemoPlan#DEFAULT_HEAD_STD}). Axes: {@code method} (a method of the study:
 * {@code hyperp}, {@code muon}, or {@code sqrtgate}, {@code plain} for MoE), {@code lr} (the swept
 * learning rate, any positive value), the study's scale axis ({@code width}, {@code depth} or
 * {@code top_k}, any scale), and optionally {@code seed} (the model and data seed, default the base
 * seed).
 *
 * <p>The result's curve holds every evaluation with the indicators {@code attention_z},
 * {@code output_rms}, {@code outlier_pct}, {@code router_z}; its metrics the parameter count
 * ({@code params}), the peak learning rate ({@code peak_lr}) and the model's {@code width},
 * {@code depth}, {@code top_k} (those that are not an axis). Deterministic for a given ND4J thread
 * setting: {@link #setUp} runs ND4J on one thread per cell when cells train in parallel (as the demo
 * always has), else BLAS on every core. Thread-safe.
 */
public final class DemoTrainer implements Trainer {

    /** The trainer's name in plans. */
    public static final String NAME = "demo";

    private static final Map<String, ByteCorpus> CORPORA = new ConcurrentHashMap<>();
    private static final Map<Map<String, String>, DemoPlan> PLANS = new ConcurrentHashMap<>();

    /** Creates the trainer (ServiceLoader instantiates it). */
    public DemoTrainer() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> axes() {
        return Set.of("method", "lr", "seed", "width", "depth", "top_k");
    }

    @Override
    public Set<String> settings() {
        return Set.of("study", "full", "steps", "seed", "head_std");
    }

    @Override
    public void validate(SweepPlan plan) {
        Trainer.super.validate(plan);
        DemoPlan demo = plan(plan.settings());
        String scale = demo.axis().label();
        for (String required : List.of("method", "lr", scale)) {
            if (!plan.axes().contains(required)) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "plan: the demo's %s study needs the axes method, lr and %s; '%s' is missing",
                        demo.axis().label(),
                        scale,
                        required));
            }
        }
        for (String a : plan.axes()) {
            if (List.of("width", "depth", "top_k").contains(a) && !a.equals(scale)) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "plan: unknown axis '%s' for the demo's %s study (its scale axis is %s)",
                        a,
                        scale,
                        scale));
            }
        }
        for (SweepCell c : plan.cells()) {
            cell(demo, c);
        }
    }

    @Override
    public void setUp(int concurrentCells) {
        if (concurrentCells > 1) {
            NdThreads.parallelModels();
        } else {
            NdThreads.singleModel();
        }
    }

    @Override
    public double cost(SweepCell cell) {
        return cell(plan(cell.settings()), cell).parameterCount() + 150_000.0;
    }

    @Override
    public CellResult train(SweepCell cell, StepListener listener) {
        DemoPlan plan = plan(cell.settings());
        DemoPlan.Cell c = cell(plan, cell);
        TrainRunResult r = TrainRun.run(
                c.model(),
                c.moe(),
                c.rule(),
                c.peakLearningRate(),
                plan.run(c),
                corpus(cell.settings()),
                new TrainRun.Listener() {
                    @Override
                    public void onEval(TrainRunResult.Eval e) {}

                    @Override
                    public void onStep(int done, int total) {
                        listener.onStep(done, total);
                    }
                });
        return toCellResult(plan, c, r);
    }

    /**
     * The demo study a plan's settings describe.
     *
     * @throws IllegalArgumentException naming a bad setting
     */
    public static DemoPlan plan(Map<String, String> settings) {
        return PLANS.computeIfAbsent(Map.copyOf(settings), DemoTrainer::build);
    }

    private static DemoPlan build(Map<String, String> s) {
        String study = s.getOrDefault("study", "width");
        boolean full = Boolean.parseBoolean(s.getOrDefault("full", "false"));
        boolean tiny = study.startsWith("tiny");
        int steps = integer(s, "steps", tiny ? 6 : full ? 540 : 180);
        if (steps < 2) {
            throw new IllegalArgumentException("setting steps must be >= 2, found " + steps);
        }
        long seed = integer(s, "seed", 1);
        double headStd;
        try {
            headStd = Double.parseDouble(s.getOrDefault("head_std", Double.toString(DemoPlan.DEFAULT_HEAD_STD)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting head_std: expected a number, found " + s.get("head_std"), e);
        }
        DemoPlan p = switch (study) {
            case "width" -> DemoPlan.width(full, steps, seed);
            case "depth" -> DemoPlan.depth(full, steps, seed);
            case "moe" -> DemoPlan.moe(full, steps, seed);
            case "tiny" -> DemoPlan.tiny(steps, seed);
            case "tiny_moe" -> DemoPlan.tinyMoe(steps, seed);
            default ->
                throw new IllegalArgumentException(
                        "setting study must be width, depth, moe, tiny or tiny_moe, found " + study);
        };
        return p.withHeadStd(headStd);
    }

    private static int integer(Map<String, String> s, String name, int fallback) {
        String v = s.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + name + ": expected an integer, found " + v, e);
        }
    }

    /**
     * The settings that describe a demo study (the inverse of {@link #plan(Map)}).
     *
     * @param study one of {@code width}, {@code depth}, {@code moe}, {@code tiny}, {@code tiny_moe}
     */
    public static Map<String, String> settings(String study, boolean full, int steps, long seed, double headStd) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("study", study);
        m.put("full", Boolean.toString(full));
        m.put("steps", Integer.toString(steps));
        m.put("seed", Long.toString(seed));
        m.put("head_std", Double.toString(headStd));
        return m;
    }

    /**
     * A sweep plan with every run of a demo study: one grid per method (its learning rates), the
     * study's scales and the seeds {@code seed .. seed + seeds - 1}.
     */
    public static SweepPlan sweepPlan(Map<String, String> settings, int seeds) {
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds (" + seeds + ") must be at least 1");
        }
        DemoPlan demo = plan(settings).withSeeds(seeds);
        List<Map<String, List<String>>> grids = new ArrayList<>();
        for (DemoPlan.Method m : demo.methods()) {
            Map<String, List<String>> g = new LinkedHashMap<>();
            g.put("method", List.of(m.name()));
            g.put(
                    demo.axis().label(),
                    demo.scales().stream().map(String::valueOf).toList());
            g.put("lr", m.learningRates().stream().map(String::valueOf).toList());
            g.put("seed", demo.seedList().stream().map(String::valueOf).toList());
            grids.add(g);
        }
        return new SweepPlan(NAME, settings, grids);
    }

    /**
     * The demo run of a sweep cell.
     *
     * @throws IllegalArgumentException if the method is not one of the study's, or a scale or learning
     *                                  rate is not positive
     */
    public static DemoPlan.Cell cell(DemoPlan plan, SweepCell cell) {
        String name = cell.value("method");
        DemoPlan.Method m = plan.methods().stream()
                .filter(x -> x.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "axis 'method': '%s' is not a method of the demo's %s study (methods: %s)",
                        name,
                        plan.axis().label(),
                        plan.methods().stream().map(DemoPlan.Method::name).toList())));
        int scale = cell.intValue(plan.axis().label());
        if (scale < 1) {
            throw new IllegalArgumentException(
                    "axis '" + plan.axis().label() + "': scale must be >= 1, found " + scale);
        }
        double lr = cell.doubleValue("lr");
        if (!(lr > 0 && Double.isFinite(lr))) {
            throw new IllegalArgumentException("axis 'lr': learning rate must be positive and finite, found " + lr);
        }
        long seed = cell.values().containsKey("seed")
                ? cell.longValue("seed")
                : plan.base().seed();
        var model = plan.model(scale).withSeed(seed);
        int baseDepth = plan.baseDepth();
        double depthFactor = plan.axis() == Axis.DEPTH ? Math.sqrt((double) baseDepth / model.depth()) : 1.0;
        return new DemoPlan.Cell(
                m, scale, model, plan.moe(m, scale), m.rule(baseDepth, model.depth(), plan.headStd()), lr, depthFactor);
    }

    /** The corpus the runs of a study train on (loaded once per process). */
    public static ByteCorpus corpus(Map<String, String> settings) {
        boolean tiny = settings.getOrDefault("study", "width").startsWith("tiny");
        return CORPORA.computeIfAbsent(
                tiny ? "tiny" : "default",
                k -> tiny ? ByteCorpus.load(ByteCorpus.DEFAULT_RESOURCE, 200_000, 0.1) : ByteCorpus.loadDefault());
    }

    /** A training run's result as a cell result (indicators by name, the model's shape as metrics). */
    public static CellResult toCellResult(DemoPlan plan, DemoPlan.Cell c, TrainRunResult r) {
        List<CurvePoint> curve = new ArrayList<>();
        for (TrainRunResult.Eval e : r.evals()) {
            TinyGpt.Indicators i = e.indicators();
            Map<String, Double> ind = new LinkedHashMap<>();
            ind.put("attention_z", i.attentionZ());
            ind.put("output_rms", i.outputRms());
            ind.put("outlier_pct", i.outlierPercent());
            ind.put("router_z", i.routerZ());
            curve.add(new CurvePoint(e.step(), e.trainLoss(), e.validationLoss(), ind));
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("params", (double) c.parameterCount());
        metrics.put("peak_lr", r.learningRate());
        metrics.put("width", (double) r.width());
        metrics.put("depth", (double) r.depth());
        metrics.put("top_k", (double) (c.moe() == null ? 0 : c.moe().router().topK()));
        metrics.remove(plan.axis().label());
        double lastTrain = r.evals().isEmpty()
                ? Double.NaN
                : r.evals().get(r.evals().size() - 1).trainLoss();
        if (r.diverged()) {
            return CellResult.diverged(r.divergedAtStep(), lastTrain, r.trainLosses(), curve, metrics, r.seconds());
        }
        return CellResult.finished(r.finalValidationLoss(), lastTrain, r.trainLosses(), curve, metrics, r.seconds());
    }

    /**
     * A cell result back as the training run's result (for the demo's report).
     *
     * @throws IllegalArgumentException if the cell failed (a failed cell has no run)
     */
    public static TrainRunResult toTrainRunResult(DemoPlan.Cell c, CellResult r) {
        if (r.status() == CellStatus.FAILED) {
            throw new IllegalArgumentException("cell failed: " + r.reason());
        }
        List<TrainRunResult.Eval> evals = new ArrayList<>();
        for (CurvePoint p : r.curve()) {
            Map<String, Double> i = p.indicators();
            evals.add(new TrainRunResult.Eval(
                    p.step(),
                    p.trainLoss(),
                    p.validationLoss(),
                    new TinyGpt.Indicators(
                            i.get("attention_z"), i.get("output_rms"), i.get("outlier_pct"), i.get("router_z"))));
        }
        boolean diverged = r.status() == CellStatus.DIVERGED;
        return new TrainRunResult(
                c.rule().name(),
                c.peakLearningRate(),
                c.model().width(),
                c.model().depth(),
                r.trainLosses(),
                evals,
                diverged,
                diverged ? r.divergedAtStep() : -1,
                r.finalValidationLoss(),
                r.seconds());
    }
}
