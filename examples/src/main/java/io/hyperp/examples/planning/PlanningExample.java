package io.hyperp.examples.planning;

import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.demo.data.ByteCorpus;
import io.hyperp.demo.gpt.NdThreads;
import io.hyperp.demo.gpt.TinyGptConfig;
import io.hyperp.demo.train.DemoPlan;
import io.hyperp.demo.train.TrainRun;
import io.hyperp.demo.train.TrainRunConfig;
import io.hyperp.demo.train.TrainRunResult;
import io.hyperp.scaling.fit.BootstrapOptions;
import io.hyperp.scaling.fit.Interval;
import io.hyperp.scaling.fit.OptimalLr;
import io.hyperp.scaling.fit.OptimalLrResult;
import io.hyperp.scaling.fit.PowerLaw;
import io.hyperp.scaling.fit.PowerLawFit;
import io.hyperp.scaling.sweep.Sweep;
import io.hyperp.scaling.sweep.SweepCsv;
import io.hyperp.scaling.sweep.SweepGroup;
import io.hyperp.scaling.sweep.SweepPoint;
import io.hyperp.scaling.transfer.Axis;
import io.hyperp.scaling.transfer.AxisFactor;
import io.hyperp.scaling.transfer.ExplainedTransfer;
import io.hyperp.scaling.transfer.LrPlanner;
import io.hyperp.scaling.transfer.PlannedLr;
import io.hyperp.scaling.transfer.PlanningRule;
import io.hyperp.scaling.transfer.Scale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Planning a learning rate from Java with hyperp-scaling: from a learning-rate sweep at small widths to the
 * learning rate of a wider, deeper model, with the numbers {@code hyperp optimum}, {@code fit-law},
 * {@code plan} and {@code transfer} print for the same data.
 *
 * <p>Without {@code --csv} it first measures the sweep: the demo's transformer (depth 2, batch 16 x 64
 * tokens, the demo's head initialization) at widths 32 and 64, trained with HyperP at five learning rates a
 * factor 2 apart ({@code 0.0075} to {@code 0.12}) for {@code --steps} steps each, each run's held-out loss
 * one point. With {@code --csv FILE} it reads a sweep you measured (columns {@code lr}, {@code loss},
 * {@code width}, and optionally {@code method}, of which the {@code hyperp} rows are kept, and
 * {@code depth}), such as the demo's {@code demo-out/runs.csv}.
 *
 * <p>Then: eta* of each width with its bootstrap interval ({@link OptimalLr}); a power law of eta* in width
 * ({@link PowerLaw}); the learning rate at width 512 by HyperP's rule and by the law, with intervals
 * ({@link LrPlanner}); and the transfer from the widest base to width 512 at depth 8, explained axis by axis
 * ({@link PlanningRule#transfer}). A sweep whose optimum the data cannot pin down is reported with the reason
 * and no plan is made (short runs often give such sweeps).
 *
 * <p>Usage: {@code PlanningExample [--steps N | --csv FILE]} (default {@code --steps 120}; at 60 steps the
 * width-32 sweep is not yet bracketed). Bad arguments print one line on stderr and exit with status 2.
 */
public final class PlanningExample {

    private static final List<Integer> WIDTHS = List.of(32, 64);
    private static final List<Double> LEARNING_RATES = List.of(0.0075, 0.015, 0.03, 0.06, 0.12);
    private static final double TARGET_WIDTH = 512;
    private static final double TARGET_DEPTH = 8;
    private static final double LEVEL = 0.95;

    private PlanningExample() {}

    /** Runs the example; see the class documentation for the arguments. */
    public static void main(String[] args) {
        int steps = 120;
        Path csv = null;
        try {
            if (args.length == 2 && args[0].equals("--steps")) {
                steps = Integer.parseInt(args[1]);
                if (steps < 1) {
                    throw new IllegalArgumentException();
                }
            } else if (args.length == 2 && args[0].equals("--csv")) {
                csv = Path.of(args[1]);
                if (!Files.isReadable(csv)) {
                    System.err.println("PlanningExample: cannot read " + csv);
                    System.exit(2);
                    return;
                }
            } else if (args.length != 0) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            System.err.println("usage: PlanningExample [--steps N >= 1 | --csv FILE]");
            System.exit(2);
            return;
        }
        try {
            plan(csv == null ? measure(steps) : SweepCsv.read(csv));
        } catch (IllegalArgumentException e) {
            System.err.println("PlanningExample: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Trains the sweep's runs and returns their held-out losses as sweep points. */
    static Sweep measure(int steps) {
        NdThreads.singleModel();
        ByteCorpus corpus = ByteCorpus.loadDefault();
        System.out.println(corpus);
        DemoPlan.Method hyperp = new DemoPlan.Method("hyperp", "HyperP", LEARNING_RATES, false);
        ParameterizationRule rule = hyperp.rule(2, 2, DemoPlan.DEFAULT_HEAD_STD);
        TrainRunConfig run = TrainRunConfig.defaults().withSteps(steps).withEvalEvery(steps);
        List<SweepPoint> points = new ArrayList<>();
        for (int width : WIDTHS) {
            TinyGptConfig model = TinyGptConfig.defaults().withWidth(width);
            for (double lr : LEARNING_RATES) {
                TrainRunResult r = TrainRun.run(model, rule, lr, run, corpus);
                System.out.printf(
                        Locale.ROOT,
                        "width %3d, lr %-6s: held-out loss %.4f%s%n",
                        width,
                        SweepPoint.format(lr),
                        r.finalValidationLoss(),
                        r.diverged() ? " (diverged)" : "");
                points.add(SweepPoint.of(
                        lr,
                        r.finalValidationLoss(),
                        Map.of("method", "hyperp", "width", Integer.toString(width), "depth", "2")));
            }
        }
        return Sweep.of(points);
    }

    /**
     * Fits, plans and transfers; prints every result.
     *
     * @return whether a plan was made (false when a sweep was refused)
     * @throws IllegalArgumentException if the sweep has no width label
     */
    static boolean plan(Sweep sweep) {
        if (!sweep.labelNames().contains("width")) {
            throw new IllegalArgumentException("the sweep needs a width column (columns: " + sweep.labelNames() + ")");
        }
        Sweep runs = sweep.labelNames().contains("method")
                ? sweep.filter(p -> p.label("method").trim().equals("hyperp"))
                : sweep;
        List<Scale> bases = new ArrayList<>();
        List<OptimalLrResult> optima = new ArrayList<>();
        boolean refused = false;
        System.out.println();
        for (SweepGroup g : runs.groupBy(List.of("width"))) {
            OptimalLrResult r = OptimalLr.fit(g.points());
            if (r.isOk()) {
                System.out.printf(
                        Locale.ROOT,
                        "width %s: eta* %.4g [%.4g, %.4g]%n",
                        g.key().get("width"),
                        r.etaStar(),
                        r.interval().low(),
                        r.interval().high());
            } else {
                System.out.printf(
                        Locale.ROOT, "width %s: refused: %s%n", g.key().get("width"), r.message());
                refused = true;
            }
            Scale s = Scale.fromLabels(g.key());
            String depth = g.points().get(0).labels().get("depth");
            bases.add(depth == null ? s : s.with(Axis.DEPTH, Double.parseDouble(depth.trim())));
            optima.add(r);
        }
        if (refused) {
            System.out.println("no plan: a sweep without an optimum cannot be transferred; train longer or"
                    + " widen the learning-rate grid");
            return false;
        }

        if (bases.size() >= 2) {
            double[] widths = bases.stream().mapToDouble(s -> s.get(Axis.WIDTH)).toArray();
            double[] etas =
                    optima.stream().mapToDouble(OptimalLrResult::etaStar).toArray();
            PowerLawFit law = PowerLaw.fit(widths, etas, BootstrapOptions.defaults());
            Interval ci = law.exponentIntervals().get("x");
            System.out.printf(
                    Locale.ROOT,
                    "law: eta* = %.4g width^%.4g, %s%n",
                    law.coefficient(),
                    law.exponent("x"),
                    ci.isKnown()
                            ? String.format(Locale.ROOT, "exponent in [%.4g, %.4g]", ci.low(), ci.high())
                            : "no interval (as many widths as the law has coefficients)");
        }

        List<Scale> widthOnly = new ArrayList<>();
        bases.forEach(s -> widthOnly.add(Scale.of(Axis.WIDTH, s.get(Axis.WIDTH))));
        Scale target = Scale.of(Axis.WIDTH, TARGET_WIDTH);
        List<PlannedLr> plans = new ArrayList<>();
        plans.add(LrPlanner.byRule(PlanningRule.hyperp(), widthOnly, optima, target, LEVEL));
        if (bases.size() >= 2) {
            plans.add(LrPlanner.byLaw(List.of(Axis.WIDTH), widthOnly, optima, target, LEVEL));
        }
        for (PlannedLr p : plans) {
            System.out.printf(
                    Locale.ROOT,
                    "width %s by %s: eta %.4g [%.4g, %.4g]%n",
                    SweepPoint.format(TARGET_WIDTH),
                    p.method(),
                    p.eta(),
                    p.interval().low(),
                    p.interval().high());
        }

        Scale base = bases.get(bases.size() - 1);
        Scale deeper = base.with(Axis.WIDTH, TARGET_WIDTH);
        if (base.has(Axis.DEPTH)) {
            deeper = deeper.with(Axis.DEPTH, TARGET_DEPTH);
        }
        double eta = optima.get(optima.size() - 1).etaStar();
        ExplainedTransfer t = PlanningRule.hyperp().transfer(eta, base, deeper);
        System.out.printf(
                Locale.ROOT,
                "%ntransfer of eta* %.4g from %s to %s under HyperP:%n",
                eta,
                describe(base),
                describe(deeper));
        for (AxisFactor f : t.factors()) {
            System.out.printf(Locale.ROOT, "  %-6s x %.4g  %s%n", f.axis().label(), f.factor(), f.why());
        }
        System.out.printf(Locale.ROOT, "eta %.4g%n", t.eta());
        return true;
    }

    /** "width 64, depth 2". */
    private static String describe(Scale s) {
        List<String> parts = new ArrayList<>();
        s.values().forEach((axis, v) -> parts.add(axis.label() + " " + SweepPoint.format(v)));
        return String.join(", ", parts);
    }
}
