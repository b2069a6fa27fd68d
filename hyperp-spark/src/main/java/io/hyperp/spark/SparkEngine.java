package io.hyperp.spark;

import io.hyperp.sweep.CellResult;
import io.hyperp.sweep.CellRun;
import io.hyperp.sweep.ResultStore;
import io.hyperp.sweep.SweepCell;
import io.hyperp.sweep.SweepEngine;
import io.hyperp.sweep.SweepProgress;
import io.hyperp.sweep.Trainer;
import io.hyperp.sweep.Trainers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.VoidFunction;

/**
 * Runs sweep cells as Spark tasks, one cell per partition, the most expensive first.
 *
 * <p>Retries are Spark's: the engine sets {@code spark.task.maxFailures} to the runner's attempt
 * count (for a {@code local[N]} master, whose tasks are otherwise never retried, it becomes
 * {@code local[N,attempts]}). A task whose trainer throws rethrows, so Spark runs it again, until its
 * last attempt, which publishes the cell as failed with the reason. If Spark gives up on a task anyway
 * (its executor died on the last attempt), that cell is published as failed with Spark's reason and the
 * remaining cells run in a new job. A task first checks the store and skips a cell that is already
 * published, so a re-executed task (after an executor loss) never trains a cell twice to completion.
 *
 * <p>Every task sets its trainer up for parallel cells ({@link Trainer#setUp} with at least 2), so a
 * cell's losses are bit-identical to those of the {@link io.hyperp.sweep.LocalEngine} with two or more
 * threads. The engine holds one Spark context, created at the first {@link #run} and stopped by
 * {@link #close()}. Not thread-safe.
 */
public final class SparkEngine implements SweepEngine {

