package io.hyperp.moe.routing;

import io.hyperp.moe.internal.Ops;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Dropless token-choice dispatch: groups the {@code N = T k'} (token, slot) pairs of one routing
 * decision by expert, so that each expert's tokens are one contiguous block of rows, and brings the
 * experts' outputs back to the tokens.
 *
 * <p>{@link #build} takes the slot-major expert ids {@code [k', T]} of a {@link TopKRouter} (slot
 * {@code s = j T + t}) and computes, with ND4J ops only (a sort of the keys
 * {@code expert * N + s}, which are distinct, so the order is deterministic: by expert, then by
 * slot): the tokens per expert, the permutation from expert order to slots, its inverse (by a second
 * sort), and each expert-order row's token. Per-value permutations gather {@code [N, 1]} columns
 * (the CPU backend's gather costs far more per index on a vector than on rows). Only the {@code E}
 * per-expert counts are copied to the host, for the per-expert block views.
 *
 * <p>Then, in expert order ("sorted" rows {@code [N, ...]}):
 * <ul>
 *   <li>{@link #gatherInto}: dispatch, {@code out[r] = x[token(r)]};</li>
 *   <li>{@link #combineInto}: the weighted combine
 *       \( y_t = \sum_j c_{t,j}\, Y_{\mathrm{pos}(t,j)} \), computed as one gather per slot (each a
 *       permutation of rows, so no write conflicts) followed by additions: a scatter-add by token
 *       written without a scatter whose indices repeat;</li>
 *   <li>{@link #sumInto}: the same with all weights 1 (for callers that folded the weights into the
 *       expert computation);</li>
 *   <li>{@link #combineBackwardInto}: the gradients of the weighted combine with respect to the
 *       expert outputs and the weights.</li>
 * </ul>
 *
 * <p>An instance holds its buffers (allocated in {@link #create}, sized for {@code T} tokens and
 * model width {@code d}) and is not thread-safe. Outputs are C-order arrays without gaps. Methods
 * check every argument before writing.
 *
 * <p>References: Gale et al., <i>MegaBlocks: Efficient Sparse Training with Mixture-of-Experts</i>
 * (dropless MoE); Fedus et al., <i>Switch Transformer</i>.
 */
public final class DispatchPlan {

    /**
     * The largest number of dispatched rows {@code T k'}: {@code 2^24}, so that per-expert counts are
     * exact even in float32 and the sort keys {@code slot * N + row} stay far below {@code 2^53}, exact
     * in float64.
     */
    public static final long MAX_ROWS = 1L << 24;

    private final String name;
    private final int experts;
    private final long tokens;
    private final int routedK;
    private final long modelDim;
    private final long slots;
    private final DataType dataType;

    private final INDArray oneHot; // [T, E]
    private final INDArray onesT; // [1, T]
    private final INDArray counts; // [E]
    private final INDArray countsRow; // [1, E] view of counts
    private final INDArray keys; // DOUBLE [N]
    private final INDArray arangeN; // DOUBLE [N]
    private final INDArray slot; // DOUBLE [N]
    private final INDArray token; // DOUBLE [N]
    private final INDArray quotientScratch; // DOUBLE [N]
    private final INDArray slotSorted; // LONG [N]: slot of each expert-order row
    private final INDArray tokenSorted; // LONG [N]: token of each expert-order row
    private final INDArray posOfSlot; // LONG [k', T]: expert-order row of each slot
    private final INDArray posOfSlotFlat;
    private final INDArray sortedScratch; // [N] in dataType
    private final INDArray slotScratch; // [k', T] in dataType
    private final INDArray temp; // [T, d]: one slot's expert rows, gathered back to tokens
    private final long[] hostCounts;
    private final long[] hostOffsets;
    private boolean built;

    private DispatchPlan(String name, int experts, long tokens, int routedK, long modelDim, DataType dataType) {
        this.name = name;
        this.experts = experts;
        this.tokens = tokens;
        this.routedK = routedK;
        this.modelDim = modelDim;
        this.slots = tokens * routedK;
        this.dataType = dataType;
        this.oneHot = Nd4j.create(dataType, tokens, experts);
        this.onesT = Nd4j.ones(dataType, 1, tokens);
        this.counts = Nd4j.create(dataType, experts);
        this.countsRow = counts.reshape(1, experts);
        this.keys = Nd4j.create(DataType.DOUBLE, slots);
        this.arangeN = Nd4j.arange(0, (double) slots).castTo(DataType.DOUBLE);
        this.slot = Nd4j.create(DataType.DOUBLE, slots);
        this.token = Nd4j.create(DataType.DOUBLE, slots);
        this.quotientScratch = Nd4j.create(DataType.DOUBLE, slots);
        this.slotSorted = Nd4j.create(DataType.LONG, slots);
        this.tokenSorted = Nd4j.create(DataType.LONG, slots);
        this.posOfSlot = Nd4j.create(DataType.LONG, routedK, tokens);
        this.posOfSlotFlat = posOfSlot.reshape(slots);
        this.sortedScratch = Nd4j.create(dataType, slots);
        this.slotScratch = Nd4j.create(dataType, routedK, tokens);
        this.temp = Nd4j.create(dataType, tokens, modelDim);
        this.hostCounts = new long[experts];
        this.hostOffsets = new long[experts + 1];
    }

    /**
     * Creates a plan for {@code tokens} tokens routed to {@code routedK} of {@code experts} experts,
     * with rows of width {@code modelDim}, and allocates its buffers.
     *
     * @param name the owning layer's name, used in every error message
     * @throws IllegalArgumentException if a size is &lt; 1, {@code routedK > experts}, or
     *                                  {@code tokens * routedK} exceeds {@link #MAX_ROWS}
     */
    public static DispatchPlan create(
            String name, int experts, long tokens, int routedK, long modelDim, DataType dataType) {
        Objects.requireNonNull(name, "name");
        if (experts < 1 || routedK < 1 || tokens < 1 || modelDim < 1) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: experts (%d), routedK (%d), tokens (%d) and modelDim (%d) must all be >= 1",
                    name,
                    experts,
                    routedK,
                    tokens,
                    modelDim));
        }
        if (routedK > experts) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s: routedK (%d) must be <= experts (%d)", name, routedK, experts));
        }
        if (tokens * routedK > MAX_ROWS) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "%s: tokens * routedK (%d * %d) exceeds %d rows", name, tokens, routedK, MAX_ROWS));
        }
        Ops.checkFloating(name, dataType);
        return new DispatchPlan(name, experts, tokens, routedK, modelDim, dataType);
    }

    /**
     * Builds the plan from one routing decision.
     *
     * @param expertIds LONG, slot-major {@code [k', T]}, every entry in {@code [0, E)}; only read
     * @throws IllegalArgumentException for a wrong shape or dtype or an id out of range; the
     *                                  previous plan is then left as it was
     */
    public void build(INDArray expertIds) {
        Ops.checkArray(name, "expertIds", expertIds, DataType.LONG, routedK, tokens);
        INDArray flat = expertIds.reshape(slots);
        // Integer arithmetic in float64 (exact below 2^53; ND4J's integer floormod rounds through float32).
        // key = expert * N + slot: distinct, so sorting them orders rows by expert, then by slot.
        keys.assign(flat).muli(slots).addi(arangeN);
        Nd4j.sort(keys, true);
        // Every id lies in [0, E) exactly when the smallest key is >= 0 and the largest < E * N: the
        // conversion to float64 and the product are monotone, so rounding cannot move a key across
        // either bound. (Checked before anything of the plan is written.)
        if (!(keys.getDouble(0) >= 0 && keys.getDouble(slots - 1) < (double) experts * slots)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: expertIds must lie in [0, %d), found values from %d to %d",
                    name,
                    experts,
                    expertIds.minNumber().longValue(),
                    expertIds.maxNumber().longValue()));
        }
        // counts[e] = sum_j sum_t [e_{j,t} == e]: one column-sum product per slot, accumulated
        // (exact: every count is at most 2^24)
        for (int j = 0; j < routedK; j++) {
            Ops.oneHot(expertIds.getRow(j), 1.0, oneHot);
            Nd4j.gemm(onesT, oneHot, countsRow, false, false, 1.0, j == 0 ? 0.0 : 1.0);
        }
        mod(keys, slots, slot);
        slotSorted.assign(slot);
        mod(slot, tokens, token);
        tokenSorted.assign(token);
        // The inverse permutation by a second sort, of slot * N + row (a scatter costs far more per index).
        keys.assign(slot).muli(slots).addi(arangeN);
        Nd4j.sort(keys, true);
        mod(keys, slots, slot);
        posOfSlotFlat.assign(slot);
        long offset = 0;
        for (int e = 0; e < experts; e++) {
            hostOffsets[e] = offset;
            hostCounts[e] = Math.round(counts.getDouble(e));
            offset += hostCounts[e];
        }
        hostOffsets[experts] = offset;
        built = true;
    }

    /** Whether {@link #build} has run. */
    public boolean isBuilt() {
        return built;
    }

    /** The number of experts {@code E}. */
    public int experts() {
        return experts;
    }

    /** The number of tokens {@code T}. */
    public long tokens() {
        return tokens;
    }

    /** {@code k'}, the routed experts per token. */
    public int routedTopK() {
        return routedK;
    }

    /** {@code N = T k'}, the number of dispatched rows. */
    public long rows() {
        return slots;
    }

    /** The row width {@code d} of {@link #combineInto} and {@link #sumInto} outputs. */
    public long modelDim() {
        return modelDim;
    }

    /** A copy of the number of rows each expert receives; the entries sum to {@code T k'}. */
    public long[] tokensPerExpert() {
        checkBuilt();
        return hostCounts.clone();
    }

    /** The number of rows expert {@code e} receives. */
    public long count(int e) {
        checkBuilt();
        return hostCounts[checkExpert(e)];
    }

    /** The first expert-order row of expert {@code e}. */
    public long offset(int e) {
        checkBuilt();
        return hostOffsets[checkExpert(e)];
    }

    /** The per-expert counts as a vector {@code [E]} of the plan's dtype (the plan's buffer; read only). */
    public INDArray countsArray() {
        checkBuilt();
        return counts;
    }

    /** LONG {@code [N]}: the slot ({@code j T + t}) of each expert-order row (the plan's buffer; read only). */
    public INDArray slotOfRow() {
        checkBuilt();
        return slotSorted;
    }

    /** LONG {@code [N]}: the token of each expert-order row (the plan's buffer; read only). */
    public INDArray tokenOfRow() {
        checkBuilt();
        return tokenSorted;
    }

    /** LONG slot-major {@code [k', T]}: the expert-order row of each slot (the plan's buffer; read only). */
    public INDArray rowOfSlot() {
        checkBuilt();
        return posOfSlot;
    }

    /**
     * The rows of expert {@code e} in an expert-order array, as a view of whole rows, or
     * {@code null} if the expert received no token.
     *
     * @param sorted an array with {@code N} rows in expert order
     */
    public INDArray expertBlock(INDArray sorted, int e) {
        checkBuilt();
        checkExpert(e);
        long c = hostCounts[e];
        if (c == 0) {
            return null;
        }
        long o = hostOffsets[e];
        return sorted.get(NDArrayIndex.interval(o, o + c), NDArrayIndex.all());
    }

    /**
     * Dispatch: {@code out[r, :] = x[token(r), :]} for every expert-order row {@code r}.
     *
     * @param x   {@code [T, w]} for any width {@code w}; only read
     * @param out {@code [N, w]}, C-order without gaps; overwritten
     */
    public void gatherInto(INDArray x, INDArray out) {
        checkBuilt();
        Objects.requireNonNull(x, "x");
        if (x.rank() != 2) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: x: expected a [%d, width] matrix, found shape %s",
                    name,
                    tokens,
                    Arrays.toString(x.shape())));
        }
        Ops.checkArray(name, "x", x, dataType, tokens, x.columns());
        Ops.checkOutput(name, "out", out, dataType, slots, x.columns());
        Ops.gather(x, tokenSorted, out);
    }

    /**
     * Reorders per-slot values into expert order: {@code out[r] = slotValues[slot(r)]}.
     *
     * @param slotValues slot-major {@code [k', T]}; only read
     * @param out        {@code [N]}; overwritten
     */
    public void slotsToRowsInto(INDArray slotValues, INDArray out) {
        checkBuilt();
        Ops.checkArray(name, "slotValues", slotValues, dataType, routedK, tokens);
        Ops.checkOutput(name, "out", out, dataType, slots);
        Ops.gather(slotValues.reshape(slots, 1), slotSorted, out.reshape(slots, 1));
    }

    /**
     * Reorders per-row values back to slots: {@code out[j, t] = rowValues[row(j T + t)]}.
     *
     * @param rowValues {@code [N]} in expert order; only read
     * @param out       slot-major {@code [k', T]}, C-order without gaps; overwritten
     */
    public void rowsToSlotsInto(INDArray rowValues, INDArray out) {
        checkBuilt();
        Ops.checkArray(name, "rowValues", rowValues, dataType, slots);
        Ops.checkOutput(name, "out", out, dataType, routedK, tokens);
        Ops.gather(rowValues.reshape(slots, 1), posOfSlotFlat, out.reshape(slots, 1));
    }

    /**
     * The weighted combine: \( y_t = \sum_j c_{j,t}\, Y_{\mathrm{row}(j T + t)} \).
     *
     * @param expertOut {@code [N, d]} in expert order; only read
     * @param weights   slot-major {@code [k', T]}; only read
     * @param y         {@code [T, d]}, C-order without gaps; overwritten
     */
    public void combineInto(INDArray expertOut, INDArray weights, INDArray y) {
        checkBuilt();
        Ops.checkArray(name, "expertOut", expertOut, dataType, slots, modelDim);
        Ops.checkArray(name, "weights", weights, dataType, routedK, tokens);
        Ops.checkOutput(name, "y", y, dataType, tokens, modelDim);
        for (int j = 0; j < routedK; j++) {
            INDArray w = weights.getRow(j).reshape(tokens, 1);
            if (j == 0) {
                Ops.gather(expertOut, posOfSlot.getRow(0), y);
                y.muliColumnVector(w);
            } else {
                Ops.gather(expertOut, posOfSlot.getRow(j), temp);
                temp.muliColumnVector(w);
                y.addi(temp);
            }
        }
    }

    /**
     * The unweighted combine: \( y_t = \sum_j Y_{\mathrm{row}(j T + t)} \); for expert outputs that
     * already carry their weights, and for the input gradient of the expert computation.
     *
     * @param expertOut {@code [N, d]} in expert order; only read
     * @param y         {@code [T, d]}, C-order without gaps; overwritten
     */
    public void sumInto(INDArray expertOut, INDArray y) {
        checkBuilt();
        Ops.checkArray(name, "expertOut", expertOut, dataType, slots, modelDim);
        Ops.checkOutput(name, "y", y, dataType, tokens, modelDim);
        Ops.gather(expertOut, posOfSlot.getRow(0), y);
        for (int j = 1; j < routedK; j++) {
            Ops.gather(expertOut, posOfSlot.getRow(j), temp);
            y.addi(temp);
        }
    }

    /**
     * Backward of {@link #combineInto}: with \(\bar y = \partial L/\partial y\),
     * \(\partial L/\partial Y_r = c_{\mathrm{slot}(r)}\, \bar y_{\mathrm{token}(r)}\) and
     * \(\partial L/\partial c_{j,t} = \langle \bar y_t, Y_{\mathrm{row}(jT+t)} \rangle\).
     *
     * @param dy          {@code [T, d]}; only read
     * @param expertOut   {@code [N, d]}, the forward's expert outputs; only read
     * @param weights     slot-major {@code [k', T]}, the forward's weights; only read
     * @param dExpertOut  {@code [N, d]}, C-order without gaps; overwritten
     * @param dWeights    slot-major {@code [k', T]}, C-order without gaps; overwritten
     */
    public void combineBackwardInto(
            INDArray dy, INDArray expertOut, INDArray weights, INDArray dExpertOut, INDArray dWeights) {
        checkBuilt();
        Ops.checkArray(name, "dy", dy, dataType, tokens, modelDim);
        Ops.checkArray(name, "expertOut", expertOut, dataType, slots, modelDim);
        Ops.checkArray(name, "weights", weights, dataType, routedK, tokens);
        Ops.checkOutput(name, "dExpertOut", dExpertOut, dataType, slots, modelDim);
        Ops.checkOutput(name, "dWeights", dWeights, dataType, routedK, tokens);
        Ops.gather(dy, tokenSorted, dExpertOut);
        Ops.rowDot(dExpertOut, expertOut, sortedScratch);
        Ops.gather(sortedScratch.reshape(slots, 1), posOfSlotFlat, dWeights.reshape(slots, 1));
        slotScratch.assign(weights);
        Ops.gather(slotScratch.reshape(slots, 1), slotSorted, sortedScratch.reshape(slots, 1));
        dExpertOut.muliColumnVector(sortedScratch.reshape(slots, 1));
    }

    /** {@code out = x mod m} for non-negative integers below 2^53 held in float64; {@code x} is kept. */
    private void mod(INDArray x, long m, INDArray out) {
        quotientScratch.assign(x).divi(m);
        Transforms.floor(quotientScratch, false);
        out.assign(x).subi(quotientScratch.muli(m));
    }

    private void checkBuilt() {
        if (!built) {
            throw new IllegalStateException(
                    String.format(Locale.ROOT, "%s: dispatch plan not built; call build(expertIds) first", name));
        }
    }

    private int checkExpert(int e) {
        if (e < 0 || e >= experts) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s: expert index (%d) must be in [0, %d)", name, e, experts));
        }
        return e;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "DispatchPlan[%s E=%d k'=%d T=%d d=%d%s]",
                name,
                experts,
                routedK,
                tokens,
                modelDim,
                built ? " counts=" + Arrays.toString(hostCounts) : "");
    }
}
