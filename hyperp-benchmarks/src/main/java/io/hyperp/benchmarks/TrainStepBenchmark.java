package io.hyperp.benchmarks;

import io.hyperp.examples.data.ByteCorpus;
import io.hyperp.examples.gpt.NdThreads;
import io.hyperp.examples.gpt.TinyGpt;
import io.hyperp.examples.gpt.TinyGptConfig;
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
 * 32, bytes): sample a batch from the embedded corpus, forward, backward, and an in-place SGD update
 * {@code p -= lr * grad} of every parameter, as the PyTorch peer script does.
 *
 * <ul>
 *   <li>{@code trainStep}: with {@code threads = one} a single model trains with ND4J's own ops on one
 *       thread and BLAS on every core ({@link NdThreads#singleModel()}); with {@code threads =
 *       two-parallel} two independent models train at once, one per thread, everything
 *       single-threaded ({@link NdThreads#parallelModels()}), and one op is one step of each (so the
 *       throughput per step is half the reported time).</li>
 *   <li>{@code matrixProductsOnly}: the baseline, the same dense matrix products as one step
 *       (projections, MLP, head, forward and backward; attention excluded), each a bare
 *       {@code Nd4j.gemm} into a preallocated output.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar hyperp-benchmarks/target/benchmarks.jar TrainStep -f 1 -wi 3 -i 5}. Median
 * step times are the {@code p0.50} lines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class TrainStepBenchmark {

    private static final double LEARNING_RATE = 0.05;

    /** Model width d (FFN 4 d, d / 32 heads). */
    @Param({"64", "128", "256"})
    public int width;

    /** {@code one}: one model, BLAS on every core; {@code two-parallel}: two models, one thread each. */
    @Param({"one", "two-parallel"})
    public String threads;

    private Trainer[] trainers;
    private ExecutorService pool;
    private List<INDArray[]> products;

    /** One model with its sampler, token buffer and update ops. */
    private static final class Trainer {
        final TinyGpt model;
        final ByteCorpus.Sampler sampler;
        final int[] tokens;
        final TinyGptConfig cfg;
        final List<AddOp> updates = new ArrayList<>();
        final List<MulOp> scaled = new ArrayList<>();

        Trainer(TinyGptConfig cfg, ByteCorpus corpus, long seed) {
            this.cfg = cfg;
            this.model = TinyGpt.create(cfg);
            this.sampler = corpus.sampler(ByteCorpus.Split.TRAIN, seed);
            this.tokens = new int[cfg.batch() * (cfg.context() + 1)];
            INDArray minusLr = Nd4j.scalar(cfg.dtype(), -LEARNING_RATE);
            for (TinyGpt.Param p : model.params()) {
                INDArray step = Nd4j.create(cfg.dtype(), p.value().shape());
                scaled.add(new MulOp(p.grad(), minusLr, step));
                updates.add(new AddOp(p.value(), step, p.value()));
            }
        }

        double step() {
            sampler.nextBatch(cfg.batch(), cfg.context(), tokens);
            double loss = model.forwardBackward(tokens);
            for (int i = 0; i < updates.size(); i++) {
                Nd4j.exec(scaled.get(i));
                Nd4j.exec(updates.get(i));
            }
            return loss;
        }
    }

    /** Builds the models (or the baseline's arrays) and sets ND4J's thread counts. */
    @Setup(Level.Trial)
    public void setUp() {
        TinyGptConfig cfg = TinyGptConfig.defaults().withWidth(width).withDepth(2).withContext(64).withBatch(16)
                .withHeadDim(32);
        ByteCorpus corpus = ByteCorpus.loadDefault();
        if (threads.equals("one")) {
            NdThreads.singleModel();
            trainers = new Trainer[] {new Trainer(cfg, corpus, 1L)};
        } else if (threads.equals("two-parallel")) {
            NdThreads.parallelModels();
            trainers = new Trainer[] {new Trainer(cfg, corpus, 1L), new Trainer(cfg.withSeed(2L), corpus, 2L)};
            pool = Executors.newFixedThreadPool(2);
        } else {
            throw new IllegalArgumentException("threads must be one or two-parallel, found " + threads);
        }
        products = denseProducts(cfg);
    }

    /** Stops the worker threads. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** One training step (of each model when two train in parallel); returns the loss(es). */
    @Benchmark
    public double trainStep() throws InterruptedException, ExecutionException {
        if (pool == null) {
            return trainers[0].step();
        }
        Future<Double> a = pool.submit(trainers[0]::step);
        Future<Double> b = pool.submit(trainers[1]::step);
        return a.get() + b.get();
    }

    /** The baseline: the step's dense matrix products alone. */
    @Benchmark
    public INDArray matrixProductsOnly() {
        INDArray last = null;
        for (INDArray[] p : products) {
            last = Nd4j.gemm(p[0], p[1], p[2], p[3] != null, p[4] != null, 1.0, 0.0);
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
            out.add(new INDArray[] {x, weight, y, null, marker});   // y = x W^T
            out.add(new INDArray[] {dy, x, dw, marker, null});      // dW = dy^T x
            out.add(new INDArray[] {dy, weight, dx, null, null});   // dx = dy W
        }
        return out;
    }
}
