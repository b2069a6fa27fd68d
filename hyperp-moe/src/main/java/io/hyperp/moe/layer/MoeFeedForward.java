package io.hyperp.moe.layer;

import io.hyperp.core.init.Initializer;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.InitScheme;
import io.hyperp.core.sphere.NormReduction;
import io.hyperp.moe.RouterConfig;
import io.hyperp.moe.balance.BalanceLossValues;
import io.hyperp.moe.balance.BalanceLosses;
import io.hyperp.moe.balance.LossFreeBalancer;
import io.hyperp.moe.internal.Ops;
import io.hyperp.moe.metrics.RoutingStats;
import io.hyperp.moe.routing.DispatchPlan;
import io.hyperp.moe.routing.TopKRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SwishDerivative;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A SwiGLU mixture-of-experts feed-forward layer with an explicit forward and backward pass, for
 * hand-written ND4J models, for a fixed number of tokens {@code T} per call.
 *
 * <p>Forward, for input \(x \in \mathbb{R}^{T\times d}\):
 * <ol>
 *   <li>router logits \(l = x W_r^T\) ({@code W_r} {@code [E, d]}, role ROUTER);</li>
 *   <li>top-{@code k'} selection, gates and combine weights \(c\) ({@link TopKRouter});</li>
 *   <li>dispatch of the {@code T k'} (token, slot) rows into expert order ({@link DispatchPlan});</li>
 *   <li>per expert \(e\) on its rows \(X_e\): \(A = X_e W_{g,e}^T\), \(B = X_e W_{u,e}^T\),
 *       \(H = c \odot \mathrm{silu}(A) \odot B\) (the combine weight folded into the rows),
 *       \(Y_e = H W_{d,e}^T\); the stacks {@code w_gate}, {@code w_up} {@code [E, f, d]} and
 *       {@code w_down} {@code [E, d, f]} have role EXPERT;</li>
 *   <li>combine \(y_t = \sum_j Y_{\mathrm{row}(t,j)}\);</li>
 *   <li>with a shared expert (matrices of role HIDDEN), \(y \mathrel{+}= \beta\, E_s(x)\),
 *       \(\beta\) = {@link RouterConfig#sharedScale()};</li>
 *   <li>the auxiliary losses and statistics ({@link BalanceLosses}, {@link #lastStats()}).</li>
 * </ol>
 * The routed scale \(\sqrt{1-p}\) of SqrtGate with a shared expert is part of \(c\).
 *
 * <p>Backward ({@link #backward}): given \(\partial L/\partial y\), writes \(\partial L/\partial
 * \theta\) for every parameter into its gradient buffer (overwriting it) and returns
 * \(\partial L/\partial x\). The gradient includes the auxiliary losses, as if the training loss were
 * {@code L + auxLoss()}: a model adds {@link #auxLoss()} to its reported loss. Gradients through the
 * square root of SqrtGate are guarded at \(g = 0\) (see {@link TopKRouter}).
 *
 * <p>Buffers: everything is allocated in {@link #create}; forward and backward allocate no tensor
 * buffer (only small view objects, per expert). For float32 at {@code T} tokens the layer holds about
 * {@code 4 (2 T k' d + 4 T k' f + 3 T d + 4 T f)} bytes of activations and scratch (the dispatched
 * inputs and the expert outputs; four hidden buffers; output, input gradient and the dispatch plan's
 * scratch; the shared expert's buffers).
 *
 * <p>Contract: the input array passed to {@link #forward} is kept by reference and must not change
 * before {@link #backward}; the arrays returned by {@link #forward} and {@link #backward} are the
 * layer's own buffers, overwritten by the next call. {@link #backward} consumes the forward's
 * activations: call {@link #forward} again before another {@link #backward}. Bad input (wrong
 * shape or dtype, non-finite router logits) raises an {@link IllegalArgumentException} naming the
 * layer; parameters, gradients, the selection bias and the statistics of the previous step are then
 * untouched, and the cached activations are invalidated (a backward must be preceded by a successful
 * forward). Not thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP MoE, SqrtGate); Shazeer, <i>GLU Variants
 * Improve Transformer</i>; Gale et al., <i>MegaBlocks</i> (dropless grouped experts); DeepSeek-V3
 * report (shared experts, loss-free balancing).
 */
public final class MoeFeedForward {

    private final String name;
    private final MoeLayerConfig config;
    private final DataType dataType;
    private final long tokens;
    private final int d;
    private final int f;
    private final int experts;
    private final int routedK;
    private final long rows;
    private final NormReduction reduction;

    private final Params p;
    private final TopKRouter router;
    private final DispatchPlan plan;
    private final BalanceLosses balance;
    private final LossFreeBalancer balancer;

    private final INDArray logits; // [T, E]
    private final INDArray dLogits; // [T, E]
    private final INDArray xs; // [N, d]
    private final INDArray a; // [N, f]
    private final INDArray b; // [N, f]
    private final INDArray h; // [N, f]
    private final INDArray dh; // [N, f]
    private final INDArray ye; // [N, d]
    private final INDArray cRows; // [N]
    private final INDArray cRowsCol; // [N, 1]
    private final INDArray dcRows; // [N]
    private final INDArray dWeights; // [k', T]
    private final INDArray y; // [T, d]
    private final INDArray dx; // [T, d]
    private final INDArray sa; // [T, f] shared expert
    private final INDArray sb;
    private final INDArray sh;
    private final INDArray sdh;
    private final INDArray rmsStats; // DOUBLE [2]

    private INDArray input;
    private boolean forwardDone;
    private RoutingStats lastStats;

    /** Parameters and gradients, shared between layers that differ only in token count. */
    private static final class Params {
        final INDArray router;
        final INDArray gate;
        final INDArray up;
        final INDArray down;
        final INDArray sharedGate;
        final INDArray sharedUp;
        final INDArray sharedDown;
        final INDArray gRouter;
        final INDArray gGate;
        final INDArray gUp;
        final INDArray gDown;
        final INDArray gSharedGate;
        final INDArray gSharedUp;
        final INDArray gSharedDown;
        final INDArray[] gateE;
        final INDArray[] upE;
        final INDArray[] downE;
        final INDArray[] gGateE;
        final INDArray[] gUpE;
        final INDArray[] gDownE;
        final List<LayerParam> list;

        Params(String name, MoeLayerConfig c, DataType dt, long seed) {
            int d = c.modelDim();
            int f = c.expertWidth();
            int e = c.router().experts();
            List<LayerParam> l = new ArrayList<>();
            ParamSpec rs = ParamSpec.matrixOutIn(name + ".router", e, d, ParamRole.ROUTER);
            ParamSpec gs = ParamSpec.expertStack(name + ".w_gate", e, f, d);
            ParamSpec us = ParamSpec.expertStack(name + ".w_up", e, f, d);
            ParamSpec ds = ParamSpec.expertStack(name + ".w_down", e, d, f);
            router = init(rs, dt, seed);
            gate = init(gs, dt, seed);
            up = init(us, dt, seed);
            down = init(ds, dt, seed);
            gRouter = Nd4j.zeros(dt, e, d);
            gGate = Nd4j.zeros(dt, e, f, d);
            gUp = Nd4j.zeros(dt, e, f, d);
            gDown = Nd4j.zeros(dt, e, d, f);
            l.add(new LayerParam(rs, router, gRouter));
            l.add(new LayerParam(gs, gate, gGate));
            l.add(new LayerParam(us, up, gUp));
            l.add(new LayerParam(ds, down, gDown));
            if (c.router().sharedExpert()) {
                ParamSpec sgs = ParamSpec.matrixOutIn(name + ".shared.w_gate", f, d, ParamRole.HIDDEN);
                ParamSpec sus = ParamSpec.matrixOutIn(name + ".shared.w_up", f, d, ParamRole.HIDDEN);
                ParamSpec sds = ParamSpec.matrixOutIn(name + ".shared.w_down", d, f, ParamRole.HIDDEN);
                sharedGate = init(sgs, dt, seed);
                sharedUp = init(sus, dt, seed);
                sharedDown = init(sds, dt, seed);
                gSharedGate = Nd4j.zeros(dt, f, d);
                gSharedUp = Nd4j.zeros(dt, f, d);
                gSharedDown = Nd4j.zeros(dt, d, f);
                l.add(new LayerParam(sgs, sharedGate, gSharedGate));
                l.add(new LayerParam(sus, sharedUp, gSharedUp));
                l.add(new LayerParam(sds, sharedDown, gSharedDown));
            } else {
                sharedGate = null;
                sharedUp = null;
                sharedDown = null;
                gSharedGate = null;
                gSharedUp = null;
                gSharedDown = null;
            }
            gateE = slices(gate, e);
            upE = slices(up, e);
            downE = slices(down, e);
            gGateE = slices(gGate, e);
            gUpE = slices(gUp, e);
            gDownE = slices(gDown, e);
            list = List.copyOf(l);
        }

        private static INDArray init(ParamSpec spec, DataType dt, long seed) {
            return Initializer.initialize(spec, InitScheme.uniformFanIn(), dt, seed);
        }

        private static INDArray[] slices(INDArray stack, int e) {
            INDArray[] out = new INDArray[e];
            for (int i = 0; i < e; i++) {
                out[i] = stack.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all());
            }
            return out;
        }
    }

    private MoeFeedForward(
            String name,
            MoeLayerConfig config,
            long tokens,
            DataType dataType,
            NormReduction reduction,
            Params params,
            LossFreeBalancer balancer) {
        this.name = name;
        this.config = config;
        this.dataType = dataType;
        this.tokens = tokens;
        this.d = config.modelDim();
        this.f = config.expertWidth();
        this.experts = config.router().experts();
        this.routedK = config.router().routedTopK();
        this.rows = tokens * routedK;
        this.reduction = reduction;
        this.p = params;
        this.router = TopKRouter.create(name, config.router(), tokens, dataType);
        this.plan = DispatchPlan.create(name, experts, tokens, routedK, d, dataType);
        this.balance = BalanceLosses.create(name, config.balance(), experts, tokens, dataType, reduction);
        this.balancer = balancer;
        if (balancer != null) {
            router.setSelectionBias(balancer.bias());
        }
        this.logits = Nd4j.create(dataType, tokens, experts);
        this.dLogits = Nd4j.create(dataType, tokens, experts);
        this.xs = Nd4j.create(dataType, rows, d);
        this.a = Nd4j.create(dataType, rows, f);
        this.b = Nd4j.create(dataType, rows, f);
        this.h = Nd4j.create(dataType, rows, f);
        this.dh = Nd4j.create(dataType, rows, f);
        this.ye = Nd4j.create(dataType, rows, d);
        this.cRows = Nd4j.create(dataType, rows);
        this.cRowsCol = cRows.reshape(rows, 1);
        this.dcRows = Nd4j.create(dataType, rows);
        this.dWeights = Nd4j.create(dataType, routedK, tokens);
        this.y = Nd4j.create(dataType, tokens, d);
        this.dx = Nd4j.create(dataType, tokens, d);
        if (config.router().sharedExpert()) {
            this.sa = Nd4j.create(dataType, tokens, f);
            this.sb = Nd4j.create(dataType, tokens, f);
            this.sh = Nd4j.create(dataType, tokens, f);
            this.sdh = Nd4j.create(dataType, tokens, f);
        } else {
            this.sa = null;
            this.sb = null;
            this.sh = null;
            this.sdh = null;
        }
        this.rmsStats = Nd4j.create(DataType.DOUBLE, 2);
    }

    /**
     * Creates a layer, initializes its parameters (U(-1/sqrt(fan_in), 1/sqrt(fan_in)), per expert
     * for the stacks; deterministic for {@code seed}) and allocates every buffer.
     *
     * @param name      the layer's name: prefix of its parameter names, used in every error message
     * @param config    the layer's shape and routing
     * @param tokens    the number of tokens {@code T} per call (batch times sequence length), >= 1
     * @param dataType  FLOAT or DOUBLE
     * @param reduction how batch statistics (balance losses, loads, RMS) are summed over workers;
     *                  {@link NormReduction#local()} on one worker
     * @param seed      the initialization seed
     * @throws IllegalArgumentException for a blank name, {@code tokens < 1}, another dtype, or
     *                                  {@code tokens * k'} above {@link DispatchPlan#MAX_ROWS}
     */
    public static MoeFeedForward create(
            String name, MoeLayerConfig config, long tokens, DataType dataType, NormReduction reduction, long seed) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(reduction, "reduction");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (tokens < 1) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s: tokens (%d) must be >= 1", name, tokens));
        }
        if (tokens * config.router().routedTopK() > DispatchPlan.MAX_ROWS) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: tokens * k' (%d * %d) exceeds %d rows",
                    name,
                    tokens,
                    config.router().routedTopK(),
                    DispatchPlan.MAX_ROWS));
        }
        Ops.checkFloating(name, dataType);
        LossFreeBalancer balancer = config.lossFreeRate() > 0
                ? LossFreeBalancer.create(name, config.router().experts(), config.lossFreeRate(), dataType, reduction)
                : null;
        return new MoeFeedForward(
                name, config, tokens, dataType, reduction, new Params(name, config, dataType, seed), balancer);
    }

    /**
     * A layer for another token count that shares this layer's parameters, gradient buffers and
     * selection bias, with buffers of its own (for example an evaluation batch size).
     *
     * @throws IllegalArgumentException if {@code tokens < 1}
     */
    public MoeFeedForward withTokens(long tokens) {
        if (tokens < 1 || tokens * routedK > DispatchPlan.MAX_ROWS) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: tokens (%d) must be >= 1 and tokens * k' at most %d",
                    name,
                    tokens,
                    DispatchPlan.MAX_ROWS));
        }
        return new MoeFeedForward(name, config, tokens, dataType, reduction, p, balancer);
    }

    /** The layer's name. */
    public String name() {
        return name;
    }

    /** The layer's configuration. */
    public MoeLayerConfig config() {
        return config;
    }

    /** The number of tokens per call. */
    public long tokens() {
        return tokens;
    }

    /** The dtype of parameters and activations. */
    public DataType dataType() {
        return dataType;
    }

    /**
     * The trainable tensors, in a fixed order: router (ROUTER), {@code w_gate}, {@code w_up},
     * {@code w_down} (EXPERT stacks), then, with a shared expert, its three matrices (HIDDEN).
     * Unmodifiable list; the arrays are live.
     */
    public List<LayerParam> params() {
        return p.list;
    }

    /** The router of this layer (its buffers hold the last routing decision). */
    public TopKRouter router() {
        return router;
    }

    /** The dispatch plan of the last forward pass. */
    public DispatchPlan plan() {
        return plan;
    }

    /** The loss-free balancer, or {@code null} when {@link MoeLayerConfig#lossFreeRate()} is 0. */
    public LossFreeBalancer balancer() {
        return balancer;
    }

    /**
     * Forward pass (see the class documentation).
     *
     * @param x the input {@code [T, d]}; kept by reference until {@link #backward}
     * @return the output {@code [T, d]}: the layer's buffer, overwritten by the next forward
     * @throws IllegalArgumentException for a wrong shape or dtype, or non-finite router logits
     *                                  (the message names the layer)
     */
    public INDArray forward(INDArray x) {
        Ops.checkArray(name, "x", x, dataType, tokens, d);
        forwardDone = false;
        Nd4j.gemm(x, p.router, logits, false, true, 1.0, 0.0);
        router.route(logits);
        plan.build(router.expertIds());
        plan.gatherInto(x, xs);
        plan.slotsToRowsInto(router.combineWeights(), cRows);
        for (int e = 0; e < experts; e++) {
            INDArray xe = plan.expertBlock(xs, e);
            if (xe == null) {
                continue;
            }
            Nd4j.gemm(xe, p.gateE[e], plan.expertBlock(a, e), false, true, 1.0, 0.0);
            Nd4j.gemm(xe, p.upE[e], plan.expertBlock(b, e), false, true, 1.0, 0.0);
        }
        Nd4j.exec(new Swish(a, h));
        h.muli(b).muliColumnVector(cRowsCol);
        for (int e = 0; e < experts; e++) {
            INDArray he = plan.expertBlock(h, e);
            if (he != null) {
                Nd4j.gemm(he, p.downE[e], plan.expertBlock(ye, e), false, true, 1.0, 0.0);
            }
        }
        plan.sumInto(ye, y);

        rmsStats.putScalar(0, Nd4j.getExecutioner().exec(new SquaredNorm(y)).getDouble(0));
        rmsStats.putScalar(1, (double) tokens * d);
        reduction.allReduceSumInPlace(rmsStats);
        double routedRms = Math.sqrt(rmsStats.getDouble(0) / rmsStats.getDouble(1));

        if (config.router().sharedExpert()) {
            Nd4j.gemm(x, p.sharedGate, sa, false, true, 1.0, 0.0);
            Nd4j.gemm(x, p.sharedUp, sb, false, true, 1.0, 0.0);
            Nd4j.exec(new Swish(sa, sh));
            sh.muli(sb);
            Nd4j.gemm(sh, p.sharedDown, y, false, true, config.router().sharedScale(), 1.0);
        }
        BalanceLossValues losses = balance.compute(logits, plan.countsArray());
        lastStats = new RoutingStats(balance.globalLoads(), losses.routerZ(), routedRms, losses);
        input = x;
        forwardDone = true;
        return y;
    }

    /**
     * Backward pass of the last {@link #forward}: overwrites every parameter's gradient buffer with
     * \(\partial (L + \mathrm{aux})/\partial \theta\) and returns \(\partial (L + \mathrm{aux})/\partial
     * x\). Consumes the forward's activations.
     *
     * @param dy \(\partial L/\partial y\), {@code [T, d]}; only read
     * @return the input gradient {@code [T, d]}: the layer's buffer, overwritten by the next backward
     * @throws IllegalStateException    without a successful forward since the last backward
     * @throws IllegalArgumentException for a wrong shape or dtype (nothing is modified then)
     */
    public INDArray backward(INDArray dy) {
        if (!forwardDone) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT, "%s: backward needs a successful forward(x) since the last backward", name));
        }
        Ops.checkArray(name, "dy", dy, dataType, tokens, d);
        forwardDone = false;

        // Routed experts. ye <- dy in expert order.
        plan.gatherInto(dy, ye);
        for (int e = 0; e < experts; e++) {
            INDArray dye = plan.expertBlock(ye, e);
            if (dye == null) {
                p.gGateE[e].assign(0);
                p.gUpE[e].assign(0);
                p.gDownE[e].assign(0);
                continue;
            }
            Nd4j.gemm(dye, p.downE[e], plan.expertBlock(dh, e), false, false, 1.0, 0.0);
            Nd4j.gemm(dye, plan.expertBlock(h, e), p.gDownE[e], true, false, 1.0, 0.0);
        }
        // h <- silu(a) * b (unweighted); dL/dc per row; then dh <- dL/d(silu(a) * b).
        Nd4j.exec(new Swish(a, h));
        h.muli(b);
        Ops.rowDot(dh, h, dcRows);
        dh.muliColumnVector(cRowsCol);
        swigluBackward(a, b, dh, h); // b <- dL/dA, h <- dL/dB
        for (int e = 0; e < experts; e++) {
            INDArray xe = plan.expertBlock(xs, e);
            if (xe == null) {
                continue;
            }
            INDArray dae = plan.expertBlock(b, e);
            INDArray dbe = plan.expertBlock(h, e);
            INDArray dxe = plan.expertBlock(ye, e);
            Nd4j.gemm(dae, xe, p.gGateE[e], true, false, 1.0, 0.0);
            Nd4j.gemm(dbe, xe, p.gUpE[e], true, false, 1.0, 0.0);
            Nd4j.gemm(dae, p.gateE[e], dxe, false, false, 1.0, 0.0);
            Nd4j.gemm(dbe, p.upE[e], dxe, false, false, 1.0, 1.0);
        }
        plan.sumInto(ye, dx);

        // Router: dL/dc -> dL/dlogits (+ auxiliary losses) -> router weight and input.
        plan.rowsToSlotsInto(dcRows, dWeights);
        router.backwardInto(dWeights, dLogits);
        balance.addGradientInPlace(dLogits);
        Nd4j.gemm(dLogits, input, p.gRouter, true, false, 1.0, 0.0);
        Nd4j.gemm(dLogits, p.router, dx, false, false, 1.0, 1.0);

        if (config.router().sharedExpert()) {
            double beta = config.router().sharedScale();
            Nd4j.gemm(dy, p.sharedDown, sdh, false, false, beta, 0.0);
            Nd4j.gemm(dy, sh, p.gSharedDown, true, false, beta, 0.0);
            swigluBackward(sa, sb, sdh, sh); // sb <- dL/dA, sh <- dL/dB
            Nd4j.gemm(sb, input, p.gSharedGate, true, false, 1.0, 0.0);
            Nd4j.gemm(sh, input, p.gSharedUp, true, false, 1.0, 0.0);
            Nd4j.gemm(sb, p.sharedGate, dx, false, false, 1.0, 1.0);
            Nd4j.gemm(sh, p.sharedUp, dx, false, false, 1.0, 1.0);
        }
        return dx;
    }

    /**
     * SwiGLU backward for \(H = \mathrm{silu}(A) \odot B\): from \(\bar H\) in {@code dh}, writes
     * \(\bar A = \bar H \odot B \odot \mathrm{silu}'(A)\) into {@code b} and \(\bar B = \bar H \odot
     * \mathrm{silu}(A)\) into {@code s}; {@code dh} is used as scratch.
     */
    private static void swigluBackward(INDArray a, INDArray b, INDArray dh, INDArray s) {
        Nd4j.exec(new Swish(a, s));
        s.muli(dh);
        b.muli(dh);
        Nd4j.exec(new SwishDerivative(a, dh));
        b.muli(dh);
    }

    /** The weighted auxiliary loss of the last forward (what to add to the training loss). */
    public double auxLoss() {
        return stats().losses().total();
    }

    /** The statistics of the last successful forward pass. */
    public RoutingStats lastStats() {
        return stats();
    }

    /**
     * Loss-free balancing: updates the selection bias from the loads of the last forward pass
     * (DeepSeek-V3 does this once per training step).
     *
     * @throws IllegalStateException if loss-free balancing is off or before any forward pass
     */
    public void updateSelectionBiasInPlace() {
        if (balancer == null) {
            throw new IllegalStateException(
                    String.format(Locale.ROOT, "%s: loss-free balancing is off (lossFreeRate = 0)", name));
        }
        if (lastStats == null) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: no forward pass yet", name));
        }
        balancer.updateInPlace(plan.countsArray());
    }

    private RoutingStats stats() {
        if (lastStats == null) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: no forward pass yet", name));
        }
        return lastStats;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "MoeFeedForward[%s d=%d f=%d E=%d k'=%d%s T=%d %s]",
                name,
                d,
                f,
                experts,
                routedK,
                config.router().sharedExpert() ? "+shared" : "",
                tokens,
                dataType);
    }
}
