package io.hyperp.benchmarks;

import io.hyperp.core.rule.Parameterizations;
import io.hyperp.demo.data.ByteCorpus;
import io.hyperp.demo.gpt.NdThreads;
import io.hyperp.demo.gpt.TinyGpt;
import io.hyperp.demo.gpt.TinyGptConfig;
import io.hyperp.optim.NonFinitePolicy;
import io.hyperp.optim.Optimizer;
import io.hyperp.optim.OptimizerOptions;
import io.hyperp.optim.Optimizers;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of the demo model ({@link TinyGpt}: depth 2, context 64, batch 16, head dimension
 * 32, bytes): sample a batch from the embedded corpus, forward, backward, and an update of every
 * parameter in place.
 *
 * <ul>
 *   <li>{@code trainStep} with {@code update = sgd}: {@code p -= lr * grad}, as the PyTorch peer script
 *       ({@code tiny_gpt_torch.py}) does, for a side-by-side comparison; with {@code update = hyperp}:
 *       one step of hyperp-optim's HyperP optimizer (sphere Muon with Newton-Schulz for the matrices,
 *       sphere Adam for the head, AdamW for embedding and gains).</li>
 *   <li>{@code threads = one}: a single model trains with ND4J's own ops on one thread and BLAS on
 *       every core ({@link NdThreads#singleModel()}); {@code threads = two-parallel}: two independent
 *       models train at once, one per thread, everything single-threaded ({@link
 *       NdThreads#parallelModels()}), and one op is one step of each (so the time per step is half the
 *       reported time).</li>
 *   <li>{@code matrixProductsOnly}: the baseline, the same dense matrix products as one forward and
 *       backward pass (projections, MLP, head; attention excluded), each a bare {@code Nd4j.gemm} into a
 *       preallocated output, under the same thread settings (with {@code two-parallel}, one thread).</li>
 * </ul>
 *
 * <p>Run: {@code java -jar hyperp-benchmarks/target/benchmarks.jar TrainStep -f 1 -wi 3 -i 5}, restrict
 * with {@code -p width=256 -p update=sgd}. Median step times are the {@code p0.50} lines.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
public class TrainStepBenchmark {

    private static final double SGD_LEARNING_RATE = 0.05;
    private static final double HYPERP_LEARNING_RATE = 0.01;

    /** The models of {@code trainStep}. */
    @State(Scope.Benchmark)
    public static class Step {
        /** Model width d (FFN 4 d, d / 32 heads). */
        @Param({"64", "128", "256"})
        public int width;

        /** {@code one}: one model, BLAS on every core; {@code two-parallel}: two models, one thread each. */
        @Param({"one", "two-parallel"})
        public String threads;

        /** {@code sgd}: plain in-place SGD; {@code hyperp}: a HyperP optimizer step. */
        @Param({"sgd", "hyperp"})
        public String update;

        Trainer[] trainers;
        ExecutorService pool;

        /** Builds the models and sets ND4J's thread counts. */
        @Setup(Level.Trial)
        public void setUp() {
            TinyGptConfig cfg = demoModel(width);
            ByteCorpus corpus = ByteCorpus.loadDefault();
            int models = setThreads(threads);
            trainers = new Trainer[models];
            for (int i = 0; i < models; i++) {
                trainers[i] = new Trainer(cfg.withSeed(i + 1L), corpus, i + 1L, update);
            }
            if (models > 1) {
                pool = Executors.newFixedThreadPool(models);
            }
        }

        /** Stops the worker threads. */
        @TearDown(Level.Trial)
        public void tearDown() {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /** The arrays of {@code matrixProductsOnly}. */
    @State(Scope.Benchmark)
    public static class Products {
        /** Model width d. */
        @Param({"64", "128", "256"})
        public int width;

        /** As for {@link Step#threads}; {@code two-parallel} runs the products on one thread. */
        @Param({"one", "two-parallel"})
        public String threads;

        List<INDArray[]> products;

        /** Allocates the operands and sets ND4J's thread counts. */
        @Setup(Level.Trial)
        public void setUp() {
            setThreads(threads);
            products = denseProducts(demoModel(width));
        }
    }

    /** One model with its sampler, token buffer and update. */
    private static final class Trainer {
        final TinyGpt model;
        final ByteCorpus.Sampler sampler;
        final int[] tokens;
        final TinyGptConfig cfg;
        final List<AddOp> updates = new ArrayList<>();
        final List<MulOp> scaled = new ArrayList<>();
        final Optimizer optimizer;

        Trainer(TinyGptConfig cfg, ByteCorpus corpus, long seed, String update) {
            this.cfg = cfg;
            this.model = TinyGpt.create(cfg);
            this.sampler = corpus.sampler(ByteCorpus.Split.TRAIN, seed);
            this.tokens = new int[cfg.batch() * (cfg.context() + 1)];
            if (update.equals("sgd")) {
                optimizer = null;
                INDArray minusLr = Nd4j.scalar(cfg.dtype(), -SGD_LEARNING_RATE);
                for (TinyGpt.Param p : model.params()) {
                    INDArray step = Nd4j.create(cfg.dtype(), p.value().shape());
                    scaled.add(new MulOp(p.grad(), minusLr, step));
                    updates.add(new AddOp(p.value(), step, p.value()));
                }
            } else if (update.equals("hyperp")) {
                optimizer = Optimizers.create(
                        model.values(),
                        Parameterizations.hyperP(cfg.depth()),
                        LrSchedule.constant(HYPERP_LEARNING_RATE),
                        OptimizerOptions.defaults().withNonFinitePolicy(NonFinitePolicy.SKIP));
            } else {
                throw new IllegalArgumentException("update must be sgd or hyperp, found " + update);
            }
        }

        double step() {
            sampler.nextBatch(cfg.batch(), cfg.context(), tokens);
            double loss = model.forwardBackward(tokens);
            if (optimizer != null) {
                optimizer.step(model.grads(), model.values());
            } else {
                for (int i = 0; i < updates.size(); i++) {
                    Nd4j.exec(scaled.get(i));
                    Nd4j.exec(updates.get(i));
                }
            }
            return loss;
        }
    }

    private static TinyGptConfig demoModel(int width) {
        return TinyGptConfig.defaults()
                .withWidth(width)
                .withDepth(2)
                .withContext(64)
                .withBatch(16)
                .withHeadDim(32);
    }

    /** Applies the thread setting and returns the number of models to train at once. */
    private static int setThreads(String threads) {
        if (threads.equals("one")) {
            NdThreads.singleModel();
            return 1;
        }
        if (threads.equals("two-parallel")) {
            NdThreads.parallelModels();
            return 2;
        }
        throw new IllegalArgumentException("threads must be one or two-parallel, found " + threads);
    }

    /** One training step (of each model when two train in parallel); returns the loss(es). */
    @Benchmark
    public double trainStep(Step s) throws InterruptedException, ExecutionException {
        if (s.pool == null) {
            return s.trainers[0].step();
        }
        List<Future<Double>> running = new ArrayList<>(s.trainers.length);
        for (Trainer t : s.trainers) {
            running.add(s.pool.submit(t::step));
        }
        double sum = 0;
        for (Future<Double> f : running) {
            sum += f.get();
        }
        return sum;
    }

    /** The baseline: the step's dense matrix products alone. */
    @Benchmark
    public INDArray matrixProductsOnly(Products p) {
        INDArray last = null;
        for (INDArray[] op : p.products) {
            last = Nd4j.gemm(op[0], op[1], op[2], op[3] != null, op[4] != null, 1.0, 0.0);
        }
        return last;
    }

    /**
     * Operand triples (a, b, c, transA marker, transB marker) of the dense products of one step: per
     * block 7 forward products, 7 weight gradients and 7 input gradients; for the head 1 + 2.
     */
    private static List<INDArray[]> denseProducts(TinyGptConfig cfg) {
        long n = cfg.tokens();
        long d = cfg.width();
        long f = cfg.ffn();
        long v = cfg.vocab();
        List<INDArray[]> out = new ArrayList<>();
        long[][] matrices = new long[cfg.depth() * 7 + 1][];
        int k = 0;
        for (int l = 0; l < cfg.depth(); l++) {
            for (int i = 0; i < 4; i++) {
                matrices[k++] = new long[] {d, d};
            }
            matrices[k++] = new long[] {f, d};
            matrices[k++] = new long[] {f, d};
            matrices[k++] = new long[] {d, f};
        }
        matrices[k] = new long[] {v, d};
        INDArray marker = Nd4j.scalar(DataType.FLOAT, 1f);
        for (long[] w : matrices) {
            long out0 = w[0];
            long in = w[1];
            INDArray x = Nd4j.rand(DataType.FLOAT, n, in);
            INDArray weight = Nd4j.rand(DataType.FLOAT, out0, in);
            INDArray y = Nd4j.create(DataType.FLOAT, n, out0);
            INDArray dy = Nd4j.rand(DataType.FLOAT, n, out0);
            INDArray dw = Nd4j.create(DataType.FLOAT, out0, in);
            INDArray dx = Nd4j.create(DataType.FLOAT, n, in);
            out.add(new INDArray[] {x, weight, y, null, marker}); // y = x W^T
            out.add(new INDArray[] {dy, x, dw, marker, null}); // dW = dy^T x
            out.add(new INDArray[] {dy, weight, dx, null, null}); // dx = dy W
        }
        return out;
    }
}
