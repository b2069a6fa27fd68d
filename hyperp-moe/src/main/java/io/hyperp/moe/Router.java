package io.hyperp.moe;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.indexaccum.custom.ArgMax;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Token-choice top-k routing for a fixed number of tokens T into preallocated buffers (SPEC 5):
 * top-k' of the (optionally biased) logits per token, ties broken by the lowest expert index; gates
 * {@code g = softmax} over the selected logits only (they sum to 1); combine weights
 * {@code c sqrt(g)} under SqrtGate or {@code g} without, with {@code c = sqrt(1 - p)} when a shared
 * expert is mixed in; the full softmax over all E logits (for the Switch loss) and the log-sum-exp per
 * token (router z-loss, router Z).
 *
 * <p>Selection runs k' rounds of a row-wise argmax (which returns the first maximum, hence the
 * lowest index on ties) and masks the chosen expert: k' ND4J ops over {@code [T, E]}, no Java loop
 * over tokens. A selection bias (loss-free balancing) changes which experts are selected but not the
 * gates, which use the unbiased logits.
 *
 * <p>The buffers returned by the accessors are owned by the router and overwritten by the next
 * {@link #route}; the expert-major layout {@code [k', T]} keeps each slot contiguous. Not
 * thread-safe.
 *
 * <p>References: Fedus et al., <i>Switch Transformer</i>; Ren et al., arXiv 2603.28743 (SqrtGate);
 * Wang et al., <i>Auxiliary-Loss-Free Load Balancing</i> (DeepSeek).
 */
public final class Router {

    private static final double MASK = 0x1p100;

    private final RouterConfig config;
    private final int tokens;
    private final int experts;
    private final int k;
    private final DataType dataType;
    private final INDArray selection;   // [T, E]
    private final INDArray[] masks;     // k' x [T, E] one-hot of the chosen expert
    private final INDArray indices;     // [k', T] LONG
    private final INDArray selected;    // [k', T] the chosen logits
    private final INDArray gates;       // [k', T]
    private final INDArray weights;     // [k', T]
    private final INDArray probs;       // [T, E]
    private final INDArray logSumExp;   // [T]
    private final INDArray loads;       // [E]
    private final INDArray rowT;        // [T] scratch
    private final INDArray scratchTE;   // [T, E]
    private final INDArray scalar;
    private final INDArray gradGates;   // [k', T] scratch of the backward pass
    private final INDArray gradRow;     // [T]
    private final INDArray gradScratch; // [k', T]
    private final INDArray rowE;        // [E]

    private Router(RouterConfig config, int tokens, DataType dataType) {
        this.config = config;
        this.tokens = tokens;
        this.experts = config.experts();
        this.k = config.routedTopK();
        this.dataType = dataType;
        this.selection = Nd4j.create(dataType, tokens, experts);
        this.masks = new INDArray[k];
        for (int j = 0; j < k; j++) {
            masks[j] = Nd4j.create(dataType, tokens, experts);
        }
        this.indices = Nd4j.create(DataType.LONG, k, tokens);
        this.selected = Nd4j.create(dataType, k, tokens);
        this.gates = Nd4j.create(dataType, k, tokens);
        this.weights = Nd4j.create(dataType, k, tokens);
        this.probs = Nd4j.create(dataType, tokens, experts);
        this.logSumExp = Nd4j.create(dataType, tokens);
        this.loads = Nd4j.create(dataType, experts);
        this.rowT = Nd4j.create(dataType, tokens);
        this.scratchTE = Nd4j.create(dataType, tokens, experts);
        this.scalar = Nd4j.scalar(dataType, 0.0);
        this.gradGates = Nd4j.create(dataType, k, tokens);
        this.gradRow = Nd4j.create(dataType, tokens);
        this.gradScratch = Nd4j.create(dataType, k, tokens);
        this.rowE = Nd4j.create(dataType, experts);
    }

    /**
     * A router for batches of exactly {@code tokens} tokens.
     *
     * @throws IllegalArgumentException for a non-positive token count or a non-floating dtype
     */
    public static Router create(RouterConfig config, int tokens, DataType dataType) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(dataType, "dataType");
        checkArgument(tokens >= 1, "%s: tokens (%s) must be >= 1", config.layerName(), tokens);
        checkArgument(dataType == DataType.FLOAT || dataType == DataType.DOUBLE,
                "%s: dataType must be FLOAT or DOUBLE, found %s", config.layerName(), dataType);
        return new Router(config, tokens, dataType);
    }

    /** The configuration. */
    public RouterConfig config() {
        return config;
    }

    /** The number of tokens per batch. */
    public int tokens() {
        return tokens;
    }

    /**
     * Routes one batch.
     *
     * @param logits        router logits {@code [T, E]}; read only
     * @param selectionBias a per-expert bias added for selection only ({@code [E]}), or null
     * @throws IllegalArgumentException for a wrong shape or dtype, or NaN / infinite logits (the
     *                                  message names the layer); no buffer is changed then
     */
    public void route(INDArray logits, INDArray selectionBias) {
        Objects.requireNonNull(logits, "logits");
        checkArgument(Arrays.equals(logits.shape(), new long[] {tokens, experts}),
                "%s: router logits must have shape [%s, %s], found %s", config.layerName(), tokens, experts,
                Arrays.toString(logits.shape()));
        checkArgument(logits.dataType() == dataType, "%s: router logits must be %s, found %s", config.layerName(),
                dataType, logits.dataType());
        Nd4j.getExecutioner().exec(new SquaredNorm(logits, scalar));
        if (!Double.isFinite(scalar.getDouble(0))) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: router logits contain NaN or infinite values", config.layerName()));
        }
        if (selectionBias != null) {
            checkArgument(selectionBias.length() == experts, "%s: selection bias must have %s entries, found %s",
                    config.layerName(), experts, selectionBias.length());
        }

        selection.assign(logits);
        if (selectionBias != null) {
            selection.addiRowVector(selectionBias.reshape(1, experts).castTo(dataType));
        }
        loads.assign(0);
        for (int j = 0; j < k; j++) {
            INDArray idx = indices.getRow(j);
            Nd4j.exec(new ArgMax(new INDArray[] {selection}, new INDArray[] {idx}, false, 1));
            Nd4j.exec(new OneHot(idx, masks[j], experts));
            masks[j].muli(MASK);
            selection.subi(masks[j]);
            masks[j].divi(MASK);
            Nd4j.getExecutioner().exec(new Dot(logits, masks[j], selected.getRow(j), 1));
            Nd4j.getExecutioner().exec(new Sum(masks[j], rowE, 0));
            loads.addi(rowE);
        }
        // gates: softmax over the k' selected logits of each token (dimension 0 of [k', T])
        Nd4j.getExecutioner().exec(new Max(selected, rowT, 0));
        gates.assign(selected).subiRowVector(rowT.reshape(1, tokens));
        Transforms.exp(gates, false);
        Nd4j.getExecutioner().exec(new Sum(gates, rowT, 0));
        gates.diviRowVector(rowT.reshape(1, tokens));
        if (config.sqrtGate()) {
            weights.assign(gates);
            Transforms.sqrt(weights, false);
        } else {
            weights.assign(gates);
        }
        double scale = config.routedScale();
        if (scale != 1.0) {
            weights.muli(scale);
        }
        // full softmax and log-sum-exp over all E experts
        Nd4j.exec(new SoftMax(logits, probs, 1));
        Nd4j.getExecutioner().exec(new Max(logits, logSumExp, 1));
        scratchTE.assign(logits).subiColumnVector(logSumExp.reshape(tokens, 1));
        Transforms.exp(scratchTE, false);
        Nd4j.getExecutioner().exec(new Sum(scratchTE, rowT, 1));
        Transforms.log(rowT, false);
        logSumExp.addi(rowT);
    }

    /** The selected experts, {@code [k', T]} (LONG): row j is every token's j-th choice. */
    public INDArray indices() {
        return indices;
    }

    /** The gates, {@code [k', T]}: softmax over each token's selected logits. */
    public INDArray gates() {
        return gates;
    }

    /** The combine weights, {@code [k', T]}: {@code c sqrt(g)} under SqrtGate, else {@code g}. */
    public INDArray weights() {
        return weights;
    }

    /** The one-hot mask {@code [T, E]} of every token's j-th choice. */
    public INDArray mask(int j) {
        return masks[j];
    }

    /** The full softmax over all E logits, {@code [T, E]}. */
    public INDArray probs() {
        return probs;
    }

    /** The log-sum-exp of each token's logits, {@code [T]}. */
    public INDArray logSumExp() {
        return logSumExp;
    }

    /** Tokens routed to each expert in this batch, {@code [E]} (sums to {@code T k'}). */
    public INDArray loads() {
        return loads;
    }

    /**
     * Back-propagates through the combine weights to the router logits: given
     * {@code dL/dw} for every (slot, token), adds {@code dL/dlogits} to {@code gradLogits}.
     *
     * <p>With {@code w = c sqrt(g)}: {@code g dL/dg = (c/2) sqrt(g) dL/dw}, finite at {@code g = 0}
     * (the guard of SPEC 5: no division by sqrt(g)); then through the softmax over the selected
     * logits, {@code dL/ds_j = g_j dL/dg_j - g_j sum_i g_i dL/dg_i}, scattered to the chosen experts.
     *
     * @param gradWeights {@code [k', T]}; read only
     * @param gradLogits  {@code [T, E]}; accumulated into
     */
    public void backwardWeights(INDArray gradWeights, INDArray gradLogits) {
        checkArgument(Arrays.equals(gradWeights.shape(), weights.shape()), "%s: gradWeights must have shape %s, found %s",
                config.layerName(), Arrays.toString(weights.shape()), Arrays.toString(gradWeights.shape()));
        checkArgument(Arrays.equals(gradLogits.shape(), new long[] {tokens, experts}),
                "%s: gradLogits must have shape [%s, %s], found %s", config.layerName(), tokens, experts,
                Arrays.toString(gradLogits.shape()));
        // gradGates := g dL/dg. Under SqrtGate w = c sqrt(g), so g dL/dg = (c sqrt(g) / 2) dL/dw = w dL/dw / 2.
        if (config.sqrtGate()) {
            gradGates.assign(weights).muli(gradWeights).muli(0.5);
        } else {
            double c = config.routedScale();
            gradGates.assign(gates).muli(gradWeights).muli(c);
        }
        Nd4j.getExecutioner().exec(new Sum(gradGates, gradRow, 0));
        // dL/ds = g dL/dg - g * sum_i g_i dL/dg_i
        INDArray ds = gradGates;
        gradScratch.assign(gates).muliRowVector(gradRow.reshape(1, tokens));
        ds.subi(gradScratch);
        for (int j = 0; j < k; j++) {
            scratchTE.assign(masks[j]).muliColumnVector(ds.getRow(j).reshape(tokens, 1));
            gradLogits.addi(scratchTE);
        }
    }

    /**
     * Adds to {@code gradLogits} the gradient of a loss whose derivative with respect to the full
     * softmax {@link #probs()} is {@code gradProbs}: {@code p (v - sum_e p_e v_e)} row by row.
     *
     * @param gradProbs  {@code [T, E]}; overwritten (used as scratch)
     * @param gradLogits {@code [T, E]}; accumulated into
     */
    void backwardProbsInPlace(INDArray gradProbs, INDArray gradLogits) {
        scratchTE.assign(probs).muli(gradProbs);
        Nd4j.getExecutioner().exec(new Sum(scratchTE, rowT, 1));
        gradProbs.subiColumnVector(rowT.reshape(tokens, 1)).muli(probs);
        gradLogits.addi(gradProbs);
    }

    int routedTopK() {
        return k;
    }

    int experts() {
        return experts;
    }

    DataType dataType() {
        return dataType;
    }
}
