package io.hyperp.moe.routing;

import io.hyperp.moe.RouterConfig;
import io.hyperp.moe.internal.Ops;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Top-k token-choice routing with softmax-over-selected gates and optional SqrtGate, for a fixed
 * number of tokens {@code T}, with its backward pass.
 *
 * <p>Forward ({@link #route}): for router logits \(l \in \mathbb{R}^{T \times E}\) and an optional
 * selection bias \(b \in \mathbb{R}^E\) (loss-free balancing; it changes which experts are chosen,
 * never the gate values), each token \(t\) selects the \(k'\) experts with the largest
 * \(l_{t,i} + b_i\), in descending order, ties broken by the lowest expert index; then
 * \[ g_{t,j} = \frac{\exp l_{t,e_{t,j}}}{\sum_{j'} \exp l_{t,e_{t,j'}}}, \qquad
 *    c_{t,j} = \begin{cases} \alpha \sqrt{g_{t,j}} &amp; \text{SqrtGate} \\ g_{t,j} &amp; \text{otherwise}
 *    \end{cases} \]
 * with \(\alpha\) = {@link RouterConfig#routedScale()}. The combine weights \(c\) are what
 * {@link DispatchPlan#combineInto} multiplies expert outputs by.
 *
 * <p>Backward ({@link #backwardInto}): from \(\partial L/\partial c\) it computes
 * \(\partial L/\partial l\). The selection is piecewise constant, so only selected logits receive
 * gradient: \(\partial c/\partial g\) is \(\alpha / (2\sqrt{g})\) under SqrtGate and 1 otherwise, then
 * through the softmax over the selected logits, \(\partial L/\partial l_{e_j} = g_j(\delta_j -
 * \sum_{j'} g_{j'} \delta_{j'})\) with \(\delta = \partial L/\partial g\). At \(g = 0\) (a gate
 * underflowed to zero) the square root's derivative is taken as 0: the gate contributes nothing and
 * receives nothing. It is computed as \(\sqrt{g} / (2 \max(g, \text{tiny}))\) with tiny the smallest
 * normal number, which is exact for every normal \(g\) and never divides by zero.
 *
 * <p>Layout: every per-(token, slot) array is <b>slot-major</b>, shape {@code [k', T]}: row {@code j}
 * holds every token's {@code j}-th choice (a contiguous row, so each slot is one ND4J op). The slot
 * index of (token {@code t}, choice {@code j}) is {@code j * T + t}. {@link #tokenMajor} gives a
 * {@code [T, k']} view.
 *
 * <p>Cost: {@code k'} rounds of whole-array ops over {@code [T, E]}: arg-max; the row maximum (or,
 * with a selection bias, a one-hot row-wise dot product) for the selected logit; and the knock-out
 * of the chosen expert by adding a one-hot array that is {@code -inf} there and {@code 0} elsewhere,
 * which is exact. No Java loop over tokens and no element-wise gather or scatter (those cost
 * microseconds per index on the CPU backend). Non-finite logits are refused before anything is
 * written, with an {@link IllegalArgumentException} naming the layer.
 *
 * <p>An instance holds its buffers (allocated once in {@link #create}) and is not thread-safe. The
 * arrays returned by the accessors are the router's own buffers: read them, do not write them; they
 * are overwritten by the next {@link #route}.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (SqrtGate); Shazeer et al., <i>Outrageously Large Neural
 * Networks</i> (top-k gating); Wang et al., <i>Auxiliary-Loss-Free Load Balancing</i> (selection bias).
 */
public final class TopKRouter {

    private final String name;
    private final RouterConfig config;
    private final DataType dataType;
    private final long tokens;
    private final int experts;
    private final int routedK;
    private final double tiny;

    private final INDArray logits; // [T, E] copy of the routed logits
    private final INDArray scores; // [T, E] selection scores, selected entries knocked out to -inf
    private final INDArray oneHot; // [T, E] scratch
    private final INDArray expertIds; // LONG [k', T]
    private final INDArray selected; // [k', T] selected logits
    private final INDArray gates; // [k', T]
    private final INDArray weights; // [k', T]
    private final INDArray scratchA; // [k', T]
    private final INDArray scratchB; // [k', T]
    private final INDArray scratchT; // [T]
    private INDArray selectionBias; // [E] or null
    private boolean routed;

    private TopKRouter(String name, RouterConfig config, long tokens, DataType dataType) {
        this.name = name;
        this.config = config;
        this.dataType = dataType;
        this.tokens = tokens;
        this.experts = config.experts();
        this.routedK = config.routedTopK();
        this.tiny = Ops.tinyNormal(dataType);
        this.logits = Nd4j.create(dataType, tokens, experts);
        this.scores = Nd4j.create(dataType, tokens, experts);
        this.oneHot = Nd4j.create(dataType, tokens, experts);
        this.expertIds = Nd4j.create(DataType.LONG, routedK, tokens);
        this.selected = Nd4j.create(dataType, routedK, tokens);
        this.gates = Nd4j.create(dataType, routedK, tokens);
        this.weights = Nd4j.create(dataType, routedK, tokens);
        this.scratchA = Nd4j.create(dataType, routedK, tokens);
        this.scratchB = Nd4j.create(dataType, routedK, tokens);
        this.scratchT = Nd4j.create(dataType, tokens);
    }

    /**
     * Creates a router for batches of exactly {@code tokens} tokens and allocates its buffers.
     *
     * @param name     the owning layer's name, used in every error message
     * @param config   the routing configuration
     * @param tokens   the number of tokens {@code T} per call, >= 1
     * @param dataType FLOAT or DOUBLE
     * @throws IllegalArgumentException for a blank name, {@code tokens < 1} or another dtype
     */
    public static TopKRouter create(String name, RouterConfig config, long tokens, DataType dataType) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (tokens < 1) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s: tokens (%d) must be >= 1", name, tokens));
        }
        Ops.checkFloating(name, dataType);
        return new TopKRouter(name, config, tokens, dataType);
    }

    /** The owning layer's name. */
    public String name() {
        return name;
    }

    /** The routing configuration. */
    public RouterConfig config() {
        return config;
    }

    /** The number of tokens per call. */
    public long tokens() {
        return tokens;
    }

    /** The dtype of logits, gates and weights. */
    public DataType dataType() {
        return dataType;
    }

    /**
     * Sets the per-expert selection bias used by later calls of {@link #route} (loss-free
     * balancing), or removes it with {@code null}. The router keeps a reference: later changes to
     * {@code bias} (for example by {@link io.hyperp.moe.balance.LossFreeBalancer}) take effect at the
     * next {@link #route}. The bias changes which experts are selected, never the gate values.
     *
     * @param bias a vector of length {@code E} in this router's dtype, or {@code null}
     * @throws IllegalArgumentException for a wrong length or dtype
     */
    public void setSelectionBias(INDArray bias) {
        if (bias != null) {
            Ops.checkArray(name, "selection bias", bias, dataType, experts);
        }
        this.selectionBias = bias;
    }

    /** The selection bias set by {@link #setSelectionBias}, or {@code null}. */
    public INDArray selectionBias() {
        return selectionBias;
    }

    /**
     * Routes one batch: selects each token's top-{@code k'} experts and computes gates and combine
     * weights (see the class documentation).
     *
     * <p>Checks the shape, dtype and finiteness of {@code logits} (and of the selection bias, and of
     * their sum) before writing any result; on failure the router's previous results stay as they
     * were (only its internal score scratch is overwritten). Overwrites the router's buffers;
     * {@code logits} itself is only read.
     *
     * @param logits the router logits {@code [T, E]}, finite
     * @throws IllegalArgumentException for a wrong shape or dtype, or non-finite logits (naming the layer)
     */
    public void route(INDArray logits) {
        Ops.checkArray(name, "router logits", logits, dataType, tokens, experts);
        long bad = Ops.countNonFinite(logits);
        if (bad > 0) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: router logits contain %d non-finite value(s) (NaN or infinite); check the layer input and"
                            + " the router weights",
                    name,
                    bad));
        }
        if (selectionBias != null) {
            long badBias = Ops.countNonFinite(selectionBias);
            if (badBias > 0) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT, "%s: selection bias contains %d non-finite value(s)", name, badBias));
            }
        }
        if (selectionBias != null) {
            scores.assign(logits).addiRowVector(selectionBias);
            if (Ops.countNonFinite(scores) > 0) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "%s: router logits plus the selection bias overflow the %s range",
                        name,
                        dataType));
            }
        } else {
            scores.assign(logits);
        }
        this.logits.assign(logits);
        for (int j = 0; j < routedK; j++) {
            INDArray ids = expertIds.getRow(j);
            Ops.argMaxRows(scores, ids);
            if (selectionBias == null) {
                // Without a bias the chosen score is the chosen logit: the row maximum, exactly.
                Nd4j.getExecutioner().exec(new Max(scores, selected.getRow(j), 1));
            } else {
                // <logits, oneHot(chosen)> is the chosen logit, exactly (one product by 1, the rest by 0).
                Ops.oneHot(ids, 1.0, oneHot);
                Ops.rowDot(this.logits, oneHot, selected.getRow(j));
            }
            if (j + 1 < routedK) {
                // Adding -inf at the chosen expert knocks it out; adding +0 elsewhere leaves scores exact.
                Ops.oneHot(ids, Double.NEGATIVE_INFINITY, oneHot);
                scores.addi(oneHot);
            }
        }
        Ops.softmax(selected, 0, gates);
        if (config.sqrtGate()) {
            Nd4j.exec(new Sqrt(gates, weights));
            double scale = config.routedScale();
            if (scale != 1.0) {
                weights.muli(scale);
            }
        } else {
            weights.assign(gates);
        }
        routed = true;
    }

    /**
     * Backward pass: from the gradient of a loss with respect to the combine weights, the gradient
     * with respect to the router logits of the last {@link #route} (see the class documentation).
     * Unselected logits get 0; add balance-loss gradients afterwards.
     *
     * @param dWeights  {@code dL/dc}, slot-major {@code [k', T]}; only read
     * @param dLogitsOut {@code [T, E]}; overwritten with {@code dL/dl}
     * @throws IllegalStateException    before the first {@link #route}
     * @throws IllegalArgumentException for wrong shapes or dtypes
     */
    public void backwardInto(INDArray dWeights, INDArray dLogitsOut) {
        checkRouted();
        Ops.checkArray(name, "dWeights", dWeights, dataType, routedK, tokens);
        Ops.checkArray(name, "dLogitsOut", dLogitsOut, dataType, tokens, experts);
        // delta = dL/dg into scratchA
        if (config.sqrtGate()) {
            // dc/dg = alpha / (2 sqrt g) = c / (2 g), guarded as c / (2 max(g, tiny)): 0 where g == 0.
            Nd4j.exec(new ScalarMax(gates, null, scratchB, tiny));
            scratchA.assign(dWeights).muli(weights).divi(scratchB).muli(0.5);
        } else {
            scratchA.assign(dWeights);
        }
        // softmax backward along the slot axis: g * (delta - sum_j g delta)
        scratchA.muli(gates);
        Nd4j.getExecutioner().exec(new Sum(scratchA, scratchT, 0));
        scratchB.assign(gates).muliRowVector(scratchT);
        scratchA.subi(scratchB);
        // scatter each slot's gradient to its expert: dLogits = sum_j oneHot(e_j) * dsel_j
        dLogitsOut.assign(0);
        for (int j = 0; j < routedK; j++) {
            Ops.oneHot(expertIds.getRow(j), 1.0, oneHot);
            oneHot.muliColumnVector(scratchA.getRow(j).reshape(tokens, 1));
            dLogitsOut.addi(oneHot);
        }
    }

    /** Selected expert ids, LONG, slot-major {@code [k', T]}, in descending order of score per token. */
    public INDArray expertIds() {
        checkRouted();
        return expertIds;
    }

    /** The logits of the selected experts, slot-major {@code [k', T]}. */
    public INDArray selectedLogits() {
        checkRouted();
        return selected;
    }

    /** The gates {@code g} (softmax over the selected logits), slot-major {@code [k', T]}. */
    public INDArray gates() {
        checkRouted();
        return gates;
    }

    /** The combine weights {@code c}, slot-major {@code [k', T]}. */
    public INDArray combineWeights() {
        checkRouted();
        return weights;
    }

    /** A copy of the logits of the last {@link #route}, {@code [T, E]}. */
    public INDArray logits() {
        checkRouted();
        return logits;
    }

    /** Whether {@link #route} has run. */
    public boolean hasRouted() {
        return routed;
    }

    /** A {@code [T, k']} view of a slot-major {@code [k', T]} array (no copy). */
    public static INDArray tokenMajor(INDArray slotMajor) {
        return slotMajor.transpose();
    }

    private void checkRouted() {
        if (!routed) {
            throw new IllegalStateException(
                    String.format(Locale.ROOT, "%s: no routing yet; call route(logits) first", name));
        }
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "TopKRouter[%s E=%d k'=%d T=%d %s%s]",
                name,
                experts,
                routedK,
                tokens,
                config.sqrtGate() ? "sqrt-gate" : "plain-gate",
                config.sharedExpert() ? " +shared" : "");
    }
}
