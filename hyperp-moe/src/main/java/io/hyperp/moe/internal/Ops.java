package io.hyperp.moe.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.indexaccum.custom.ArgMax;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * ND4J operations used on the hot paths of the MoE module, each writing into a preallocated output.
 *
 * <p>Notes on the ND4J 1.0.0-M2.1 CPU backend that shaped these choices (each is covered by a test):
 * the {@code top_k} op returns duplicate indices for tied inputs and is orders of magnitude slower
 * than repeated arg-max, so top-k selection is done by repeated {@link #argMaxRows}; arg-max
 * returns the lowest index among tied maxima; {@code scatter_add} races when indices repeat and
 * {@code unsorted_segment_sum}, {@code bincount} and {@code reduce_logsumexp} are slow, so reductions over repeated indices are written as gathers
 * followed by additions; {@code gather} and {@code scatter_upd} cost microseconds per index, far
 * more on vectors than on rows, so per-value permutations gather {@code [N, 1]} columns and
 * inverse permutations are computed by sorting; integer {@code floormod} rounds through float32, so
 * index arithmetic is done in float64.
 *
 * <p>Stateless and thread-safe (the arrays passed in are not).
 */
public final class Ops {

    private Ops() {}

    /**
     * {@code out[i, :] = src[indices[i], :]} (or {@code out[i] = src[indices[i]]} for a vector).
     *
     * @param src     the source, rows along axis 0
     * @param indices a LONG vector of row indices, each in {@code [0, src.rows())}
     * @param out     overwritten; shape {@code [indices.length, src.columns()]} (or a vector)
     */
    public static void gather(INDArray src, INDArray indices, INDArray out) {
        Nd4j.exec(DynamicCustomOp.builder("gather")
                .addInputs(src, indices)
                .addIntegerArguments(0)
                .addOutputs(out)
                .build());
    }

    /** {@code out[t] = argmax_i x[t, i]}, the lowest index among tied maxima; {@code out} LONG {@code [T]}. */
    public static void argMaxRows(INDArray x, INDArray out) {
        Nd4j.exec(new ArgMax(new INDArray[] {x}, new INDArray[] {out}, false, 1));
    }

    /**
     * {@code out[t, i] = (i == indices[t]) ? on : 0}.
     *
     * @param indices LONG {@code [T]}, each in {@code [0, out.columns())}
     * @param out     {@code [T, E]}; overwritten
     */
    public static void oneHot(INDArray indices, double on, INDArray out) {
        Nd4j.exec(new OneHot(indices, out, Math.toIntExact(out.columns()), -1, on, 0.0));
    }

    /** Softmax of {@code x} along {@code dimension} into {@code out} (numerically stable). */
    public static void softmax(INDArray x, int dimension, INDArray out) {
        Nd4j.exec(DynamicCustomOp.builder("softmax")
                .addInputs(x)
                .addIntegerArguments(dimension)
                .addOutputs(out)
                .build());
    }

    /** {@code out[i] = <a[i, :], b[i, :]>}; {@code out} a vector of length {@code a.rows()}. */
    public static void rowDot(INDArray a, INDArray b, INDArray out) {
        Nd4j.getExecutioner().exec(new Dot(a, b, out, 1));
    }

    /**
     * The number of NaN or infinite entries of {@code x}.
     *
     * <p>First one sum over {@code x}: any NaN or infinity makes the sum NaN or infinite, so a finite
     * sum proves every entry finite. Only a non-finite sum (non-finite entries, or finite ones whose
     * sum overflows) pays for the exact count, a {@code MatchCondition} that costs about 25 times a
     * sum on the CPU backend (48 ms against 2 ms on a {@code [65536, 64]} float array).
     */
    public static long countNonFinite(INDArray x) {
        if (Double.isFinite(x.sumNumber().doubleValue())) {
            return 0;
        }
        return Nd4j.getExecutioner()
                .exec(new MatchCondition(x, Conditions.notFinite()))
                .getLong(0);
    }

    /**
     * Checks that {@code x} has the expected shape and dtype.
     *
     * @param owner what the array belongs to, for the message (a layer or router name)
     * @param what  the argument's name
     * @throws IllegalArgumentException naming both, with the expected and found shape or dtype
     */
    public static void checkArray(String owner, String what, INDArray x, DataType dataType, long... shape) {
        Objects.requireNonNull(x, what);
        if (!Arrays.equals(x.shape(), shape)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: %s: expected shape %s, found %s",
                    owner,
                    what,
                    Arrays.toString(shape),
                    Arrays.toString(x.shape())));
        }
        if (x.dataType() != dataType) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "%s: %s: expected dtype %s, found %s", owner, what, dataType, x.dataType()));
        }
    }

    /**
     * As {@link #checkArray}, and also that {@code x} is a gap-free C-order array (a fresh array or a
     * block of whole rows of one), as the operations writing into it require.
     */
    public static void checkOutput(String owner, String what, INDArray x, DataType dataType, long... shape) {
        checkArray(owner, what, x, dataType, shape);
        if (x.length() > 1 && !(x.ordering() == 'c' && x.elementWiseStride() == 1)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: %s must be a C-order array without gaps (for example Nd4j.create(dataType, %s)), found order %s"
                            + " with element-wise stride %d",
                    owner,
                    what,
                    Arrays.toString(shape),
                    x.ordering(),
                    x.elementWiseStride()));
        }
    }

    /** Checks that {@code dataType} is FLOAT or DOUBLE. */
    public static void checkFloating(String owner, DataType dataType) {
        Objects.requireNonNull(dataType, "dataType");
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s: dataType must be FLOAT or DOUBLE, found %s", owner, dataType));
        }
    }

    /** The smallest positive normal number of the dtype (FLOAT or DOUBLE). */
    public static double tinyNormal(DataType dataType) {
        return dataType == DataType.DOUBLE ? Double.MIN_NORMAL : Float.MIN_NORMAL;
    }
}
