package io.hyperp.cli.demo;

import io.hyperp.demo.data.ByteCorpus;
import io.hyperp.demo.gpt.NdThreads;
import io.hyperp.demo.train.DemoPlan;
import io.hyperp.demo.train.TrainRun;
import io.hyperp.demo.train.TrainRunResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
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
 * <p>Independent runs train in parallel, one per thread with single-threaded ND4J ops (small models
 * are faster that way); each run is deterministic for its seed.
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
        DemoPlan plan = plan();
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (nThreads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1, found " + nThreads);
        }
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new ParameterException(spec.commandLine(), "--out " + out + " is not a writable directory: " + e);
        }
        if (nThreads > 1) {
            NdThreads.parallelModels();
        } else {
            NdThreads.singleModel();
        }
        ByteCorpus corpus =
                tiny ? ByteCorpus.load(ByteCorpus.DEFAULT_RESOURCE, 200_000, 0.1) : ByteCorpus.loadDefault();
        o.printf(
                Locale.ROOT,
                "hyperp demo: %s%n  corpus %s; %d parallel runs (ND4J %s)%n",
                plan.describe(),
                corpus,
                nThreads,
                NdThreads.describe());
        o.flush();
        long t0 = System.nanoTime();
        List<DemoReport.Run> runs = train(plan, corpus, nThreads, o);
        double wall = (System.nanoTime() - t0) / 1e9;
        new DemoReport(plan, runs, seed, wall).write(out, o);
        return 0;
    }

    private DemoPlan plan() {
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
        if (tiny) {
            return (moe ? DemoPlan.tinyMoe(n, seed) : DemoPlan.tiny(n, seed))
                    .withHeadStd(std)
                    .withSeeds(seeds);
        }
        if (moe) {
            return DemoPlan.moe(full, n, seed).withHeadStd(std).withSeeds(seeds);
        }
        DemoPlan plan = switch (axis) {
            case "width" -> DemoPlan.width(full, n, seed);
            case "depth" -> DemoPlan.depth(full, n, seed);
            default -> throw new ParameterException(spec.commandLine(), "--axis must be width or depth, found " + axis);
        };
        return plan.withHeadStd(std).withSeeds(seeds);
    }

    /** Per-step cost of a model relative to its parameter count: a fixed overhead of small ops plus the matrices. */
    private static double cost(DemoPlan.Cell c) {
        return c.parameterCount() + 150_000.0;
    }

    /**
     * Trains every cell of the plan on a pool of {@code nThreads}, with an overall progress bar whose ETA
     * weighs each step by its model's estimated cost (a step at width 128 costs about four at width 32).
     */
    private static List<DemoReport.Run> train(DemoPlan plan, ByteCorpus corpus, int nThreads, PrintWriter o)
            throws InterruptedException {
        List<DemoPlan.Cell> cells = plan.cells();
        int stepsPerRun = plan.run().steps();
        // On Java 17, the release this targets, no console means no terminal (Console.isTerminal()
        // arrives in Java 22); on newer JVMs the progress bar may also show when output is redirected.
        @SuppressWarnings("SystemConsoleNull")
        boolean interactive = System.console() != null;
        AtomicInteger finished = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(nThreads, r -> {
            Thread t = new Thread(r, "demo-run");
            t.setDaemon(true);
            return t;
        });
        List<DemoReport.Run> runs = new ArrayList<>();
        double totalWork =
                cells.stream().mapToDouble(c -> cost(c) * stepsPerRun).sum();
        java.util.concurrent.atomic.DoubleAdder work = new java.util.concurrent.atomic.DoubleAdder();
        try (ProgressBar total = new ProgressBarBuilder()
                .setTaskName("all " + cells.size() + " runs")
                .setInitialMax(1000)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" \u2030 of the work", 1)
                .setUpdateIntervalMillis(1000)
                .build()) {
            List<Future<DemoReport.Run>> futures = new ArrayList<>();
            for (DemoPlan.Cell c : cells) {
                futures.add(pool.submit(() -> {
                    String name = String.format(
                            Locale.ROOT,
                            "%s %s %d lr %.4g%s",
                            c.method().name(),
                            plan.axis().label(),
                            c.scale(),
                            c.learningRate(),
                            plan.seeds() > 1 ? " seed " + c.model().seed() : "");
                    ProgressBar mine = interactive ? bar(name, stepsPerRun) : null;
                    TrainRunResult r;
                    int[] last = {0};
                    try {
                        r = TrainRun.run(
                                c.model(),
                                c.moe(),
                                c.rule(),
                                c.peakLearningRate(),
                                plan.run(c),
                                corpus,
                                new TrainRun.Listener() {
                                    @Override
                                    public void onEval(TrainRunResult.Eval e) {}

                                    @Override
                                    public void onStep(int done, int all) {
                                        work.add(cost(c) * (done - last[0]));
                                        last[0] = done;
                                        total.stepTo(Math.min(1000, Math.round(1000 * work.sum() / totalWork)));
                                        if (mine != null) {
                                            mine.stepTo(done);
                                        }
                                    }
                                });
                    } finally {
                        if (mine != null) {
                            mine.close();
                        }
                    }
                    if (!interactive) {
                        synchronized (o) {
                            o.printf(
                                    Locale.ROOT,
                                    "  [%d/%d] %-28s %s in %.1f s%n",
                                    finished.incrementAndGet(),
                                    cells.size(),
                                    name,
                                    r.diverged()
                                            ? "diverged at step " + (r.divergedAtStep() + 1)
                                            : String.format(
                                                    Locale.ROOT, "validation loss %.4f", r.finalValidationLoss()),
                                    r.seconds());
                            o.flush();
                        }
                    }
                    return new DemoReport.Run(c, r);
                }));
            }
            for (Future<DemoReport.Run> f : futures) {
                try {
                    runs.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException(
                            "a training run failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return runs;
    }

    private static ProgressBar bar(String task, long max) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" steps", 1)
                .setUpdateIntervalMillis(500)
                .showSpeed()
                .build();
    }
}
