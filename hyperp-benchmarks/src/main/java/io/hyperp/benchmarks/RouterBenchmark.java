package io.hyperp.benchmarks;

import io.hyperp.moe.Dispatcher;
import io.hyperp.moe.Router;
import io.hyperp.moe.RouterConfig;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Routing + dispatch + combine of one MoE layer against the experts' own matrix products for the
 * same tokens (each token's k experts, SwiGLU of width 4d/k: three products of [n, d] x [d, f]).
 * Target (issue): the routing side at most 10% of the experts' time at T = 65,536, d = 1024,
 * E = 64, k = 8. Tokens per second = T / (time of one routing pass).
 *
 * <p>Run: {@code java -jar hyperp-benchmarks/target/benchmarks.jar Router -p tokens=4096}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=20G",
        "-Dorg.bytedeco.javacpp.maxphysicalbytes=22G"})
public class RouterBenchmark {

    @Param({"4096", "65536"})
    public int tokens;

    @Param({"1024"})
    public int width;

    @Param({"64"})
    public int experts;

    @Param({"8"})
    public int topK;

    private Router router;
    private Dispatcher dispatcher;
    private INDArray x;
    private INDArray routerWeight;
    private INDArray logits;
    private INDArray xs;
    private INDArray expertOut;
    private INDArray y;
    private INDArray w1;
    private INDArray hidden;
    private INDArray w2;
    private INDArray down;

    @Setup(Level.Trial)
    public void setUp() {
        router = Router.create(RouterConfig.of("bench", experts, topK), tokens, DataType.FLOAT);
        dispatcher = Dispatcher.create(router, width);
        x = Nd4j.rand(DataType.FLOAT, tokens, width).subi(0.5);
        routerWeight = Nd4j.rand(DataType.FLOAT, experts, width).subi(0.5).muli(0.05);
        logits = Nd4j.create(DataType.FLOAT, new long[] {tokens, experts}, 'f');
        xs = Nd4j.create(DataType.FLOAT, (long) topK * tokens, width);
        expertOut = Nd4j.rand(DataType.FLOAT, (long) topK * tokens, width);
        y = Nd4j.create(DataType.FLOAT, tokens, width);
        int f = 4 * width / topK;
        w1 = Nd4j.rand(DataType.FLOAT, width, f);
        w2 = Nd4j.rand(DataType.FLOAT, f, width);
        hidden = Nd4j.create(DataType.FLOAT, new long[] {(long) topK * tokens / experts, f}, 'f');
        down = Nd4j.create(DataType.FLOAT, new long[] {(long) topK * tokens / experts, width}, 'f');
        route();
    }

    /** Router logits, top-k, dispatch plan, gather of the inputs, weighted combine. */
    @Benchmark
    public INDArray route() {
        Nd4j.gemm(x, routerWeight, logits, false, true, 1.0, 0.0);
        router.route(logits, null);
        dispatcher.plan();
        dispatcher.gatherInputs(x, xs);
        dispatcher.combine(expertOut, y);
        return y;
    }

    /**
     * The experts' products for the same tokens with a balanced load: E experts each on kT/E rows,
     * three products of [n, d] x [d, f] (two up, one down), into preallocated 'f' outputs.
     */
    @Benchmark
    public INDArray expertMatmuls() {
        long n = (long) topK * tokens / experts;
        for (int e = 0; e < experts; e++) {
            INDArray rows = xs.get(NDArrayIndex.interval(e * n, (e + 1) * n), NDArrayIndex.all());
            Nd4j.gemm(rows, w1, hidden, false, false, 1.0, 0.0);
            Nd4j.gemm(rows, w1, hidden, false, false, 1.0, 0.0);
            Nd4j.gemm(hidden, w2, down, false, false, 1.0, 0.0);
        }
        return down;
    }
}