    /** The engine's name. */
    public static final String NAME = "spark";

    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[0-9]+)(,([0-9]+))?])?");
    private static final Pattern GAVE_UP = Pattern.compile("Task ([0-9]+) in stage [0-9.]+ failed ([0-9]+) times");

    private final String master;
    private JavaSparkContext context;
    private int contextAttempts;

    private SparkEngine(String master) {
        this.master = master;
    }

    /**
     * An engine on a Spark master: {@code local}, {@code local[N]}, {@code local[*]},
     * {@code local-cluster[N,cores,memMB]}, {@code spark://host:port} (checked to accept connections),
     * or any other master Spark knows; null for the one {@code spark-submit} supplies.
     *
     * @param parallelism ignored: Spark's task slots decide how many cells run at once
     * @throws IllegalArgumentException if no master is given or supplied, or a {@code spark://} master
     *                                  does not accept connections
     */
    public static SparkEngine create(String master, int parallelism) {
        if (master == null && System.getProperty("spark.master") == null) {
            throw new IllegalArgumentException(
                    "no Spark master: give --master (local[N], spark://host:port, ...) or run under spark-submit");
        }
        if (master != null && master.startsWith("spark://")) {
            checkReachable(master);
        }
        return new SparkEngine(master);
    }

    /** The Spark master this engine uses (null: the one {@code spark-submit} supplied). */
    public String master() {
        return master;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return "Spark engine, master " + (master == null ? System.getProperty("spark.master") : master);
    }

    private static void checkReachable(String master) {
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            URI uri;
            try {
                uri = URI.create("spark://" + hostPort);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Spark master " + master + " is malformed: " + e.getMessage(), e);
            }
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException(
                        "Spark master " + master + " is malformed: expected spark://host:port");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            } catch (IOException e) {
                throw new IllegalArgumentException("Spark master " + master + " is unreachable: " + e.getMessage(), e);
            }
        }
    }

    /** The master with task retries: {@code local[N]} becomes {@code local[N,attempts]}. */
    static String withRetries(String master, int attempts) {
        if (master == null) {
            return null;
        }
        Matcher m = LOCAL.matcher(master);
        if (!m.matches() || m.group(4) != null) {
            return master;
        }
        String threads = m.group(2) == null ? "1" : m.group(2);
        return "local[" + threads + "," + attempts + "]";
    }

    private JavaSparkContext context(int maxAttempts) {
        if (context != null && contextAttempts != maxAttempts) {
            context.stop();
            context = null;
        }
        if (context == null) {
            SparkConf conf = new SparkConf()
                    .setAppName("hyperp sweep")
                    .set("spark.task.maxFailures", Integer.toString(maxAttempts))
                    .set("spark.ui.enabled", "false")
                    .set("spark.ui.showConsoleProgress", "false");
            if (master != null) {
                conf.setMaster(withRetries(master, maxAttempts));
            }
            context = new JavaSparkContext(conf);
            contextAttempts = maxAttempts;
        }
        return context;
    }

    @Override
    public void run(List<SweepCell> cells, ResultStore store, int maxAttempts, SweepProgress progress)
            throws InterruptedException {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts (" + maxAttempts + ") must be >= 1");
        }
        if (cells.isEmpty()) {
            return;
        }
        Trainer trainer = Trainers.load(cells.get(0).trainer());
        List<SweepCell> order = new ArrayList<>(cells);
        order.sort(Comparator.comparingDouble((SweepCell c) -> -trainer.cost(c)).thenComparingInt(SweepCell::index));
        JavaSparkContext sc = context(maxAttempts);
        int concurrency = Math.max(2, sc.defaultParallelism());
        Poller poller = new Poller(order, store, progress);
        Thread t = new Thread(poller, "sweep-progress");
        t.setDaemon(true);
        t.start();
        try {
            List<SweepCell> todo = order;
            while (!todo.isEmpty()) {
                try {
                    sc.parallelize(todo, todo.size())
                            .foreachPartition(new CellTask(store.dir().toString(), maxAttempts, concurrency));
                } catch (RuntimeException e) {
                    SweepCell gaveUp = gaveUpOn(e, todo);
                    if (gaveUp == null) {
                        throw e;
                    }
                    store.write(
                            gaveUp,
                            CellResult.failed("Spark gave up: " + CellRun.reason(rootCause(e)), maxAttempts, 0));
                }
                List<SweepCell> left = new ArrayList<>();
                for (SweepCell c : todo) {
                    if (!store.contains(c.id())) {
                        left.add(c);
                    }
                }
                if (left.size() == todo.size()) {
                    throw new IllegalStateException("Spark job finished without publishing any of " + todo.size()
                            + " cells; is the output directory " + store.dir()
                            + " shared by the driver and the executors?");
                }
                todo = left;
            }
        } finally {
            poller.stop();
            t.interrupt();
            t.join();
            poller.poll();
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    /** The cell of the task Spark gave up on, from a job's failure, or null. */
    private static SweepCell gaveUpOn(RuntimeException e, List<SweepCell> todo) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                Matcher m = GAVE_UP.matcher(c.getMessage());
                if (m.find()) {
                    int partition = Integer.parseInt(m.group(1));
                    return partition < todo.size() ? todo.get(partition) : null;
                }
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (context != null) {
            context.stop();
            context = null;
        }
    }

    /** Reports cells published (by any process) to the progress observer, once each. */
    private static final class Poller implements Runnable {
        private final List<SweepCell> cells;
        private final ResultStore store;
        private final SweepProgress progress;
        private final Set<String> reported = new HashSet<>();
        private volatile boolean running = true;

        Poller(List<SweepCell> cells, ResultStore store, SweepProgress progress) {
            this.cells = cells;
            this.store = store;
            this.progress = progress;
        }

        void stop() {
            running = false;
        }

        synchronized void poll() {
            for (SweepCell c : cells) {
                if (!reported.contains(c.id()) && store.contains(c.id())) {
                    reported.add(c.id());
                    progress.cellFinished(c, store.read(c).orElse(null));
                }
            }
        }

        @Override
        public void run() {
            while (running) {
                poll();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The Spark task of a partition: trains its cells unless published, and publishes them. */
    static final class CellTask implements VoidFunction<Iterator<SweepCell>> {
        private static final long serialVersionUID = 1L;

        private final String dir;
        private final int maxAttempts;
        private final int concurrency;

        CellTask(String dir, int maxAttempts, int concurrency) {
            this.dir = dir;
            this.maxAttempts = maxAttempts;
            this.concurrency = concurrency;
        }

        @Override
        public void call(Iterator<SweepCell> cells) throws Exception {
            ResultStore store = ResultStore.open(Path.of(dir));
            TaskContext tc = TaskContext.get();
            int attempt = tc == null ? 1 : tc.attemptNumber() + 1;
            while (cells.hasNext()) {
                SweepCell cell = cells.next();
                if (store.contains(cell.id())) {
                    continue;
                }
                Trainer trainer = Trainers.loadAndSetUp(cell.trainer(), concurrency);
                long t0 = System.nanoTime();
                CellResult r;
                try {
                    r = CellRun.attempt(trainer, cell, Trainer.StepListener.NONE)
                            .withAttempts(attempt);
                } catch (Exception | LinkageError | AssertionError e) {
                    if (attempt < maxAttempts) {
                        throw new IllegalStateException(
                                String.format(
                                        Locale.ROOT,
                                        "cell %s (%s), attempt %d of %d: %s",
                                        cell.id(),
                                        cell.key(),
                                        attempt,
                                        maxAttempts,
                                        CellRun.reason(e)),
                                e);
                    }
                    r = CellResult.failed(CellRun.reason(e), attempt, (System.nanoTime() - t0) / 1e9);
                }
                store.write(cell, r);
            }
        }
    }

    /** Registers this engine as {@code spark} with {@link SweepEngine#create}. */
    public static final class Provider implements SweepEngine.Factory {

        /** Creates the provider (ServiceLoader instantiates it). */
        public Provider() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public SweepEngine create(String master, int parallelism) {
            return SparkEngine.create(master, parallelism);
        }
    }
}
