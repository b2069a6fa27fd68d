package io.hyperp.cli.demo;

import io.hyperp.cli.SweepProgressBar;
import io.hyperp.demo.data.ByteCorpus;
import io.hyperp.demo.gpt.NdThreads;
import io.hyperp.demo.train.DemoPlan;
import io.hyperp.demo.train.DemoTrainer;
import io.hyperp.sweep.CellResult;
import io.hyperp.sweep.CellStatus;
import io.hyperp.sweep.LocalEngine;
import io.hyperp.sweep.ResultStore;
import io.hyperp.sweep.SweepCell;
import io.hyperp.sweep.SweepOutcome;
import io.hyperp.sweep.SweepPlan;
import io.hyperp.sweep.SweepRunner;
import io.hyperp.sweep.Trainer;
import io.hyperp.sweep.Trainers;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hyperp demo}: the learning-rate transfer study. For three model scales (widths 64, 96, 128 at
 * depth 2, or depths 1, 2, 4 at width 64 with {@code --axis depth}) it sweeps five learning rates a
 * factor 2 apart for HyperP and for the plain Muon baseline at equal token budgets, on held-out bytes
 * of a real corpus; fits the optimal learning rate of each sweep (quadratic in ln eta, bootstrap
 * interval) with hyperp-scaling; and reports whether the optimum stays within one sweep step as the
 * model grows. Writes {@code runs.csv}, {@code curves.csv}, {@code summary.json}, PNG plots and
 * {@code report.html} into {@code --out} (see {@link DemoReport}).
 *
 * <p>The runs go through the sweep runner (hyperp-sweep) with the {@link DemoTrainer} on a local pool:
 * independent runs train in parallel, one per thread with single-threaded ND4J ops (small models are
 * faster that way); each run is deterministic for its seed; each finished run is kept in
 * {@code --out}/cells, so running the same command again resumes instead of starting over.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Learning-rate transfer study on a real corpus: HyperP vs the plain Muon baseline.")
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--axis", paramLabel = "AXIS", description = "width (default) or depth", defaultValue = "width")
    String axis;

    @Option(names = "--moe", description = "compare SqrtGate with plain gates across top-k 1, 2, 4 (MoE, HyperP)")
    boolean moe;

    @Option(
            names = "--full",
            description = "a longer study: widths 64, 128, 256 (depths 1 to 8), seven learning rates, 3x the steps")
    boolean full;

    @Option(names = "--steps", paramLabel = "N", description = "training steps per run (default 180; --full 540)")
    Integer steps;

    @Option(names = "--seed", paramLabel = "S", description = "seed of models and data (default 1)", defaultValue = "1")
    long seed;

    @Option(
            names = "--seeds",
            paramLabel = "N",
            description = "repeat every run with seeds S .. S+N-1; the report shows each width's eta* per seed "
                    + "and the verdict uses their spread (default 1)",
            defaultValue = "1")
    int seeds;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "output directory (default hyperp-demo)",
            defaultValue = "demo-out")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "runs trained in parallel (default: the cores)")
    Integer threads;

    @Option(
            names = "--head-std",
            paramLabel = "STD",
            description = "std of the output head's initialization "
                    + "(default 0.08; the paper's 0.02 caps the logits of models this narrow)")
    Double headStd;

    @Option(names = "--tiny", hidden = true, description = "a seconds-long study, for tests")
    boolean tiny;

    /** Creates the command (picocli instantiates it). */
    public DemoCommand() {}

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Map<String, String> settings = settings();
        DemoPlan plan = DemoTrainer.plan(settings).withSeeds(seeds);
        SweepPlan sweep = DemoTrainer.sweepPlan(settings, seeds);
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (nThreads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1, found " + nThreads);
        }
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new ParameterException(spec.commandLine(), "--out " + out + " is not a writable directory: " + e);
        }
        Trainer trainer = Trainers.loadAndSetUp(DemoTrainer.NAME, nThreads);
        ByteCorpus corpus = DemoTrainer.corpus(settings);
        o.printf(
                Locale.ROOT,
                "hyperp demo: %s%n  corpus %s; %d parallel runs (ND4J %s)%n",
                plan.describe(),
                corpus,
                nThreads,
                NdThreads.describe());
        o.flush();
        long t0 = System.nanoTime();
        List<DemoReport.Run> runs = train(plan, sweep, trainer, nThreads, o);
        double wall = (System.nanoTime() - t0) / 1e9;
        new DemoReport(plan, runs, seed, wall).write(out, o);
        return 0;
    }

    /** The settings of the demo trainer for the chosen study (validating the options). */
    private Map<String, String> settings() {
        int n = steps != null ? steps : tiny ? 6 : full ? 540 : 180;
        if (n < 2) {
            throw new ParameterException(spec.commandLine(), "--steps must be >= 2, found " + n);
        }
        if (seeds < 1) {
            throw new ParameterException(spec.commandLine(), "--seeds must be >= 1, found " + seeds);
        }
        double std = headStd == null ? DemoPlan.DEFAULT_HEAD_STD : headStd;
        if (!(std > 0 && Double.isFinite(std))) {
            throw new ParameterException(spec.commandLine(), "--head-std must be positive and finite, found " + std);
        }
        if (moe && !axis.equals("width")) {
            throw new ParameterException(spec.commandLine(), "--moe sweeps top-k; it cannot be combined with --axis");
        }
        String study;
        if (tiny) {
            study = moe ? "tiny_moe" : "tiny";
        } else if (moe) {
            study = "moe";
        } else {
            study = switch (axis) {
                case "width", "depth" -> axis;
                default ->
                    throw new ParameterException(spec.commandLine(), "--axis must be width or depth, found " + axis);
            };
        }
        return DemoTrainer.settings(study, full, n, seed, std);
    }

    /** A run's label in progress lines. */
    static String label(DemoPlan plan, DemoPlan.Cell c) {
        return String.format(
                Locale.ROOT,
                "%s %s %d lr %.4g%s",
                c.method().name(),
                plan.axis().label(),
                c.scale(),
                c.learningRate(),
                plan.seeds() > 1 ? " seed " + c.model().seed() : "");
    }

    /**
     * Trains every cell of the plan through the sweep runner on a local pool of {@code nThreads}, with an
     * overall progress bar whose ETA weighs each step by its model's estimated cost (a step at width 128
     * costs about four at width 32). Cells already in {@code out/cells} (an interrupted earlier run of the
     * same study) are not trained again.
     */
    private List<DemoReport.Run> train(DemoPlan plan, SweepPlan sweep, Trainer trainer, int nThreads, PrintWriter o)
            throws InterruptedException {
        List<SweepCell> cells = sweep.cells();
        ResultStore store = ResultStore.open(out);
        List<SweepCell> todo =
                cells.stream().filter(c -> !store.contains(c.id())).toList();
        if (todo.size() < cells.size()) {
            o.printf(
                    Locale.ROOT,
                    "  resuming: %d of %d runs already finished in %s%n",
                    cells.size() - todo.size(),
                    cells.size(),
                    store.dir().resolve("cells"));
            o.flush();
        }
        SweepOutcome outcome;
        try (SweepProgressBar progress =
                SweepProgressBar.of(o, todo, trainer::cost, c -> label(plan, DemoTrainer.cell(plan, c)))) {
            outcome = SweepRunner.of(LocalEngine.create(nThreads)).run(sweep, out, progress);
        }
        List<DemoReport.Run> runs = new ArrayList<>();
        for (Map.Entry<SweepCell, CellResult> e : outcome.results().entrySet()) {
            if (e.getValue().status() == CellStatus.FAILED) {
                throw new IllegalStateException("a training run failed: "
                        + e.getKey().key() + ": " + e.getValue().reason());
            }
            DemoPlan.Cell c = DemoTrainer.cell(plan, e.getKey());
            runs.add(new DemoReport.Run(c, DemoTrainer.toTrainRunResult(c, e.getValue())));
        }
        return runs;
    }
}
