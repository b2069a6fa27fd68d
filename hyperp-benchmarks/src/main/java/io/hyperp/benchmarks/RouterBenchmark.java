package io.hyperp.benchmarks;

import io.hyperp.core.sphere.NormReduction;
import io.hyperp.moe.RouterConfig;
import io.hyperp.moe.balance.BalanceConfig;
import io.hyperp.moe.balance.BalanceLosses;
import io.hyperp.moe.routing.DispatchPlan;
import io.hyperp.moe.routing.TopKRouter;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The routing side of one MoE layer's forward pass against the experts' own matrix products for the
 * same tokens.
 *
 * <ul>
 *   <li>{@link #routeDispatchCombine}: everything {@code io.hyperp.moe.layer.MoeFeedForward.forward}
 *       does besides the experts' computation: router logits {@code x W_r^T}, top-k selection, gates
 *       and SqrtGate weights, the dispatch plan, the gather of the inputs into expert order, folding
 *       the combine weights into the hidden rows, the combine back to tokens, and the balance-loss
 *       statistics;</li>
 *   <li>{@link #expertMatmuls} (the baseline): the SwiGLU experts' three products per expert,
 *       {@code A = X_e W_gate,e^T}, {@code B = X_e W_up,e^T}, {@code Y_e = H_e W_down,e^T}, on the
 *       rows the same routing gave each expert;</li>
 *   <li>{@link #moeForward}: the whole forward (both of the above plus the SwiGLU activation), for
 *       tokens per second = {@code tokens / time};</li>
 *   <li>{@link #dispatchAndCombine}: the part of {@link #routeDispatchCombine} that only moves rows
 *       (the gather of the inputs into expert order and the combine back to tokens), and
 *       {@link #routeAndPlan}: the part that only decides (router logits, top-k selection and gates,
 *       the dispatch plan). Together with the fold and the balance statistics they make up
 *       {@link #routeDispatchCombine}.</li>
 * </ul>
 * Target (issue 3): at T = 65,536, d = 1024, E = 64, k = 8 (expert width 4d/k = 512), the routing
 * side takes at most 10% of the baseline's time.
 *
 * <p>Each measurement is one invocation ({@link Mode#SingleShotTime}): the baseline alone is about
 * 1.6 TFLOP at T = 65,536. Float32; about 7 GB of off-heap buffers at T = 65,536, allocated once in
 * {@link #setUp}. Run:
 * {@code java -jar hyperp-benchmarks/target/benchmarks.jar RouterBenchmark} (add {@code -p tokens=8192}
 * for a quick run).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=12G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=14G"
        })
public class RouterBenchmark {

    /** Tokens per batch. */
    @Param({"65536"})
    public int tokens;

    /** Model width d. */
    @Param({"1024"})
    public int width;

    /** Routed experts E. */
    @Param({"64"})
    public int experts;

    /** Experts per token k. */
    @Param({"8"})
    public int topK;

    private int expertWidth;
    private TopKRouter router;
    private DispatchPlan plan;
    private BalanceLosses balance;
    private INDArray x;
    private INDArray routerWeight;
    private INDArray logits;
    private INDArray xs;
    private INDArray a;
    private INDArray b;
    private INDArray ye;
    private INDArray cRows;
    private INDArray y;
    private INDArray[] gate;
    private INDArray[] up;
    private INDArray[] down;

    /** Allocates every buffer and routes once so that {@link #expertMatmuls} has a plan. */
    @Setup(Level.Trial)
    public void setUp() {
        Nd4j.getRandom().setSeed(42);
        RouterConfig cfg = new RouterConfig(experts, topK, false, true, RouterConfig.DEFAULT_SHARED_WEIGHT);
        long rows = (long) tokens * topK;
        expertWidth = 4 * width / topK;
        router = TopKRouter.create("bench", cfg, tokens, DataType.FLOAT);
        plan = DispatchPlan.create("bench", experts, tokens, topK, width, DataType.FLOAT);
        balance = BalanceLosses.create(
                "bench", BalanceConfig.defaults(), experts, tokens, DataType.FLOAT, NormReduction.local());
        x = Nd4j.rand(DataType.FLOAT, tokens, width).subi(0.5);
        routerWeight = Nd4j.rand(DataType.FLOAT, experts, width).subi(0.5).muli(2 / Math.sqrt(width));
        logits = Nd4j.create(DataType.FLOAT, tokens, experts);
        xs = Nd4j.create(DataType.FLOAT, rows, width);
        a = Nd4j.create(DataType.FLOAT, rows, expertWidth);
        b = Nd4j.create(DataType.FLOAT, rows, expertWidth);
        ye = Nd4j.create(DataType.FLOAT, rows, width);
        cRows = Nd4j.create(DataType.FLOAT, rows);
        y = Nd4j.create(DataType.FLOAT, tokens, width);
        gate = new INDArray[experts];
        up = new INDArray[experts];
        down = new INDArray[experts];
        double bound = 1 / Math.sqrt(width);
        for (int e = 0; e < experts; e++) {
            gate[e] = Nd4j.rand(DataType.FLOAT, expertWidth, width).subi(0.5).muli(2 * bound);
            up[e] = Nd4j.rand(DataType.FLOAT, expertWidth, width).subi(0.5).muli(2 * bound);
            down[e] = Nd4j.rand(DataType.FLOAT, width, expertWidth).subi(0.5).muli(2 / Math.sqrt(expertWidth));
        }
        routeDispatchCombine();
    }

    /** The routing side of the forward pass (see the class documentation). */
    @Benchmark
    public INDArray routeDispatchCombine() {
        decide();
        plan.gatherInto(x, xs);
        plan.slotsToRowsInto(router.combineWeights(), cRows);
        a.muliColumnVector(cRows.reshape(cRows.length(), 1));
        plan.sumInto(ye, y);
        balance.compute(logits, plan.countsArray());
        return y;
    }

    /** The row movement of the routing side: dispatch gather and combine. */
    @Benchmark
    public INDArray dispatchAndCombine() {
        plan.gatherInto(x, xs);
        plan.sumInto(ye, y);
        return y;
    }

    /** The decisions of the routing side: router logits, top-k selection and gates, dispatch plan. */
    @Benchmark
    public INDArray routeAndPlan() {
        decide();
        return plan.rowOfSlot();
    }

    /** Router logits {@code x W_r^T}, top-k selection and gates, and the dispatch plan. */
    private void decide() {
        Nd4j.gemm(x, routerWeight, logits, false, true, 1.0, 0.0);
        router.route(logits);
        plan.build(router.expertIds());
    }

    /** The baseline: the experts' matrix products on the rows of the current plan. */
    @Benchmark
    public INDArray expertMatmuls() {
        for (int e = 0; e < experts; e++) {
            INDArray xe = plan.expertBlock(xs, e);
            if (xe == null) {
                continue;
            }
            Nd4j.gemm(xe, gate[e], plan.expertBlock(a, e), false, true, 1.0, 0.0);
            Nd4j.gemm(xe, up[e], plan.expertBlock(b, e), false, true, 1.0, 0.0);
            Nd4j.gemm(plan.expertBlock(a, e), down[e], plan.expertBlock(ye, e), false, true, 1.0, 0.0);
        }
        return ye;
    }

    /** The whole forward pass, as {@code MoeFeedForward.forward} computes it. */
    @Benchmark
    public INDArray moeForward() {
        decide();
        plan.gatherInto(x, xs);
        plan.slotsToRowsInto(router.combineWeights(), cRows);
        for (int e = 0; e < experts; e++) {
            INDArray xe = plan.expertBlock(xs, e);
            if (xe != null) {
                Nd4j.gemm(xe, gate[e], plan.expertBlock(a, e), false, true, 1.0, 0.0);
                Nd4j.gemm(xe, up[e], plan.expertBlock(b, e), false, true, 1.0, 0.0);
            }
        }
        Nd4j.exec(new Swish(a, a));
        a.muli(b).muliColumnVector(cRows.reshape(cRows.length(), 1));
        for (int e = 0; e < experts; e++) {
            INDArray he = plan.expertBlock(a, e);
            if (he != null) {
                Nd4j.gemm(he, down[e], plan.expertBlock(ye, e), false, true, 1.0, 0.0);
            }
        }
        plan.sumInto(ye, y);
        balance.compute(logits, plan.countsArray());
        return y;
    }
}
