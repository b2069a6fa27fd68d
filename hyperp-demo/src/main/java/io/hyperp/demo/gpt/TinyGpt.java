package io.hyperp.demo.gpt;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.InitScheme;
import io.hyperp.core.sphere.NormReduction;
import io.hyperp.moe.layer.LayerParam;
import io.hyperp.moe.layer.MoeFeedForward;
import io.hyperp.moe.layer.MoeLayerConfig;
import io.hyperp.optim.ParamSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A small byte-level decoder-only transformer written directly in ND4J ops, with a hand-written
 * backward pass and every activation and gradient buffer allocated once at construction.
 *
 * <p>The model, for tokens \(x_{1..T}\) of each of B sequences, width d, depth L, heads of width
 * \(h\), \(\rho = 1/\sqrt{2L}\) and logit multiplier c:
 * <pre>
 *   h = E[x]                                                   token embedding (gather)
 *   for each block:
 *     n = RMSNorm(h) * g1
 *     q, k, v = n Wq^T, n Wk^T, n Wv^T                          per head:
 *     q, k = RMSNorm_h(q) * gq, RMSNorm_h(k) * gk               QK-norm (when on)
 *     o = softmax(q k^T / sqrt(h) + causal mask) v
 *     h = h + rho * o Wo^T
 *     n = RMSNorm(h) * g2
 *     h = h + rho * (silu(n W1^T) * (n W3^T)) W2^T              SwiGLU
 *   z = c * (RMSNorm(h) * gf) Wout^T                            untied head
 *   loss = mean over tokens of -log softmax(z)[next token]
 * </pre>
 * with {@code RMSNorm(x) = x / sqrt(mean(x^2) + 1e-6)} over the last axis. Matrices are stored
 * {@code [out, in]} (so {@code y = x W^T}); the embedding and the head are {@code [vocab, width]}.
 *
 * <p>Parameters, in a fixed order, each with its {@link ParamSpec} (name, shape, {@link ParamRole})
 * and its gradient buffer: {@code embed} (EMBEDDING); per block {@code blocks.l.attn_norm} (GAIN),
 * {@code blocks.l.attn.q}, {@code .k}, {@code .v} (HIDDEN), {@code blocks.l.attn.q_norm},
 * {@code .k_norm} (GAIN, length h, only with QK-norm), {@code blocks.l.attn.o} (HIDDEN),
 * {@code blocks.l.mlp_norm} (GAIN), {@code blocks.l.mlp.gate}, {@code .up}, {@code .down} (HIDDEN);
 * {@code final_norm} (GAIN); {@code head} (OUTPUT_HEAD). With a mixture of experts
 * ({@link #create(TinyGptConfig, Function, MoeLayerConfig)}) each block's SwiGLU is replaced by
 * hyperp-moe's {@link MoeFeedForward} named {@code blocks.l.moe} (router ROUTER, expert stacks EXPERT,
 * a shared expert HIDDEN), whose parameters take the place of the three MLP matrices; its auxiliary
 * balance losses are part of the training objective returned by {@link #forwardBackward}. Initialization follows the roles (SPEC
 * section 1) unless another scheme is given: U(+-1/sqrt(fan_in)) for HIDDEN, N(0, 0.02^2) for the
 * head, N(0, 1e-4^2) for the embedding, 1 for gains; values are drawn in double precision from the
 * seed on the host, so they are a pure function of the config and the schemes, independent of the
 * backend and of the number of threads.
 *
 * <p>Implementation: the forward and backward passes are recorded once, at construction, as fixed
 * sequences of ND4J ops bound to preallocated arrays (about 220 ops per step at depth 2) and replayed
 * by every call; matrix products go straight to BLAS through {@code Mmul}, attention is batched over
 * (batch, head) on permuted views, the embedding is a gather (its gradient a locked, deterministic
 * scatter-add), and the loss and its gradient come out of the same forward pass. Nothing is allocated
 * per step apart from small Java objects. For speed on a CPU, set ND4J's thread counts with
 * {@link NdThreads} first.
 *
 * <p>Mutation and thread-safety: {@link #forwardBackward} overwrites every gradient buffer and the
 * internal activations; {@link #loss} overwrites the activations only. Parameters change only when the
 * caller (an optimizer) writes into {@link Param#value()}. An instance is not thread-safe; run
 * independent models on independent threads.
 *
 * <p>Non-finite values: nothing is checked on the hot path. If parameters or activations become
 * non-finite the returned loss is NaN or infinite, which callers treat as divergence; the gradients
 * are then meaningless but the call does not fail.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP), sections 3-4 (model family, QK-norm,
 * residual multiplier); Shazeer, <i>GLU Variants Improve Transformer</i> (SwiGLU); Zhang and
 * Sennrich, <i>Root Mean Square Layer Normalization</i>.
 */
public final class TinyGpt {

    /** The epsilon inside every RMSNorm: {@code x / sqrt(mean(x^2) + NORM_EPS)}. */
    public static final double NORM_EPS = 1e-6;

    /** The additive score of a masked (future) position before the attention softmax. */
    private static final double MASKED = -1e9;

    /**
     * One trainable tensor: its spec, its value (which optimizers update in place) and its gradient
     * (overwritten by every {@link TinyGpt#forwardBackward}). The arrays are the model's own buffers,
     * not copies; they are 'c'-ordered and never views.
     *
     * @param spec  name, shape and role
     * @param value the parameter
     * @param grad  the gradient of the mean loss with respect to it
     */
    public record Param(ParamSpec spec, INDArray value, INDArray grad) {
        /** Checks that both arrays match the spec's shape. */
        public Param {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(grad, "grad");
            spec.checkShape("value", value.shape());
            spec.checkShape("grad", grad.shape());
        }
    }

    private final TinyGptConfig cfg;
    private final DataType dt;
    private final int vocab;
    private final int ctx;
    private final int batch;
    private final int width;
    private final int headDim;
    private final int heads;
    private final int ffn;
    private final int tokens;
    private final double rho;
    private final double attnScale;
    private final double logitMult;

    private final List<Param> params;
    private final ParamSet valueSet;
    private final ParamSet gradSet;
    private final Tape forwardTape;
    private final Tape backwardTape;

    // Kept for the stability indicators, which read the activations of the last forward pass.
    private final Block[] blockList;
    private final Saved[] savedList;
    private final Buffers buffers;
    private boolean forwardRan;
    private final MoeLayerConfig moeConfig; // null for the dense model
    private boolean moeFailed; // the last forward met non-finite router logits

    // Inputs.
    private final int[] hostInputs;
    private final int[] hostTargets; // flat indices n * vocab + target_n into the [N, V] logits
    private final INDArray inputs; // INT32 [N]
    private final INDArray targets; // INT32 [N], flat indices as in hostTargets

    // Loss parts read back to the host after the forward tape.
    private final INDArray lossSum; // [1, 1] sum over tokens of logsumexp(z) - z[target]

    /** Parameters, gradients and saved activations of one block. */
    private static final class Block {
        INDArray g1;
        INDArray dg1;
        INDArray wq;
        INDArray dwq;
        INDArray wk;
        INDArray dwk;
        INDArray wv;
        INDArray dwv;
        INDArray gq;
        INDArray dgq;
        INDArray gk;
        INDArray dgk;
        INDArray wo;
        INDArray dwo;
        INDArray g2;
        INDArray dg2;
        INDArray w1;
        INDArray dw1;
        INDArray w3;
        INDArray dw3;
        INDArray w2;
        INDArray dw2;
        MoeFeedForward moe; // replaces w1, w3, w2 when the model is a mixture of experts
    }

    /**
     * Activations and scratch shared by the forward and backward tapes (N = batch * context tokens,
     * d = width, F = ffn, H heads of width h, V = vocab). Per-block saved activations live in
     * {@link Saved}.
     */
    private final class Buffers {
        final INDArray h = buf(tokens, width); // residual stream
        final INDArray dh = buf(tokens, width); // its gradient
        final INDArray dn = buf(tokens, width); // gradient of a norm output
        final INDArray tmpD = buf(tokens, width);
        final INDArray colD = buf(tokens, 1);
        final INDArray tmpHd = buf((long) tokens * heads, headDim);
        final INDArray colHd = buf((long) tokens * heads, 1);
        final INDArray onesRows = ones(1, (long) tokens * heads); // [1, N*H]; prefixes sum over rows
        final INDArray onesCtx = ones(ctx, 1);
        final INDArray dq = buf(tokens, width);
        final INDArray dk = buf(tokens, width);
        final INDArray dv = buf(tokens, width);
        final INDArray dO = buf(tokens, width);
        final INDArray dq4 = headView(dq);
        final INDArray dk4 = headView(dk);
        final INDArray dv4 = headView(dv);
        final INDArray dO4 = headView(dO);
        final INDArray scores = buf(batch, heads, ctx, ctx);
        final INDArray dP = buf(batch, heads, ctx, ctx);
        final INDArray rowBht = buf((long) batch * heads * ctx, 1);
        final INDArray mask = causalMask();
        final INDArray dm = buf(tokens, ffn);
        final INDArray du3 = buf(tokens, ffn);
        final INDArray tmpF = buf(tokens, ffn);
        final INDArray finalXhat = buf(tokens, width);
        final INDArray finalR = buf(tokens, 1);
        final INDArray finalOut = buf(tokens, width);
        final INDArray logits = buf(tokens, vocab);
        final INDArray probs = buf(tokens, vocab);
        final INDArray targetLogit = buf(tokens, 1);
        final INDArray minusOnes = full(-1.0, tokens);
        final INDArray rowMax = buf(tokens, 1);
        final INDArray rowPmax = buf(tokens, 1);

        /** The first {@code rows} entries of {@link #onesRows} as a {@code [1, rows]} row. */
        INDArray onesRow(long rows) {
            return onesRows.reshape(onesRows.length())
                    .get(NDArrayIndex.interval(0, rows))
                    .reshape(1, rows);
        }
    }

    /** The activations of one block that its backward pass reads. */
    private final class Saved {
        final INDArray xhat1 = buf(tokens, width);
        final INDArray r1 = buf(tokens, 1);
        final INDArray n1 = buf(tokens, width);
        final INDArray qs = buf(tokens, width); // queries entering attention (normalized, gained, scaled)
        final INDArray ks = buf(tokens, width);
        final INDArray v = buf(tokens, width);
        // QK-norm only:
        final INDArray qhat = cfg.qkNorm() ? buf((long) tokens * heads, headDim) : null;
        final INDArray khat = cfg.qkNorm() ? buf((long) tokens * heads, headDim) : null;
        final INDArray rq = cfg.qkNorm() ? buf((long) tokens * heads, 1) : null;
        final INDArray rk = cfg.qkNorm() ? buf((long) tokens * heads, 1) : null;
        final INDArray gqEff = cfg.qkNorm() ? buf(headDim) : null; // gq / sqrt(h)
        final INDArray q4 = headView(qs);
        final INDArray k4 = headView(ks);
        final INDArray v4 = headView(v);
        final INDArray p = buf(batch, heads, ctx, ctx);
        final INDArray o = buf(tokens, width);
        final INDArray o4 = headView(o);
        final INDArray xhat2 = buf(tokens, width);
        final INDArray r2 = buf(tokens, 1);
        final INDArray n2 = buf(tokens, width);
        final INDArray act = buf(tokens, ffn); // silu(n2 W1^T)
        final INDArray sig = buf(tokens, ffn); // sigmoid(n2 W1^T)
        final INDArray u3 = buf(tokens, ffn); // n2 W3^T
        final INDArray m = buf(tokens, ffn); // act * u3
    }

    private final Function<ParamSpec, InitScheme> initOf;

    private TinyGpt(TinyGptConfig cfg, Function<ParamSpec, InitScheme> initOf, MoeLayerConfig moeConfig) {
        this.initOf = initOf;
        this.moeConfig = moeConfig;
        this.cfg = cfg;
        this.dt = cfg.dtype();
        this.vocab = cfg.vocab();
        this.ctx = cfg.context();
        this.batch = cfg.batch();
        this.width = cfg.width();
        this.headDim = cfg.headDim();
        this.heads = cfg.heads();
        this.ffn = cfg.ffn();
        this.tokens = cfg.tokens();
        this.rho = cfg.residualMultiplier();
        this.attnScale = 1.0 / Math.sqrt(headDim);
        this.logitMult = cfg.logitMultiplier();
        int d = width;

        SplittableRandom rng = new SplittableRandom(cfg.seed());
        List<Param> ps = new ArrayList<>();
        INDArray embed = init(ps, rng, ParamSpec.matrixInOut("embed", vocab, d, ParamRole.EMBEDDING));
        INDArray dEmbed = lastGrad(ps);
        Block[] blocks = new Block[cfg.depth()];
        for (int l = 0; l < blocks.length; l++) {
            Block b = new Block();
            String p = "blocks." + l + ".";
            b.g1 = init(ps, rng, ParamSpec.vector(p + "attn_norm", d, ParamRole.GAIN));
            b.dg1 = lastGrad(ps);
            b.wq = init(ps, rng, ParamSpec.matrixOutIn(p + "attn.q", d, d, ParamRole.HIDDEN));
            b.dwq = lastGrad(ps);
            b.wk = init(ps, rng, ParamSpec.matrixOutIn(p + "attn.k", d, d, ParamRole.HIDDEN));
            b.dwk = lastGrad(ps);
            b.wv = init(ps, rng, ParamSpec.matrixOutIn(p + "attn.v", d, d, ParamRole.HIDDEN));
            b.dwv = lastGrad(ps);
            if (cfg.qkNorm()) {
                b.gq = init(ps, rng, ParamSpec.vector(p + "attn.q_norm", headDim, ParamRole.GAIN));
                b.dgq = lastGrad(ps);
                b.gk = init(ps, rng, ParamSpec.vector(p + "attn.k_norm", headDim, ParamRole.GAIN));
                b.dgk = lastGrad(ps);
            }
            b.wo = init(ps, rng, ParamSpec.matrixOutIn(p + "attn.o", d, d, ParamRole.HIDDEN));
            b.dwo = lastGrad(ps);
            b.g2 = init(ps, rng, ParamSpec.vector(p + "mlp_norm", d, ParamRole.GAIN));
            b.dg2 = lastGrad(ps);
            if (moeConfig != null) {
                b.moe = MoeFeedForward.create(p + "moe", moeConfig, tokens, dt, NormReduction.local(), cfg.seed());
                for (LayerParam lp : b.moe.params()) {
                    lp.value().assign(draw(rng, lp.spec()));
                    ps.add(new Param(lp.spec(), lp.value(), lp.grad()));
                }
                blocks[l] = b;
                continue;
            }
            b.w1 = init(ps, rng, ParamSpec.matrixOutIn(p + "mlp.gate", ffn, d, ParamRole.HIDDEN));
            b.dw1 = lastGrad(ps);
            b.w3 = init(ps, rng, ParamSpec.matrixOutIn(p + "mlp.up", ffn, d, ParamRole.HIDDEN));
            b.dw3 = lastGrad(ps);
            b.w2 = init(ps, rng, ParamSpec.matrixOutIn(p + "mlp.down", d, ffn, ParamRole.HIDDEN));
            b.dw2 = lastGrad(ps);
            blocks[l] = b;
        }
        INDArray finalGain = init(ps, rng, ParamSpec.vector("final_norm", d, ParamRole.GAIN));
        INDArray dFinalGain = lastGrad(ps);
        INDArray head = init(ps, rng, ParamSpec.matrixOutIn("head", vocab, d, ParamRole.OUTPUT_HEAD));
        INDArray dHead = lastGrad(ps);
        params = Collections.unmodifiableList(ps);
        ParamSet.Builder values = ParamSet.builder();
        ParamSet.Builder grads = ParamSet.builder();
        for (Param p : ps) {
            values.add(p.spec(), p.value());
            grads.add(p.spec(), p.grad());
        }
        valueSet = values.build();
        gradSet = grads.build();

        hostInputs = new int[tokens];
        hostTargets = new int[tokens];
        inputs = Nd4j.create(DataType.INT32, tokens);
        targets = Nd4j.create(DataType.INT32, tokens);
        lossSum = buf(1, 1);

        Buffers z = new Buffers();
        Saved[] saved = new Saved[blocks.length];
        for (int l = 0; l < blocks.length; l++) {
            saved[l] = new Saved();
        }
        var constants = Tape.newConstants();
        forwardTape = new Tape(dt, constants);
        backwardTape = new Tape(dt, constants);
        blockList = blocks;
        savedList = saved;
        buffers = z;
        recordForward(forwardTape, z, embed, blocks, saved, finalGain, head);
        recordBackward(backwardTape, z, dEmbed, blocks, saved, finalGain, dFinalGain, head, dHead);
    }

    /**
     * Builds a model with every buffer allocated and parameters initialized from {@code cfg.seed()} by
     * role ({@link #defaultInit}).
     *
     * @throws NullPointerException if {@code cfg} is null
     */
    public static TinyGpt create(TinyGptConfig cfg) {
        return create(cfg, spec -> defaultInit(spec.role()));
    }

    /**
     * Builds a model whose parameters are initialized by {@code init} (for example a parameterization
     * rule's {@code treatment(spec).init()}), drawn from {@code cfg.seed()}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static TinyGpt create(TinyGptConfig cfg, Function<ParamSpec, InitScheme> init) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(init, "init");
        return new TinyGpt(cfg, init, null);
    }

    /**
     * Builds a mixture-of-experts model: every block's feed-forward is a {@link MoeFeedForward} of
     * {@code moe} (whose {@code ffn} setting is then unused), with parameters initialized by {@code init}
     * like the others.
     *
     * @throws IllegalArgumentException if {@code moe.modelDim()} is not the model's width, or the layer
     *                                  refuses the token count or dtype
     * @throws NullPointerException     if an argument is null
     */
    public static TinyGpt create(TinyGptConfig cfg, Function<ParamSpec, InitScheme> init, MoeLayerConfig moe) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(moe, "moe");
        if (moe.modelDim() != cfg.width()) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "moe: modelDim (%d) must equal the model's width (%d)", moe.modelDim(), cfg.width()));
        }
        return new TinyGpt(cfg, init, moe);
    }

    /** The mixture-of-experts layer configuration, or null for the dense model. */
    public MoeLayerConfig moeConfig() {
        return moeConfig;
    }

    /**
     * The sum over blocks of the MoE layers' auxiliary balance losses at the last forward pass (0 for
     * the dense model); {@link #forwardBackward} returns it added to the cross-entropy.
     */
    public double lastAuxLoss() {
        double aux = 0;
        for (Block b : blockList) {
            if (b.moe != null) {
                aux += b.moe.auxLoss();
            }
        }
        return aux;
    }

    /**
     * The reference initialization of a role (SPEC section 1): U(+-1/sqrt(fan_in)) for HIDDEN, ROUTER
     * and EXPERT, N(0, 0.02^2) for OUTPUT_HEAD, N(0, 1e-4^2) for EMBEDDING, 1 for GAIN.
     */
    public static InitScheme defaultInit(ParamRole role) {
        Objects.requireNonNull(role, "role");
        return switch (role) {
            case HIDDEN, ROUTER, EXPERT -> InitScheme.uniformFanIn();
            case OUTPUT_HEAD -> InitScheme.normal(0.02);
            case EMBEDDING -> InitScheme.normal(1e-4);
            case GAIN -> InitScheme.constant(1.0);
        };
    }

    /** The config this model was built from. */
    public TinyGptConfig config() {
        return cfg;
    }

    /** Every trainable tensor in the fixed order given in the class documentation (unmodifiable). */
    public List<Param> params() {
        return params;
    }

    /** The specs of {@link #params()}, in the same order. */
    public List<ParamSpec> specs() {
        List<ParamSpec> out = new ArrayList<>(params.size());
        for (Param p : params) {
            out.add(p.spec());
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The parameters as a {@link ParamSet} for hyperp-optim's optimizers (same arrays as
     * {@link #params()}, same order); an optimizer step writes into them.
     */
    public ParamSet values() {
        return valueSet;
    }

    /** The gradient buffers as a {@link ParamSet} (same order as {@link #values()}). */
    public ParamSet grads() {
        return gradSet;
    }

    /** The number of ND4J ops one {@link #forwardBackward} call executes (for profiling). */
    public int opsPerStep() {
        return forwardTape.size() + backwardTape.size();
    }

    /**
     * Runs the forward pass, computes the mean next-token cross-entropy and back-propagates it,
     * overwriting every gradient buffer with \(\partial \text{loss} / \partial \theta\).
     *
     * @param tokens {@code batch} windows of {@code context + 1} consecutive tokens, row-major
     *               ({@code tokens[b * (context + 1) + t]}); position t predicts position t + 1
     * @return the mean loss over {@code batch * context} predictions (NaN or infinite if the model
     *         has diverged)
     * @throws IllegalArgumentException if the length is not {@code batch * (context + 1)} or a token is
     *                                  outside {@code [0, vocab)}; the model is then untouched
     */
    public double forwardBackward(int[] tokens) {
        loadTokens(tokens);
        double loss = forward();
        if (moeFailed) {
            for (Param p : params) {
                p.grad().assign(Double.NaN);
            }
            return Double.NaN;
        }
        backwardTape.run();
        return loss + lastAuxLoss();
    }

    /**
     * The mean next-token cross-entropy of {@code tokens} (forward only, gradients untouched), for
     * validation. Overwrites the saved activations.
     *
     * @param tokens as for {@link #forwardBackward}
     * @throws IllegalArgumentException as for {@link #forwardBackward}
     */
    public double loss(int[] tokens) {
        loadTokens(tokens);
        double loss = forward();
        return moeFailed ? Double.NaN : loss;
    }

    /**
     * The stability indicators of SPEC section 6 for the batch of the most recent forward pass.
     *
     * @param attentionZ     mean over batch, heads and query positions of the squared logsumexp of the
     *                       (causally masked) attention logits
     * @param outputRms      over every residual branch output h (attention and MLP of each block, after
     *                       the \(1/\sqrt{2L}\) multiplier), the root of the mean of \(\mathrm{mean}(h^2)\)
     * @param outlierPercent per block, the residual stream after it; per token, the mean and unbiased
     *                       standard deviation over the width; 100 times the fraction of entries more
     *                       than 5 standard deviations from the mean; averaged over blocks
     * @param routerZ        the mean over MoE layers of their router Z (mean over tokens of the squared
     *                       logsumexp of the router logits); NaN for the dense model
     */
    public record Indicators(double attentionZ, double outputRms, double outlierPercent, double routerZ) {}

    /**
     * The stability indicators (SPEC section 6) of the batch last seen by {@link #forwardBackward} or
     * {@link #loss}, computed from the activations that pass saved and never from the parameters, so a
     * parameter update after the pass (an optimizer step) does not change them: the attention logits
     * are recomputed from the saved queries and keys by the product the forward pass used; the residual
     * stream at each point is recovered from its saved RMS-normalized form ({@code x = xhat / r}, exact
     * up to rounding); each branch output is the difference of the streams around it; the router Z is
     * the MoE layers' own statistic. Meant for evaluation time: it allocates host and device temporaries
     * (about the cost of the attention scores of one pass) and writes nothing that a later pass,
     * backward pass or optimizer reads. If the pass met non-finite router logits, every indicator is NaN.
     *
     * @throws IllegalStateException if no forward pass has run yet
     */
    public Indicators indicators() {
        if (!forwardRan) {
            throw new IllegalStateException("indicators: no forward pass has run yet");
        }
        if (moeFailed) {
            return new Indicators(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        int depth = savedList.length;
        double alpha = cfg.qkNorm() ? 1.0 : attnScale;
        INDArray scores = Nd4j.create(dt, new long[] {batch, heads, ctx, ctx}, 'c');
        double zSum = 0;
        for (Saved s : savedList) {
            Nd4j.exec(new Mmul(
                    s.q4,
                    s.k4,
                    scores,
                    alpha,
                    0.0,
                    MMulTranspose.builder().transposeA(false).transposeB(true).build()));
            zSum += sumSquaredCausalLogSumExp(scores.data().asDouble());
        }
        // Residual streams in order: before block 0, after its attention, after block 0, ..., after the last.
        double[][] streams = new double[2 * depth + 1][];
        for (int l = 0; l < depth; l++) {
            streams[2 * l] = unnormalized(savedList[l].xhat1, savedList[l].r1);
            streams[2 * l + 1] = unnormalized(savedList[l].xhat2, savedList[l].r2);
        }
        streams[2 * depth] = unnormalized(buffers.finalXhat, buffers.finalR);
        double msSum = 0;
        for (int k = 0; k < 2 * depth; k++) {
            double sq = 0;
            for (int i = 0; i < streams[k].length; i++) {
                double h = streams[k + 1][i] - streams[k][i];
                sq += h * h;
            }
            msSum += sq / streams[k].length;
        }
        double outlierSum = 0;
        for (int l = 0; l < depth; l++) {
            outlierSum += 100.0 * outlierFraction(streams[2 * l + 2]);
        }
        double routerZ = Double.NaN;
        if (moeConfig != null) {
            routerZ = 0;
            for (Block b : blockList) {
                routerZ += b.moe.lastStats().routerZ() / depth;
            }
        }
        return new Indicators(
                zSum / ((double) depth * batch * heads * ctx),
                Math.sqrt(msSum / (2.0 * depth)),
                outlierSum / depth,
                routerZ);
    }

    /** Sum over the rows of [B, H, T, T] attention logits of (logsumexp over the causal part of the row)^2. */
    private double sumSquaredCausalLogSumExp(double[] s) {
        double sum = 0;
        for (int row = 0; row < batch * heads * ctx; row++) {
            int i = row % ctx; // the query position: keys 0..i are visible, the others are masked out
            int base = row * ctx;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= i; j++) {
                max = Math.max(max, s[base + j]);
            }
            double e = 0;
            for (int j = 0; j <= i; j++) {
                e += Math.exp(s[base + j] - max);
            }
            double lse = max + Math.log(e);
            sum += lse * lse;
        }
        return sum;
    }

    /** The stream x = xhat / r of a saved RMSNorm ([N, d] and [N, 1]), row-major in double precision. */
    private double[] unnormalized(INDArray xhat, INDArray r) {
        double[] x = xhat.data().asDouble();
        double[] rr = r.data().asDouble();
        for (int n = 0; n < tokens; n++) {
            for (int j = 0; j < width; j++) {
                x[n * width + j] /= rr[n];
            }
        }
        return x;
    }

    /**
     * The fraction of entries of a row-major [N, d] stream more than 5 unbiased standard deviations from
     * their row's mean (0 for rows of equal entries and for d = 1; NaN if an entry is not finite).
     */
    private double outlierFraction(double[] x) {
        long count = 0;
        for (int n = 0; n < tokens; n++) {
            int base = n * width;
            double mean = 0;
            for (int j = 0; j < width; j++) {
                mean += x[base + j];
            }
            mean /= width;
            double ss = 0;
            for (int j = 0; j < width; j++) {
                double c = x[base + j] - mean;
                ss += c * c;
            }
            if (!Double.isFinite(ss)) {
                return Double.NaN;
            }
            if (width < 2) {
                continue;
            }
            double limit = 5.0 * Math.sqrt(ss / (width - 1));
            for (int j = 0; j < width; j++) {
                if (Math.abs(x[base + j] - mean) > limit) {
                    count++;
                }
            }
        }
        return (double) count / ((long) tokens * width);
    }

    private double forward() {
        forwardRan = true;
        moeFailed = false;
        forwardTape.run();
        return lossSum.getDouble(0) / tokens;
    }

    private void loadTokens(int[] tokens) {
        Objects.requireNonNull(tokens, "tokens");
        int row = ctx + 1;
        if (tokens.length != batch * row) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "tokens: expected batch * (context + 1) = %d * %d = %d, found length %d",
                    batch,
                    row,
                    batch * row,
                    tokens.length));
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException(
                        String.format(Locale.ROOT, "tokens[%d] (%d) must be in [0, %d)", i, tokens[i], vocab));
            }
        }
        for (int b = 0; b < batch; b++) {
            System.arraycopy(tokens, b * row, hostInputs, b * ctx, ctx);
            for (int t = 0; t < ctx; t++) {
                int n = b * ctx + t;
                hostTargets[n] = n * vocab + tokens[b * row + t + 1];
            }
        }
        inputs.data().setData(hostInputs);
        targets.data().setData(hostTargets);
    }

    // ---------------------------------------------------------------- forward

    private void recordForward(
            Tape t, Buffers z, INDArray embed, Block[] blocks, Saved[] saved, INDArray finalGain, INDArray head) {
        t.gather(embed, inputs, z.h);
        for (int l = 0; l < blocks.length; l++) {
            recordAttentionForward(t, z, blocks[l], saved[l]);
            recordMlpForward(t, z, blocks[l], saved[l]);
        }
        rmsForward(t, z.h, finalGain, z.finalXhat, z.finalR, z.finalOut);
        t.mm(z.finalOut, head, z.logits, false, true, logitMult, 0.0);
        // loss_n = logsumexp(z_n) - z_n[y_n], with logsumexp(z_n) = max(z_n) - log(max softmax(z_n)):
        // the largest probability is at least 1/V, so its log never underflows.
        t.rowMax(z.logits, z.rowMax);
        t.softmaxLast(z.logits, z.probs);
        t.rowMax(z.probs, z.rowPmax);
        t.log(z.rowPmax, z.rowPmax);
        t.sub(z.rowMax, z.rowPmax, z.rowMax);
        t.gather(z.logits.reshape((long) tokens * vocab), targets, z.targetLogit.reshape(tokens));
        t.sub(z.rowMax, z.targetLogit, z.rowMax);
        t.mm(z.onesRow(tokens), z.rowMax, lossSum, false, false, 1.0, 0.0);
    }

    private void recordAttentionForward(Tape t, Buffers z, Block b, Saved s) {
        rmsForward(t, z.h, b.g1, s.xhat1, s.r1, s.n1);
        double alpha;
        if (cfg.qkNorm()) {
            INDArray raw = z.tmpD.reshape((long) tokens * heads, headDim);
            t.mm(s.n1, b.wq, z.tmpD, false, true, 1.0, 0.0);
            t.scale(b.gq, attnScale, s.gqEff);
            rmsForward(t, raw, s.gqEff, s.qhat, s.rq, s.qs.reshape((long) tokens * heads, headDim));
            t.mm(s.n1, b.wk, z.tmpD, false, true, 1.0, 0.0);
            rmsForward(t, raw, b.gk, s.khat, s.rk, s.ks.reshape((long) tokens * heads, headDim));
            alpha = 1.0; // the scale 1/sqrt(h) is folded into the query gains
        } else {
            t.mm(s.n1, b.wq, s.qs, false, true, 1.0, 0.0);
            t.mm(s.n1, b.wk, s.ks, false, true, 1.0, 0.0);
            alpha = attnScale;
        }
        t.mm(s.n1, b.wv, s.v, false, true, 1.0, 0.0);
        t.mm(s.q4, s.k4, z.scores, false, true, alpha, 0.0);
        t.add(z.scores, z.mask, z.scores);
        t.softmaxLast(z.scores, s.p);
        t.mm(s.p, s.v4, s.o4, false, false, 1.0, 0.0);
        t.mm(s.o, b.wo, z.h, false, true, rho, 1.0);
    }

    private void recordMlpForward(Tape t, Buffers z, Block b, Saved s) {
        rmsForward(t, z.h, b.g2, s.xhat2, s.r2, s.n2);
        if (b.moe != null) {
            // h += rho * moe(n2); a layer that meets non-finite router logits marks the pass as failed
            // (the loss is then NaN) and the rest of the pass reads stale values, which are never used.
            t.call(() -> {
                if (moeFailed) {
                    return;
                }
                try {
                    INDArray y = b.moe.forward(s.n2);
                    Nd4j.getBlasWrapper().level1().axpy(z.h.length(), rho, y, z.h);
                } catch (IllegalArgumentException nonFinite) {
                    moeFailed = true;
                }
            });
            return;
        }
        t.mm(s.n2, b.w1, s.act, false, true, 1.0, 0.0);
        t.mm(s.n2, b.w3, s.u3, false, true, 1.0, 0.0);
        t.sigmoid(s.act, s.sig);
        t.mul(s.act, s.sig, s.act);
        t.mul(s.act, s.u3, s.m);
        t.mm(s.m, b.w2, z.h, false, true, rho, 1.0);
    }

    /** xhat = x / sqrt(mean(x^2) + eps) (r = that reciprocal), out = xhat * gain, over rows of x. */
    private static void rmsForward(Tape t, INDArray x, INDArray gain, INDArray xhat, INDArray r, INDArray out) {
        t.rowSumSquares(x, r);
        t.scale(r, 1.0 / x.size(1), r);
        t.addScalar(r, NORM_EPS, r);
        t.rsqrt(r, r);
        t.mul(x, r, xhat);
        t.mul(xhat, gain, out);
    }

    // ---------------------------------------------------------------- backward

    private void recordBackward(
            Tape t,
            Buffers z,
            INDArray dEmbed,
            Block[] blocks,
            Saved[] saved,
            INDArray finalGain,
            INDArray dFinalGain,
            INDArray head,
            INDArray dHead) {
        double c = logitMult / tokens;
        // dL/dz = (softmax - onehot(target)) * c / N, the factor applied below
        t.scatterAdd(z.probs.reshape((long) tokens * vocab), targets, z.minusOnes);
        t.mm(z.probs, z.finalOut, dHead, true, false, c, 0.0);
        t.mm(z.probs, head, z.dn, false, false, c, 0.0);
        rmsBackward(t, z, z.dn, z.finalXhat, z.finalR, finalGain, dFinalGain, 1.0, z.tmpD, z.colD, z.dh, false);
        for (int l = blocks.length - 1; l >= 0; l--) {
            recordMlpBackward(t, z, blocks[l], saved[l]);
            recordAttentionBackward(t, z, blocks[l], saved[l]);
        }
        t.fill(dEmbed, 0.0);
        t.scatterAdd(dEmbed, inputs, z.dh);
    }

    private void recordMlpBackward(Tape t, Buffers z, Block b, Saved s) {
        if (b.moe != null) {
            t.scale(z.dh, rho, z.tmpD); // dL/dy of the layer
            t.call(() -> z.dn.assign(b.moe.backward(z.tmpD))); // its parameter gradients, dL/dn2
            rmsBackward(t, z, z.dn, s.xhat2, s.r2, b.g2, b.dg2, 1.0, z.tmpD, z.colD, z.dh, true);
            return;
        }
        t.mm(z.dh, s.m, b.dw2, true, false, rho, 0.0);
        t.mm(z.dh, b.w2, z.dm, false, false, rho, 0.0); // dL/dm
        t.mul(z.dm, s.act, z.du3); // dL/du3
        t.mul(z.dm, s.u3, z.dm); // dL/dact
        // silu'(u) = sig + act * (1 - sig)
        t.rsub(s.sig, 1.0, z.tmpF);
        t.mul(z.tmpF, s.act, z.tmpF);
        t.add(z.tmpF, s.sig, z.tmpF);
        t.mul(z.dm, z.tmpF, z.dm); // dL/du1
        t.mm(z.dm, s.n2, b.dw1, true, false, 1.0, 0.0);
        t.mm(z.du3, s.n2, b.dw3, true, false, 1.0, 0.0);
        t.mm(z.dm, b.w1, z.dn, false, false, 1.0, 0.0);
        t.mm(z.du3, b.w3, z.dn, false, false, 1.0, 1.0);
        rmsBackward(t, z, z.dn, s.xhat2, s.r2, b.g2, b.dg2, 1.0, z.tmpD, z.colD, z.dh, true);
    }

    private void recordAttentionBackward(Tape t, Buffers z, Block b, Saved s) {
        t.mm(z.dh, s.o, b.dwo, true, false, rho, 0.0);
        t.mm(z.dh, b.wo, z.dO, false, false, rho, 0.0);
        t.mm(z.dO4, s.v4, z.dP, false, true, 1.0, 0.0);
        t.mm(s.p, z.dO4, z.dv4, true, false, 1.0, 0.0);
        // softmax backward: dS = P * (dP - sum_j P dP)
        t.mul(z.dP, s.p, z.scores);
        t.mm(z.scores.reshape((long) batch * heads * ctx, ctx), z.onesCtx, z.rowBht, false, false, 1.0, 0.0);
        t.sub(z.dP.reshape((long) batch * heads * ctx, ctx), z.rowBht, z.dP.reshape((long) batch * heads * ctx, ctx));
        t.mul(z.dP, s.p, z.dP);
        double alpha = cfg.qkNorm() ? 1.0 : attnScale;
        t.mm(z.dP, s.k4, z.dq4, false, false, alpha, 0.0);
        t.mm(z.dP, s.q4, z.dk4, true, false, alpha, 0.0);
        if (cfg.qkNorm()) {
            INDArray dqRows = z.dq.reshape((long) tokens * heads, headDim);
            rmsBackward(t, z, dqRows, s.qhat, s.rq, s.gqEff, b.dgq, attnScale, z.tmpHd, z.colHd, dqRows, false);
            INDArray dkRows = z.dk.reshape((long) tokens * heads, headDim);
            rmsBackward(t, z, dkRows, s.khat, s.rk, b.gk, b.dgk, 1.0, z.tmpHd, z.colHd, dkRows, false);
        }
        t.mm(z.dq, s.n1, b.dwq, true, false, 1.0, 0.0);
        t.mm(z.dk, s.n1, b.dwk, true, false, 1.0, 0.0);
        t.mm(z.dv, s.n1, b.dwv, true, false, 1.0, 0.0);
        t.mm(z.dq, b.wq, z.dn, false, false, 1.0, 0.0);
        t.mm(z.dk, b.wk, z.dn, false, false, 1.0, 1.0);
        t.mm(z.dv, b.wv, z.dn, false, false, 1.0, 1.0);
        rmsBackward(t, z, z.dn, s.xhat1, s.r1, b.g1, b.dg1, 1.0, z.tmpD, z.colD, z.dh, true);
    }

    /**
     * Backward of {@code out = xhat * gain}, {@code xhat = x * r}: sets {@code dgain = gainGradScale *
     * sum_rows(dout * xhat)} and sets (or adds to) {@code dx = r * (dxhat - xhat * mean_row(dxhat *
     * xhat))} with {@code dxhat = dout * gain}. Destroys {@code dout}; {@code dx} may be {@code dout}
     * when not accumulating.
     */
    private static void rmsBackward(
            Tape t,
            Buffers z,
            INDArray dout,
            INDArray xhat,
            INDArray r,
            INDArray gain,
            INDArray dgain,
            double gainGradScale,
            INDArray tmp,
            INDArray col,
            INDArray dx,
            boolean accumulate) {
        long rows = xhat.size(0);
        long c = xhat.size(1);
        t.mul(dout, xhat, tmp);
        t.mm(z.onesRow(rows), tmp, dgain.reshape(1, c), false, false, gainGradScale, 0.0);
        // mean_row(dxhat * xhat) = (dout * xhat) . gain / C
        t.mm(tmp, gain.reshape(c, 1), col, false, false, 1.0 / c, 0.0);
        t.mul(dout, gain, dout);
        t.mul(xhat, col, tmp);
        t.sub(dout, tmp, dout);
        if (accumulate) {
            t.mul(dout, r, tmp);
            t.add(dx, tmp, dx);
        } else {
            t.mul(dout, r, dx);
        }
    }

    // ---------------------------------------------------------------- construction helpers

    private INDArray buf(long... shape) {
        return Nd4j.create(dt, shape, 'c');
    }

    private INDArray ones(long... shape) {
        return full(1.0, shape);
    }

    private INDArray full(double value, long... shape) {
        INDArray a = buf(shape);
        a.assign(value);
        return a;
    }

    private INDArray causalMask() {
        double[][] values = new double[ctx][ctx];
        for (int i = 0; i < ctx; i++) {
            for (int j = i + 1; j < ctx; j++) {
                values[i][j] = MASKED;
            }
        }
        INDArray mask = buf(ctx, ctx);
        mask.assign(Nd4j.createFromArray(values));
        return mask;
    }

    /** The [B, H, T, h] view of a [N, d] token-major array (N = B*T, d = H*h). */
    private INDArray headView(INDArray x) {
        return x.reshape(batch, ctx, heads, headDim).permute(0, 2, 1, 3);
    }

    private static INDArray lastGrad(List<Param> ps) {
        return ps.get(ps.size() - 1).grad();
    }

    /** Creates the parameter for {@code spec}, initialized by {@link #initOf}, and a zero gradient. */
    private INDArray init(List<Param> ps, SplittableRandom parent, ParamSpec spec) {
        INDArray value = buf(spec.shape());
        value.assign(draw(parent, spec));
        INDArray grad = buf(spec.shape());
        ps.add(new Param(spec, value, grad));
        return value;
    }

    /** Values for {@code spec} from its scheme, drawn in double precision from a split of {@code parent}. */
    private INDArray draw(SplittableRandom parent, ParamSpec spec) {
        SplittableRandom rng = parent.split();
        int count = Math.toIntExact(spec.length());
        double[] values = new double[count];
        InitScheme scheme = Objects.requireNonNull(initOf.apply(spec), "init scheme of " + spec.name());
        switch (scheme.kind()) {
            case UNIFORM_FAN_IN -> {
                double bound = scheme.scale() / Math.sqrt((double) spec.fanIn());
                for (int i = 0; i < count; i++) {
                    values[i] = (2.0 * rng.nextDouble() - 1.0) * bound;
                }
            }
            case NORMAL -> {
                for (int i = 0; i < count; i++) {
                    values[i] = scheme.scale() * rng.nextGaussian();
                }
            }
            case CONSTANT -> Arrays.fill(values, scheme.scale());
            default -> throw new IllegalStateException("unknown init kind " + scheme.kind());
        }
        return Nd4j.createFromArray(values).reshape('c', spec.shape());
    }
}
