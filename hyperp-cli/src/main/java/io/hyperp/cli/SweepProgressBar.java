package io.hyperp.cli;

import io.hyperp.sweep.CellResult;
import io.hyperp.sweep.CellStatus;
import io.hyperp.sweep.SweepCell;
import io.hyperp.sweep.SweepProgress;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress of a sweep on the terminal: an overall bar with an ETA whose work weighs each step by its
 * cell's estimated cost, a bar per running cell, and, when the output is not a terminal, one line per
 * finished cell instead. An engine that cannot see steps (Spark) moves the overall bar by whole cells.
 * Thread-safe; {@link #close()} when the sweep ends.
 */
public final class SweepProgressBar implements SweepProgress, AutoCloseable {

    private final PrintWriter out;
    private final int total;
    private final double totalWork;
    private final ToDoubleFunction<SweepCell> cost;
    private final Function<SweepCell, String> name;
    private final boolean interactive;
    private final ProgressBar bar;
    private final DoubleAdder work = new DoubleAdder();
    private final AtomicInteger finished = new AtomicInteger();
    private final Map<String, Integer> stepsDone = new ConcurrentHashMap<>();
    private final Map<String, ProgressBar> cellBars = new ConcurrentHashMap<>();

    private SweepProgressBar(
            PrintWriter out,
            List<SweepCell> cells,
            ToDoubleFunction<SweepCell> cost,
            Function<SweepCell, String> name) {
        this.out = out;
        this.total = cells.size();
        this.cost = cost;
        this.name = name;
        this.totalWork = Math.max(1e-300, cells.stream().mapToDouble(cost).sum());
        // On Java 17, the release this targets, no console means no terminal (Console.isTerminal()
        // arrives in Java 22); on newer JVMs the progress bar may also show when output is redirected.
        @SuppressWarnings("SystemConsoleNull")
        boolean tty = System.console() != null;
        this.interactive = tty;
        this.bar = new ProgressBarBuilder()
                .setTaskName("all " + cells.size() + " runs")
                .setInitialMax(1000)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" \u2030 of the work", 1)
                .setUpdateIntervalMillis(1000)
                .build();
    }

    /**
     * A progress display for the cells still to run.
     *
     * @param out  where finished cells are listed when there is no terminal
     * @param todo the cells that will run
     * @param cost a cell's relative cost per step
     * @param name a cell's label
     */
    public static SweepProgressBar of(
            PrintWriter out, List<SweepCell> todo, ToDoubleFunction<SweepCell> cost, Function<SweepCell, String> name) {
        return new SweepProgressBar(out, todo, cost, name);
    }

    @Override
    public void cellStarted(SweepCell cell) {
        if (interactive) {
            cellBars.put(
                    cell.id(),
                    new ProgressBarBuilder()
                            .setTaskName(name.apply(cell))
                            .setInitialMax(1)
                            .setStyle(ProgressBarStyle.ASCII)
                            .setUnit(" steps", 1)
                            .setUpdateIntervalMillis(500)
                            .showSpeed()
                            .build());
        }
    }

    @Override
    public void cellStep(SweepCell cell, int done, int steps) {
        int before = stepsDone.getOrDefault(cell.id(), 0);
        stepsDone.put(cell.id(), done);
        work.add(cost.applyAsDouble(cell) * (done - before) / Math.max(1, steps));
        bar.stepTo(Math.min(1000, Math.round(1000 * work.sum() / totalWork)));
        ProgressBar b = cellBars.get(cell.id());
        if (b != null) {
            b.maxHint(steps);
            b.stepTo(done);
        }
    }

    @Override
    public void cellFinished(SweepCell cell, CellResult r) {
        ProgressBar b = cellBars.remove(cell.id());
        if (b != null) {
            b.close();
        }
        if (!stepsDone.containsKey(cell.id())) {
            work.add(cost.applyAsDouble(cell));
            bar.stepTo(Math.min(1000, Math.round(1000 * work.sum() / totalWork)));
        }
        int k = finished.incrementAndGet();
        if (!interactive) {
            String what;
            if (r == null) {
                what = "finished";
            } else if (r.status() == CellStatus.OK) {
                what = String.format(Locale.ROOT, "validation loss %.4f", r.finalValidationLoss());
            } else if (r.status() == CellStatus.DIVERGED) {
                what = "diverged at step " + (r.divergedAtStep() + 1);
            } else {
                what = "failed after " + r.attempts() + " attempts: " + r.reason();
            }
            synchronized (out) {
                out.printf(
                        Locale.ROOT,
                        "  [%d/%d] %-28s %s%s%n",
                        k,
                        total,
                        name.apply(cell),
                        what,
                        r == null ? "" : String.format(Locale.ROOT, " in %.1f s", r.seconds()));
                out.flush();
            }
        }
    }

    @Override
    public void close() {
        cellBars.values().forEach(ProgressBar::close);
        bar.close();
    }
}
