package io.hyperp.moe;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.sphere.NormReduction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A mixture-of-experts SwiGLU feed-forward layer with an explicit forward and backward pass, for
 * models written directly in ND4J ops (SPEC 5): router {@code W_r [E, d]} (ROUTER), stacked experts
 * {@code W_1, W_3 [E, f, d]} and {@code W_2 [E, d, f]} (EXPERT, one sphere per expert under HyperP),
 * and an optional shared expert {@code S_1, S_3 [f_s, d]}, {@code S_2 [d, f_s]} (HIDDEN).
 *
 * <p>Forward: {@code logits = x W_r^T}; top-k' routing; each expert computes
 * {@code (silu(x W_1^T) * (x W_3^T)) W_2^T} on its tokens; the combine adds
 * {@code c sqrt(g)} (SqrtGate) or {@code g}-weighted outputs, plus {@code sqrt(p)} (or 1) times the
 * shared expert's output. The Switch loss with weight {@code gamma} is computed on the batch and its
 * gradient included in {@link #backward}.
 *
 * <p>Parameters and gradients are arrays owned by the layer ({@link #params()}, {@link #grads()}),
 * named {@code <layer>.router}, {@code <layer>.w1}, ... so an optimizer can update them in place.
 * Activations for the backward pass are kept from the last {@link #forward}. Not thread-safe.
 *
 * <p>References: Shazeer et al., <i>GLU Variants</i>; Fedus et al., <i>Switch Transformer</i>;
 * Ren et al., arXiv 2603.28743 (SqrtGate, shared-expert mix).
 */
public final class MoeFeedForward {

    private final String name;
    private final RouterConfig config;
    private final int tokens;
    private final int width;
    private final int expertWidth;
    private final int sharedWidth;
    private final double switchWeight;
    private final Router router;
    private final Dispatcher dispatcher;
    private final List<ParamSpec> specs;
    private final Map<String, INDArray> params = new LinkedHashMap<>();
    private final Map<String, INDArray> grads = new LinkedHashMap<>();
    // activations
    private INDArray x;
    private final INDArray logits;
    private final INDArray xs;    // [kT, d] dispatched inputs
    private final INDArray a;     // [kT, f] x W1^T
    private final INDArray b;     // [kT, f] x W3^T
    private final INDArray h;     // [kT, f] silu(a) * b
    private final INDArray out;   // [kT, d] expert outputs
    private final INDArray y;     // [T, d]
    private final INDArray sa;    // shared [T, fs]
    private final INDArray sb;
    private final INDArray sh;
    private final INDArray so;    // [T, d]
    private double auxLoss;

    private MoeFeedForward(String name, RouterConfig config, int tokens, int width, int expertWidth, int sharedWidth,
                           double switchWeight, DataType dt) {
        this.name = name;
        this.config = config;
        this.tokens = tokens;
        this.width = width;
        this.expertWidth = expertWidth;
        this.sharedWidth = sharedWidth;
        this.switchWeight = switchWeight;
        this.router = Router.create(config, tokens, dt);
        this.dispatcher = Dispatcher.create(router, width);
        int e = config.experts();
        List<ParamSpec> s = new ArrayList<>();
        s.add(ParamSpec.matrixOutIn(name + ".router", e, width, ParamRole.ROUTER));
        s.add(ParamSpec.expertStack(name + ".w1", e, expertWidth, width));
        s.add(ParamSpec.expertStack(name + ".w3", e, expertWidth, width));
        s.add(ParamSpec.expertStack(name + ".w2", e, width, expertWidth));
        if (config.sharedExpert()) {
            s.add(ParamSpec.matrixOutIn(name + ".shared.w1", sharedWidth, width, ParamRole.HIDDEN));
            s.add(ParamSpec.matrixOutIn(name + ".shared.w3", sharedWidth, width, ParamRole.HIDDEN));
            s.add(ParamSpec.matrixOutIn(name + ".shared.w2", width, sharedWidth, ParamRole.HIDDEN));
        }
        this.specs = ImmutableList.copyOf(s);
        for (ParamSpec p : specs) {
            params.put(p.name(), Nd4j.zeros(dt, p.shape()));
            grads.put(p.name(), Nd4j.zeros(dt, p.shape()));
        }
        int rows = config.routedTopK() * tokens;
        this.logits = Nd4j.create(dt, tokens, e);
        this.xs = Nd4j.create(dt, rows, width);
        this.a = Nd4j.create(dt, rows, expertWidth);
        this.b = Nd4j.create(dt, rows, expertWidth);
        this.h = Nd4j.create(dt, rows, expertWidth);
        this.out = Nd4j.create(dt, rows, width);
        this.y = Nd4j.create(dt, tokens, width);
        int fs = Math.max(sharedWidth, 1);
        this.sa = Nd4j.create(dt, tokens, fs);
        this.sb = Nd4j.create(dt, tokens, fs);
        this.sh = Nd4j.create(dt, tokens, fs);
        this.so = Nd4j.create(dt, tokens, width);
    }

    /**
     * A layer for batches of {@code tokens} tokens. Parameters start at zero: initialize them (for
     * example with {@code io.hyperp.core.init.Initializer}) through {@link #params()}.
     *
     * @param expertWidth  each expert's FFN width f (the dense width over the granularity)
     * @param sharedWidth  the shared expert's FFN width (ignored without a shared expert)
     * @param switchWeight the Switch loss weight gamma (HyperP: 0.1; 0 to disable)
     */
    public static MoeFeedForward create(String name, RouterConfig config, int tokens, int width, int expertWidth,
                                        int sharedWidth, double switchWeight, DataType dataType) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        checkArgument(tokens >= 1 && width >= 1 && expertWidth >= 1, "%s: tokens, width and expertWidth must be >= 1",
                name);
        checkArgument(!config.sharedExpert() || sharedWidth >= 1, "%s: sharedWidth (%s) must be >= 1", name,
                sharedWidth);
        checkArgument(switchWeight >= 0 && Double.isFinite(switchWeight), "%s: switchWeight (%s) must be >= 0", name,
                switchWeight);
        return new MoeFeedForward(name, config, tokens, width, expertWidth, sharedWidth, switchWeight, dataType);
    }

    /** The parameter specs, with ROUTER, EXPERT and HIDDEN roles. */
    public List<ParamSpec> specs() {
        return specs;
    }

    /** The parameter arrays by name (live; an optimizer updates them in place). */
    public Map<String, INDArray> params() {
        return params;
    }

    /** The gradient arrays by name, overwritten by {@link #backward}. */
    public Map<String, INDArray> grads() {
        return grads;
    }

    /** The router (its last routing, loads, probabilities). */
    public Router router() {
        return router;
    }

    /** The Switch loss of the last forward pass (already weighted by gamma). */
    public double auxLoss() {
        return auxLoss;
    }

    /**
     * The forward pass.
     *
     * @param input         {@code [T, d]}; kept (not copied) for the backward pass
     * @param selectionBias loss-free balancing bias {@code [E]}, or null
     * @return the layer's output {@code [T, d]}, owned by the layer
     */
    public INDArray forward(INDArray input, INDArray selectionBias) {
        Objects.requireNonNull(input, "input");
        checkArgument(Arrays.equals(input.shape(), new long[] {tokens, width}), "%s: input must have shape [%s, %s], found %s",
                name, tokens, width, Arrays.toString(input.shape()));
        this.x = input;
        Nd4j.gemm(input, params.get(name + ".router"), logits, false, true, 1.0, 0.0);
        router.route(logits, selectionBias);
        dispatcher.plan();
        dispatcher.gatherInputs(input, xs);
        INDArray w1 = params.get(name + ".w1");
        INDArray w3 = params.get(name + ".w3");
        INDArray w2 = params.get(name + ".w2");
        for (int e = 0; e < config.experts(); e++) {
            long n = dispatcher.count(e);
            if (n == 0) {
                continue;
            }
            long off = dispatcher.offset(e);
            INDArray xe = rows(xs, off, n);
            INDArray ae = rows(a, off, n);
            INDArray be = rows(b, off, n);
            ae.assign(xe.mmul(w1.slice(e).transpose()));
            be.assign(xe.mmul(w3.slice(e).transpose()));
            INDArray he = rows(h, off, n);
            he.assign(Transforms.sigmoid(ae, true).muli(ae).muli(be));
            rows(out, off, n).assign(he.mmul(w2.slice(e).transpose()));
        }
        dispatcher.combine(out, y);
        if (config.sharedExpert()) {
            Nd4j.gemm(input, params.get(name + ".shared.w1"), sa, false, true, 1.0, 0.0);
            Nd4j.gemm(input, params.get(name + ".shared.w3"), sb, false, true, 1.0, 0.0);
            sh.assign(Transforms.sigmoid(sa, true).muli(sa).muli(sb));
            Nd4j.gemm(sh, params.get(name + ".shared.w2"), so, false, true, 1.0, 0.0);
            y.addi(so.mul(config.sharedScale()));
        }
        auxLoss = switchWeight > 0 ? BalanceLosses.switchLoss(router, switchWeight, NormReduction.local(), null) : 0;
        return y;
    }

    /**
     * The backward pass of the last {@link #forward}, the Switch loss included: fills
     * {@link #grads()} and returns {@code dL/dx}.
     *
     * @param gradY {@code [T, d]}; read only
     * @return a new {@code [T, d]} array with the input gradient
     */
    public INDArray backward(INDArray gradY) {
        Objects.requireNonNull(gradY, "gradY");
        checkArgument(x != null, "%s: backward before forward; call forward(input, bias) first", name);
        checkArgument(Arrays.equals(gradY.shape(), new long[] {tokens, width}), "%s: gradY must have shape [%s, %s], found %s",
                name, tokens, width, Arrays.toString(gradY.shape()));
        int k = config.routedTopK();
        int rowsN = k * tokens;
        DataType dt = x.dataType();
        INDArray gOut = Nd4j.create(dt, rowsN, width);
        INDArray gW = Nd4j.create(dt, k, tokens);
        dispatcher.backwardCombine(gradY, out, gOut, gW);
        INDArray gXs = Nd4j.zeros(dt, rowsN, width);
        INDArray w1 = params.get(name + ".w1");
        INDArray w3 = params.get(name + ".w3");
        INDArray w2 = params.get(name + ".w2");
        INDArray g1 = grads.get(name + ".w1").assign(0);
        INDArray g3 = grads.get(name + ".w3").assign(0);
        INDArray g2 = grads.get(name + ".w2").assign(0);
        for (int e = 0; e < config.experts(); e++) {
            long n = dispatcher.count(e);
            if (n == 0) {
                continue;
            }
            long off = dispatcher.offset(e);
            INDArray go = rows(gOut, off, n);
            INDArray he = rows(h, off, n);
            INDArray ae = rows(a, off, n);
            INDArray be = rows(b, off, n);
            INDArray xe = rows(xs, off, n);
            g2.slice(e).assign(go.transpose().mmul(he));
            INDArray dh = go.mmul(w2.slice(e));
            INDArray[] dab = swigluBackward(ae, be, dh);
            g1.slice(e).assign(dab[0].transpose().mmul(xe));
            g3.slice(e).assign(dab[1].transpose().mmul(xe));
            rows(gXs, off, n).assign(dab[0].mmul(w1.slice(e)).addi(dab[1].mmul(w3.slice(e))));
        }
        INDArray gx = Nd4j.create(dt, tokens, width);
        dispatcher.backwardGather(gXs, gx);
        INDArray gLogits = Nd4j.zeros(dt, tokens, config.experts());
        router.backwardWeights(gW, gLogits);
        if (switchWeight > 0) {
            BalanceLosses.switchLoss(router, switchWeight, NormReduction.local(), gLogits);
        }
        INDArray wr = params.get(name + ".router");
        grads.get(name + ".router").assign(gLogits.transpose().mmul(x));
        gx.addi(gLogits.mmul(wr));
        if (config.sharedExpert()) {
            INDArray gso = gradY.mul(config.sharedScale());
            grads.get(name + ".shared.w2").assign(gso.transpose().mmul(sh));
            INDArray dh = gso.mmul(params.get(name + ".shared.w2"));
            INDArray[] dab = swigluBackward(sa, sb, dh);
            grads.get(name + ".shared.w1").assign(dab[0].transpose().mmul(x));
            grads.get(name + ".shared.w3").assign(dab[1].transpose().mmul(x));
            gx.addi(dab[0].mmul(params.get(name + ".shared.w1"))).addi(dab[1].mmul(params.get(name + ".shared.w3")));
        }
        return gx;
    }

    /** For h = silu(a) * b: returns {dL/da, dL/db} given dL/dh. */
    private static INDArray[] swigluBackward(INDArray a, INDArray b, INDArray dh) {
        INDArray sig = Transforms.sigmoid(a, true);
        INDArray silu = sig.mul(a);
        INDArray db = dh.mul(silu);
        // silu'(a) = sig (1 + a (1 - sig))
        INDArray dsilu = sig.rsub(1.0).muli(a).addi(1.0).muli(sig);
        INDArray da = dh.mul(b).muli(dsilu);
        return new INDArray[] {da, db};
    }

    private static INDArray rows(INDArray m, long off, long n) {
        return m.get(NDArrayIndex.interval(off, off + n), NDArrayIndex.all());
    }
}
