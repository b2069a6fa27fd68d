package io.hyperp.cli;

import io.hyperp.demo.train.DemoPlan;
import io.hyperp.demo.train.DemoTrainer;
import io.hyperp.sweep.CellStatus;
import io.hyperp.sweep.PlanFiles;
import io.hyperp.sweep.ResultStore;
import io.hyperp.sweep.SweepCell;
import io.hyperp.sweep.SweepEngine;
import io.hyperp.sweep.SweepOutcome;
import io.hyperp.sweep.SweepPlan;
import io.hyperp.sweep.SweepRunner;
import io.hyperp.sweep.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hyperp sweep}: runs a learning-rate sweep with the sweep runner (hyperp-sweep). The plan comes
 * from a JSON or YAML file ({@link PlanFiles}) or is one of the demo's studies; the cells run on the
 * local pool ({@code --engine local}, the default) or on Apache Spark ({@code --engine spark
 * --master URL}, with hyperp-spark on the class path). Results go to {@code --out}: one file per
 * finished cell under {@code cells/}, merged into {@code runs.csv} and {@code curves.csv} in plan order
 * ({@code runs.csv} feeds {@code hyperp optimum}). Running the same command again resumes: finished
 * cells are skipped.
 *
 * <p>Exit status: 0 when every cell has a result (ok or diverged), 1 if some cell failed after its
 * retries (the others are kept), 2 for bad input (unknown axis, empty grid, unknown trainer, unreachable
 * master), in which case nothing is written.
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Run a learning-rate sweep from a plan file or a demo study, on a local pool or on Spark.")
public final class SweepCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--plan", paramLabel = "FILE", description = "plan file (.json, .yaml or .yml)")
        Path plan;

        @Option(
                names = "--demo",
                paramLabel = "STUDY",
                description = "one of the demo's studies: width, depth, moe, tiny, tiny_moe")
        String demo;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--full", description = "with --demo: the longer study")
    boolean full;

    @Option(names = "--steps", paramLabel = "N", description = "with --demo: training steps per run")
    Integer steps;

    @Option(names = "--seed", paramLabel = "S", description = "with --demo: base seed (default 1)", defaultValue = "1")
    long seed;

    @Option(
            names = "--seeds",
            paramLabel = "N",
            description = "with --demo: seeds S .. S+N-1 per run (default 1)",
            defaultValue = "1")
    int seeds;

    @Option(
            names = "--trainer",
            paramLabel = "NAME|CLASS",
            description = "train with this trainer instead of the plan's (a name or a class on the class path)")
    String trainer;

    @Option(
            names = "--engine",
            paramLabel = "ENGINE",
            description = "local (default: a thread pool) or spark",
            defaultValue = "local")
    String engine;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master: local[N], spark://host:port, ... (default: what spark-submit supplies)")
    String master;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "cells run at once on the local engine (default: the cores)")
    Integer threads;

    @Option(
            names = "--max-attempts",
            paramLabel = "N",
            description = "tries per cell before it is recorded as failed (default 3)",
            defaultValue = "3")
    int maxAttempts;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "output directory (default sweep-out)",
            defaultValue = "sweep-out")
    Path out;

    /** Creates the command (picocli instantiates it). */
    public SweepCommand() {}

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (maxAttempts < 1) {
            throw new ParameterException(spec.commandLine(), "--max-attempts must be >= 1, found " + maxAttempts);
        }
        if (threads != null && threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1, found " + threads);
        }
        if (master != null && !engine.equals("spark")) {
            throw new ParameterException(spec.commandLine(), "--master needs --engine spark");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file, not a directory");
        }
        SweepPlan plan = plan();
        Trainer t = SweepRunner.check(plan);
        int parallelism = threads == null ? 0 : threads;
        try (SweepEngine e = SweepEngine.create(engine, master, parallelism)) {
            List<SweepCell> cells = plan.cells();
            ResultStore existing = Files.isDirectory(out) ? ResultStore.open(out) : null;
            List<SweepCell> todo = existing == null
                    ? cells
                    : cells.stream().filter(c -> !existing.contains(c.id())).toList();
            o.printf(
                    Locale.ROOT,
                    "hyperp sweep: %d cells of trainer %s (axes %s) on the %s; %d already finished%n",
                    cells.size(),
                    t.name(),
                    plan.axes(),
                    e.describe(),
                    cells.size() - todo.size());
            o.flush();
            SweepOutcome outcome;
            try (SweepProgressBar progress = SweepProgressBar.of(o, todo, t::cost, SweepCell::key)) {
                outcome = SweepRunner.of(e).withMaxAttempts(maxAttempts).run(plan, out, progress);
            }
            long failed = outcome.count(CellStatus.FAILED);
            o.printf(
                    Locale.ROOT,
                    "%d cells: %d trained, %d resumed; %d ok, %d diverged, %d failed; %.1f s%n" + "wrote %s and %s%n",
                    outcome.results().size(),
                    outcome.ran(),
                    outcome.skipped(),
                    outcome.count(CellStatus.OK),
                    outcome.count(CellStatus.DIVERGED),
                    failed,
                    outcome.seconds(),
                    out.resolve("runs.csv"),
                    out.resolve("curves.csv"));
            o.flush();
            return failed > 0 ? HyperpCli.EXIT_REFUSED : 0;
        }
    }

    private SweepPlan plan() {
        SweepPlan p;
        if (source.plan != null) {
            if (full || steps != null) {
                throw new ParameterException(spec.commandLine(), "--full and --steps apply to --demo only");
            }
            p = PlanFiles.parse(source.plan);
        } else {
            String study = source.demo;
            if (!List.of("width", "depth", "moe", "tiny", "tiny_moe").contains(study)) {
                throw new ParameterException(
                        spec.commandLine(), "--demo must be width, depth, moe, tiny or tiny_moe, found " + study);
            }
            boolean tiny = study.startsWith("tiny");
            int n = steps != null ? steps : tiny ? 6 : full ? 540 : 180;
            if (n < 2) {
                throw new ParameterException(spec.commandLine(), "--steps must be >= 2, found " + n);
            }
            if (seeds < 1) {
                throw new ParameterException(spec.commandLine(), "--seeds must be >= 1, found " + seeds);
            }
            p = DemoTrainer.sweepPlan(DemoTrainer.settings(study, full, n, seed, DemoPlan.DEFAULT_HEAD_STD), seeds);
        }
        return trainer == null ? p : new SweepPlan(trainer, p.settings(), p.grids());
    }
}
