package io.hyperp.demo.gpt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.floating.RSqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fixed sequence of ND4J ops over preallocated arrays, recorded once and replayed many times.
 *
 * <p>Every method records one op bound to the given arrays (which must stay allocated and keep their
 * shapes); {@link #run()} executes the recorded ops in order. Custom ops are executed through a
 * prebuilt {@link OpContext}, legacy ops through a reused op object: this skips ND4J's per-call op
 * construction and shape inference, which for the small tensors of the demo model costs more than
 * the arithmetic (tens of microseconds per op). Binary ops broadcast NumPy-style ({@code [R, C] * [R,
 * 1]} scales rows, {@code [R, C] * [C]} scales columns, a rank-0 array is a scalar).
 *
 * <p>Not thread-safe: one tape belongs to one model and runs on one thread at a time.
 */
final class Tape {

    private final DataType dt;
    private final List<Runnable> steps = new ArrayList<>();
    private final Map<Double, INDArray> constants;

    /** A tape whose scalar constants have type {@code dt}; {@code constants} may be shared between tapes. */
    Tape(DataType dt, Map<Double, INDArray> constants) {
        this.dt = dt;
        this.constants = constants;
    }

    /** A new constant cache to share between the tapes of one model. */
    static Map<Double, INDArray> newConstants() {
        return new HashMap<>();
    }

    /** Executes every recorded op, in order. */
    void run() {
        for (Runnable step : steps) {
            step.run();
        }
    }

    /** The number of recorded ops. */
    int size() {
        return steps.size();
    }

    /** A rank-0 array holding {@code value}, shared by every op that needs it. */
    INDArray constant(double value) {
        return constants.computeIfAbsent(value, v -> Nd4j.scalar(dt, v));
    }

    private void custom(CustomOp op) {
        OpContext ctx = Nd4j.getExecutioner().buildContext();
        ctx.setInputArrays(op.inputArguments());
        ctx.setOutputArrays(op.outputArguments());
        if (op.iArgs().length > 0) {
            ctx.setIArguments(op.iArgs());
        }
        if (op.tArgs().length > 0) {
            ctx.setTArguments(op.tArgs());
        }
        if (op.bArgs().length > 0) {
            ctx.setBArguments(op.bArgs());
        }
        steps.add(() -> Nd4j.exec(op, ctx));
    }

    private void legacy(Op op) {
        steps.add(() -> Nd4j.exec(op));
    }

    /** Runs Java code at this point of the sequence (for layers with their own forward and backward). */
    void call(Runnable step) {
        steps.add(step);
    }

    /** {@code c = alpha * op(a) op(b) + beta * c}; rank 2, or batched over leading axes for rank >= 3. */
    void mm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta) {
        custom(new Mmul(
                a,
                b,
                c,
                alpha,
                beta,
                MMulTranspose.builder().transposeA(transA).transposeB(transB).build()));
    }

    /** {@code z = x * y}. */
    void mul(INDArray x, INDArray y, INDArray z) {
        custom(new MulOp(x, y, z));
    }

    /** {@code z = x + y}. */
    void add(INDArray x, INDArray y, INDArray z) {
        custom(new AddOp(x, y, z));
    }

    /** {@code z = x - y}. */
    void sub(INDArray x, INDArray y, INDArray z) {
        custom(new SubOp(x, y, z));
    }

    /** {@code z = x * s}. */
    void scale(INDArray x, double s, INDArray z) {
        mul(x, constant(s), z);
    }

    /** {@code z = x + s}. */
    void addScalar(INDArray x, double s, INDArray z) {
        add(x, constant(s), z);
    }

    /** {@code z = s - x}. */
    void rsub(INDArray x, double s, INDArray z) {
        sub(constant(s), x, z);
    }

    /** {@code z = value} everywhere (NaN in z included). */
    void fill(INDArray z, double value) {
        custom(DynamicCustomOp.builder("assign")
                .addInputs(z, constant(value))
                .addOutputs(z)
                .build());
    }

    /** {@code z = 1 / sqrt(x)}. */
    void rsqrt(INDArray x, INDArray z) {
        legacy(new RSqrt(x, z));
    }

    /** {@code z = log(x)}. */
    void log(INDArray x, INDArray z) {
        legacy(new Log(x, z));
    }

    /** {@code z = 1 / (1 + exp(-x))}. */
    void sigmoid(INDArray x, INDArray z) {
        custom(DynamicCustomOp.builder("sigmoid").addInputs(x).addOutputs(z).build());
    }

    /** Softmax of {@code x} along its last axis into {@code z}. */
    void softmaxLast(INDArray x, INDArray z) {
        custom(new SoftMax(x, z, x.rank() - 1));
    }

    /** Row maxima of a matrix {@code x} into {@code z} of shape {@code [rows, 1]}. */
    void rowMax(INDArray x, INDArray z) {
        custom(DynamicCustomOp.builder("reduce_max")
                .addInputs(x)
                .addOutputs(z)
                .addIntegerArguments(1)
                .addBooleanArguments(true)
                .build());
    }

    /** Row sums of squares of a matrix {@code x} into {@code z} of shape {@code [rows, 1]}. */
    void rowSumSquares(INDArray x, INDArray z) {
        custom(DynamicCustomOp.builder("reduce_sqnorm")
                .addInputs(x)
                .addOutputs(z)
                .addIntegerArguments(1)
                .addBooleanArguments(true)
                .build());
    }

    /**
     * Slices of {@code table} along axis 0 selected by the integer vector {@code indices}, into
     * {@code z}: rows of a matrix, entries of a vector.
     */
    void gather(INDArray table, INDArray indices, INDArray z) {
        custom(DynamicCustomOp.builder("gather")
                .addInputs(table, indices)
                .addOutputs(z)
                .addIntegerArguments(0)
                .build());
    }

    /**
     * {@code table[indices[i]] += updates[i]} for every i along axis 0, in place. The op runs locked
     * (serially) so that repeated indices add up correctly and in a fixed order.
     */
    void scatterAdd(INDArray table, INDArray indices, INDArray updates) {
        custom(DynamicCustomOp.builder("scatter_add")
                .addInputs(table, indices, updates)
                .addOutputs(table)
                .addBooleanArguments(true)
                .build());
    }
}
