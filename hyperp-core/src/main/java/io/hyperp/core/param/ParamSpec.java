package io.hyperp.core.param;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * What the library needs to know about one trainable tensor: its name, shape and role, which axis is
 * the fan-in and which the fan-out, and, for a stacked 3-D tensor of experts, which axis indexes the
 * experts.
 *
 * <p>Conventions: for a matrix stored as {@code [out, in]} (ND4J / PyTorch {@code Linear} layout, as
 * in {@code y = x W^T}) the fan-out axis is 0 and the fan-in axis is 1; for a matrix stored as
 * {@code [in, out]} (as in {@code y = x W}) it is the reverse. For a rank-3 tensor the matrix axes
 * are the two axes other than the expert (batch) axis. For rank-1 tensors (gains, biases) both
 * fan axes are 0 and there is no matrix structure.
 *
 * <p>Instances are immutable; the shape array is copied in and out.
 *
 * @param name     the tensor's name, used in every error message about it
 * @param shape    the tensor's shape (every dimension >= 1)
 * @param role     its role
 * @param fanInAxis  the axis whose length is the fan-in
 * @param fanOutAxis the axis whose length is the fan-out
 * @param expertAxis the axis that indexes a stack of matrices, or {@code -1} for none
 */
// The array is copied in and out, and equals/hashCode/toString compare its contents.
@SuppressWarnings("ArrayRecordComponent")
public record ParamSpec(String name, long[] shape, ParamRole role, int fanInAxis, int fanOutAxis, int expertAxis) {

    /** The value of {@link #expertAxis()} for a tensor that is not a stack. */
    public static final int NO_EXPERT_AXIS = -1;

    /** Validates every field; see the class documentation for the rules. */
    public ParamSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(role, "role");
        checkArgument(!name.isBlank(), "name must not be blank");
        shape = shape.clone();
        checkArgument(shape.length >= 1, "%s: shape must have rank >= 1, found rank 0", name);
        for (long d : shape) {
            checkArgument(d >= 1, "%s: every dimension must be >= 1, found shape %s", name, Arrays.toString(shape));
        }
        int rank = shape.length;
        if (role.requiresMatrix()) {
            checkArgument(
                    rank >= 2,
                    "%s: role %s needs a matrix or a stack of matrices (rank >= 2), found rank %s shape %s",
                    name,
                    role,
                    rank,
                    Arrays.toString(shape));
        }
        checkArgument(
                expertAxis == NO_EXPERT_AXIS || (expertAxis >= 0 && expertAxis < rank),
                "%s: expertAxis (%s) out of range for rank %s",
                name,
                expertAxis,
                rank);
        if (role == ParamRole.EXPERT) {
            checkArgument(
                    rank == 3,
                    "%s: role EXPERT needs a stacked [E, out, in] tensor of rank 3, found rank %s",
                    name,
                    rank);
            checkArgument(expertAxis != NO_EXPERT_AXIS, "%s: role EXPERT needs an expert axis", name);
        }
        checkArgument(
                expertAxis == NO_EXPERT_AXIS || rank == 3,
                "%s: an expert axis needs a rank-3 tensor, found rank %s",
                name,
                rank);
        if (rank >= 2) {
            checkArgument(
                    fanInAxis >= 0 && fanInAxis < rank,
                    "%s: fanInAxis (%s) out of range for rank %s",
                    name,
                    fanInAxis,
                    rank);
            checkArgument(
                    fanOutAxis >= 0 && fanOutAxis < rank,
                    "%s: fanOutAxis (%s) out of range for rank %s",
                    name,
                    fanOutAxis,
                    rank);
            checkArgument(
                    fanInAxis != fanOutAxis, "%s: fanInAxis and fanOutAxis must differ, both are %s", name, fanInAxis);
            checkArgument(
                    fanInAxis != expertAxis && fanOutAxis != expertAxis,
                    "%s: the expert axis (%s) cannot also be a fan axis (in %s, out %s)",
                    name,
                    expertAxis,
                    fanInAxis,
                    fanOutAxis);
            checkArgument(
                    rank == 2 || expertAxis != NO_EXPERT_AXIS,
                    "%s: a rank-%s tensor needs an expert (batch) axis",
                    name,
                    rank);
        } else {
            checkArgument(
                    fanInAxis == 0 && fanOutAxis == 0,
                    "%s: a rank-1 tensor has fanInAxis = fanOutAxis = 0, found %s and %s",
                    name,
                    fanInAxis,
                    fanOutAxis);
        }
    }

    /** A matrix stored as {@code [out, in]} (used as {@code y = x W^T}). */
    public static ParamSpec matrixOutIn(String name, long out, long in, ParamRole role) {
        return new ParamSpec(name, new long[] {out, in}, role, 1, 0, NO_EXPERT_AXIS);
    }

    /** A matrix stored as {@code [in, out]} (used as {@code y = x W}). */
    public static ParamSpec matrixInOut(String name, long in, long out, ParamRole role) {
        return new ParamSpec(name, new long[] {in, out}, role, 0, 1, NO_EXPERT_AXIS);
    }

    /** A stack of expert matrices stored as {@code [E, out, in]}, expert axis 0. */
    public static ParamSpec expertStack(String name, long experts, long out, long in) {
        return new ParamSpec(name, new long[] {experts, out, in}, ParamRole.EXPERT, 2, 1, 0);
    }

    /** A rank-1 tensor (a gain or a bias). */
    public static ParamSpec vector(String name, long length, ParamRole role) {
        return new ParamSpec(name, new long[] {length}, role, 0, 0, NO_EXPERT_AXIS);
    }

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The tensor's rank. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements. */
    public long length() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The fan-in: the length of {@link #fanInAxis()}. */
    public long fanIn() {
        return shape[fanInAxis];
    }

    /** The fan-out: the length of {@link #fanOutAxis()}. */
    public long fanOut() {
        return shape[fanOutAxis];
    }

    /** The number of matrices in a stack: the length of the expert axis, or 1. */
    public long matrixCount() {
        return expertAxis == NO_EXPERT_AXIS ? 1 : shape[expertAxis];
    }

    /** Whether this tensor is a stack of matrices along {@link #expertAxis()}. */
    public boolean isStack() {
        return expertAxis != NO_EXPERT_AXIS;
    }

    /**
     * Checks that {@code actual} is this spec's shape.
     *
     * @param what how to call the tensor in the message, for example {@code "grads"}
     * @throws IllegalArgumentException naming the tensor, the expected and the found shape
     */
    public void checkShape(String what, long[] actual) {
        if (!Arrays.equals(shape, actual)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s[%s]: expected shape %s, found %s",
                    what,
                    name,
                    Arrays.toString(shape),
                    Arrays.toString(actual)));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p
                && name.equals(p.name)
                && Arrays.equals(shape, p.shape)
                && role == p.role
                && fanInAxis == p.fanInAxis
                && fanOutAxis == p.fanOutAxis
                && expertAxis == p.expertAxis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), role, fanInAxis, fanOutAxis, expertAxis);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "ParamSpec[%s %s %s in=%d out=%d expert=%d]",
                name,
                Arrays.toString(shape),
                role,
                fanInAxis,
                fanOutAxis,
                expertAxis);
    }
}
