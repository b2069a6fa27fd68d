package io.hyperp.moe;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dropless token-choice dispatch and combine for one {@link Router}: the plan sorts the {@code k' T}
 * (slot, token) assignments by expert (a stable sort, so tokens keep their order within an expert),
 * {@link #gatherInputs} copies each assignment's token row into expert order, and {@link #combine}
 * scatter-adds the weighted expert outputs back to tokens. Everything is an ND4J op (sort, gather,
 * unsorted segment sum); only the per-expert counts and offsets (E numbers) come to the host.
 *
 * <p>Expert e's rows in dispatch order are {@code [offset(e), offset(e) + count(e))}. Not
 * thread-safe; buffers are owned by the dispatcher and overwritten by the next {@link #plan}.
 *
 * <p>References: Gale et al., <i>MegaBlocks</i> (dropless MoE); Fedus et al., <i>Switch Transformer</i>.
 */
public final class Dispatcher {

    private final Router router;
    private final int tokens;
    private final int k;
    private final int experts;
    private final int width;
    private final int slots;
    private final INDArray keys;         // [k' T] DOUBLE
    private final INDArray permutation;  // [k' T] LONG: flat (slot-major) assignment at each dispatch row
    private final INDArray tokenOf;      // [k' T] LONG: token of each dispatch row
    private final INDArray weightOf;     // [k' T] combine weight of each dispatch row
    private final INDArray scaled;       // [k' T, d]
    private final INDArray gradRows;     // [k' T, d]
    private final INDArray rowDots;      // [k' T]
    private final INDArray flatGrad;     // [k' T]
    private final long[] counts;
    private final long[] offsets;

    private Dispatcher(Router router, int width) {
        this.router = router;
        this.tokens = router.tokens();
        this.k = router.routedTopK();
        this.experts = router.experts();
        this.width = width;
        this.slots = k * tokens;
        DataType dt = router.dataType();
        this.keys = Nd4j.create(DataType.DOUBLE, slots);
        this.permutation = Nd4j.create(DataType.LONG, slots);
        this.tokenOf = Nd4j.create(DataType.LONG, slots);
        this.weightOf = Nd4j.create(dt, slots);
        this.scaled = Nd4j.create(dt, slots, width);
        this.gradRows = Nd4j.create(dt, slots, width);
        this.rowDots = Nd4j.create(dt, slots);
        this.flatGrad = Nd4j.create(dt, slots);
        this.counts = new long[experts];
        this.offsets = new long[experts + 1];
    }

    /** A dispatcher for the router's batches of hidden width {@code width}. */
    public static Dispatcher create(Router router, int width) {
        Objects.requireNonNull(router, "router");
        checkArgument(width >= 1, "%s: width (%s) must be >= 1", router.config().layerName(), width);
        return new Dispatcher(router, width);
    }

    /** Builds the plan from the router's last {@link Router#route}. */
    public void plan() {
        // key = expert * (k' T) + flat position (slot-major j T + t): sorting it sorts by expert, stably.
        INDArray flatExperts = router.indices().reshape(slots).castTo(DataType.DOUBLE);
        keys.assign(flatExperts.muli((double) slots)).addi(Nd4j.arange(0, slots).castTo(DataType.DOUBLE));
        INDArray[] sorted = Nd4j.sortWithIndices(keys.dup(), 0, true);
        permutation.assign(sorted[0]);
        // token = flat position mod T
        INDArray pos = sorted[0].castTo(DataType.DOUBLE);
        INDArray slot = pos.div(tokens);
        org.nd4j.linalg.ops.transforms.Transforms.floor(slot, false);
        tokenOf.assign(pos.subi(slot.muli(tokens)));
        Gather g = new Gather(router.weights().reshape(slots), permutation, 0);
        g.addOutputArgument(weightOf);
        Nd4j.exec(g);
        INDArray loads = router.loads();
        offsets[0] = 0;
        for (int e = 0; e < experts; e++) {
            counts[e] = Math.round(loads.getDouble(e));
            offsets[e + 1] = offsets[e] + counts[e];
        }
    }

    /** Tokens routed to expert e in the current plan. */
    public long count(int e) {
        return counts[e];
    }

    /** The first dispatch row of expert e. */
    public long offset(int e) {
        return offsets[e];
    }

    /** The total number of dispatch rows, {@code k' T}. */
    public int rows() {
        return slots;
    }

    /** The token of each dispatch row, {@code [k' T]} (LONG). */
    public INDArray tokenOf() {
        return tokenOf;
    }

    /** The combine weight of each dispatch row, {@code [k' T]}. */
    public INDArray weightOf() {
        return weightOf;
    }

    /**
     * Copies token rows into dispatch order.
     *
     * @param x   {@code [T, d]}; read only
     * @param out {@code [k' T, d]}; overwritten
     */
    public void gatherInputs(INDArray x, INDArray out) {
        checkShape("x", x, tokens, width);
        checkShape("out", out, slots, width);
        Gather g = new Gather(x, tokenOf, 0);
        g.addOutputArgument(out);
        Nd4j.exec(g);
    }

    /**
     * {@code y[t] = sum over t's assignments of w * out[row]}.
     *
     * @param expertOut {@code [k' T, d]} in dispatch order; read only
     * @param y         {@code [T, d]}; overwritten
     */
    public void combine(INDArray expertOut, INDArray y) {
        checkShape("expertOut", expertOut, slots, width);
        checkShape("y", y, tokens, width);
        scaled.assign(expertOut).muliColumnVector(weightOf.reshape(slots, 1));
        UnsortedSegmentSum s = new UnsortedSegmentSum(scaled, tokenOf, tokens);
        s.addOutputArgument(y);
        Nd4j.exec(s);
    }

    /**
     * Back-propagates {@link #combine}: the gradient for the expert outputs and for the router's
     * combine weights.
     *
     * @param gradY         {@code [T, d]}; read only
     * @param expertOut     the outputs given to combine; read only
     * @param gradExpertOut {@code [k' T, d]}; overwritten with {@code w dL/dy[token]}
     * @param gradWeights   {@code [k', T]}; overwritten with {@code <dL/dy[t], out>} per assignment
     */
    public void backwardCombine(INDArray gradY, INDArray expertOut, INDArray gradExpertOut, INDArray gradWeights) {
        checkShape("gradY", gradY, tokens, width);
        checkShape("gradExpertOut", gradExpertOut, slots, width);
        checkArgument(gradWeights.length() == slots, "gradWeights must have %s entries", slots);
        Gather g = new Gather(gradY, tokenOf, 0);
        g.addOutputArgument(gradRows);
        Nd4j.exec(g);
        gradExpertOut.assign(gradRows).muliColumnVector(weightOf.reshape(slots, 1));
        gradRows.muli(expertOut);
        Nd4j.getExecutioner().exec(new Sum(gradRows, rowDots, 1));
        UnsortedSegmentSum s = new UnsortedSegmentSum(rowDots, permutation, slots);
        s.addOutputArgument(flatGrad);
        Nd4j.exec(s);
        gradWeights.assign(flatGrad.reshape(k, tokens));
    }

    /**
     * Back-propagates {@link #gatherInputs}: adds the rows of {@code gradInputs} to their tokens.
     *
     * @param gradInputs {@code [k' T, d]}; read only
     * @param gradX      {@code [T, d]}; overwritten
     */
    public void backwardGather(INDArray gradInputs, INDArray gradX) {
        checkShape("gradInputs", gradInputs, slots, width);
        checkShape("gradX", gradX, tokens, width);
        UnsortedSegmentSum s = new UnsortedSegmentSum(gradInputs, tokenOf, tokens);
        s.addOutputArgument(gradX);
        Nd4j.exec(s);
    }

    private void checkShape(String what, INDArray a, long rows, long cols) {
        Objects.requireNonNull(a, what);
        checkArgument(Arrays.equals(a.shape(), new long[] {rows, cols}), "%s: %s must have shape [%s, %s], found %s",
                router.config().layerName(), what, rows, cols, Arrays.toString(a.shape()));
    }
}
