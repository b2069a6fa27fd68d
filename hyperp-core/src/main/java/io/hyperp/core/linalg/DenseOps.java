package io.hyperp.core.linalg;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.orthogonal.NsKernel;
import java.nio.Buffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Level-1 operations on whole arrays (every element, in storage order): the sums of squares,
 * inner products, scalings, {@code axpy}s and copies that the per-step code of an optimizer runs
 * over every parameter.
 *
 * <p>Two paths compute the same values:
 * <ul>
 *   <li><b>host</b>: OpenBLAS level-1 routines ({@code ?dot}, {@code ?axpy}, {@code ?scal}) and
 *       {@code memcpy} called on the arrays' host memory through
 *       {@code org.bytedeco.openblas}. Used when {@link #isHost()}: the CPU backend with the optional
 *       OpenBLAS bindings, detected once per JVM together with {@link NsKernel#SYMMETRIC_BLAS} (same
 *       rules, same {@code -Dio.hyperp.ns.kernel=gemm} switch), plus a self-check of these routines
 *       against ND4J. The pointer to an array's memory is made the first time the array is seen and
 *       kept (up to {@link #capacity()} arrays, then the oldest is replaced), so that afterwards a call
 *       allocates nothing, on the Java heap or off it. ND4J ops allocate a few hundred bytes to a few
 *       kilobytes of Java objects per call, which is why this path exists.</li>
 *   <li><b>portable</b>: ND4J ops ({@code SquaredNorm}, {@code Dot}, {@code Axpy}, {@code muli},
 *       {@code assign}) for every other backend, and on the host path for any array that is not a
 *       dense block of float32 or float64 memory (a strided view, for example).</li>
 * </ul>
 * Both paths accumulate in the arrays' precision, as BLAS and ND4J do; results agree to rounding.
 * Arrays passed together must have the same dtype and length and, unless they are vectors, the same
 * ordering ('c' or 'f'), so that storage order pairs the same elements.
 *
 * <p>Not thread-safe: one instance per owner and thread.
 *
 * <p>References: Lawson et al., <i>Basic Linear Algebra Subprograms for Fortran Usage</i> (1979).
 */
public final class DenseOps {

    /** The default number of arrays whose memory pointers an instance keeps. */
    public static final int DEFAULT_CAPACITY = 32;

    private final Host host;
    private final INDArray[] scalars = new INDArray[2]; // portable path: FLOAT and DOUBLE reduction outputs

    private DenseOps(Host host) {
        this.host = host;
    }

    /**
     * Operations on the host path where {@linkplain #hostAvailable() available}, else portable, keeping the
     * pointers of up to {@value #DEFAULT_CAPACITY} arrays.
     */
    public static DenseOps create() {
        return create(DEFAULT_CAPACITY);
    }

    /**
     * As {@link #create()}, keeping the pointers of up to {@code capacity} arrays: give at least the
     * number of distinct arrays the owner passes per step, or calls beyond it allocate a pointer.
     *
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public static DenseOps create(int capacity) {
        checkArgument(capacity >= 1, "capacity (%s) must be >= 1", capacity);
        return new DenseOps(hostAvailable() ? HostSupport.newHost(capacity) : null);
    }

    /** Operations on the portable path only (ND4J ops), whatever the backend. */
    public static DenseOps portable() {
        return new DenseOps(null);
    }

    /** Whether the host path can run in this JVM (see the class documentation). */
    public static boolean hostAvailable() {
        return HostSupport.available();
    }

    /** Why the host path is or is not available: one sentence. */
    public static String availability() {
        return HostSupport.reason();
    }

    /** Whether this instance uses the host path for dense arrays. */
    public boolean isHost() {
        return host != null;
    }

    /** The number of arrays whose pointers this instance keeps (0 on the portable path). */
    public int capacity() {
        return host == null ? 0 : host.capacity();
    }

    /**
     * \( \sum_i x_i^2 \). Overflows to infinity for huge finite entries, and is NaN or infinite if
     * {@code x} holds a NaN or an infinity.
     */
    public double sumOfSquares(INDArray x) {
        Objects.requireNonNull(x, "x");
        checkFloating("x", x);
        if (host != null && host.dense(x)) {
            return host.dot(x, x);
        }
        INDArray s = scalar(x.dataType());
        Nd4j.getExecutioner().exec(new SquaredNorm(x, s));
        return s.getDouble(0);
    }

    /** \( \sum_i x_i y_i \). */
    public double dot(INDArray x, INDArray y) {
        checkPair("x", x, "y", y);
        if (host != null && host.dense(x, y)) {
            return host.dot(x, y);
        }
        INDArray s = scalar(x.dataType());
        Nd4j.getExecutioner().exec(new Dot(x, y, s));
        return s.getDouble(0);
    }

    /** \( x \leftarrow \alpha x \); overwrites {@code x}. {@code alpha = 1} does nothing. */
    public void scaleInPlace(INDArray x, double alpha) {
        Objects.requireNonNull(x, "x");
        checkFloating("x", x);
        if (alpha == 1.0) {
            return;
        }
        if (host != null && host.dense(x)) {
            host.scal(alpha, x);
        } else {
            x.muli(alpha);
        }
    }

    /** \( y \leftarrow y + \alpha x \); overwrites {@code y}. */
    public void axpyInPlace(double alpha, INDArray x, INDArray y) {
        checkPair("x", x, "y", y);
        if (host != null && host.dense(x, y)) {
            host.axpy(alpha, x, y);
        } else {
            Nd4j.getExecutioner().exec(new Axpy(x, y, y, alpha));
        }
    }

    /** \( y \leftarrow x \); overwrites {@code y}. */
    public void copyInto(INDArray x, INDArray y) {
        checkPair("x", x, "y", y);
        if (host != null && host.dense(x, y)) {
            host.copy(x, y);
        } else {
            y.assign(x);
        }
    }

    /**
     * \( y \leftarrow \alpha y + x \); overwrites {@code y}. One fused ND4J op on the portable path,
     * {@code ?scal} then {@code ?axpy} on the host path.
     */
    public void scaleAndAddInPlace(INDArray y, double alpha, INDArray x) {
        checkPair("y", y, "x", x);
        if (host != null && host.dense(x, y)) {
            host.scal(alpha, y);
            host.axpy(1.0, x, y);
        } else {
            Nd4j.getExecutioner().exec(new Axpy(y, x, y, alpha));
        }
    }

    /**
     * The host memory of {@code x} as a {@link java.nio.FloatBuffer} (float32) or
     * {@link java.nio.DoubleBuffer} (float64) of its elements in storage order, position 0 and
     * limit {@code x.length()}; {@code null} on the portable path or if {@code x} is not a dense
     * block. For element-wise kernels that BLAS lacks. The buffer is a live view (writes change
     * {@code x}) kept with the array's pointer: do not change its position or limit.
     */
    public Buffer hostView(INDArray x) {
        Objects.requireNonNull(x, "x");
        if (host == null || !host.dense(x)) {
            return null;
        }
        return host.view(x);
    }

    private INDArray scalar(DataType dt) {
        int k = dt == DataType.DOUBLE ? 1 : 0;
        if (scalars[k] == null) {
            try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                scalars[k] = Nd4j.scalar(dt, 0.0);
            }
        }
        return scalars[k];
    }

    private static void checkFloating(String name, INDArray x) {
        DataType dt = x.dataType();
        checkArgument(
                dt == DataType.FLOAT || dt == DataType.DOUBLE || dt == DataType.HALF || dt == DataType.BFLOAT16,
                "%s: expected a floating-point array, found %s",
                name,
                dt);
    }

    private static void checkPair(String xName, INDArray x, String yName, INDArray y) {
        Objects.requireNonNull(x, xName);
        Objects.requireNonNull(y, yName);
        checkFloating(xName, x);
        checkArgument(
                x.dataType() == y.dataType(),
                "%s and %s: dtypes differ (%s, %s)",
                xName,
                yName,
                x.dataType(),
                y.dataType());
        if (x.length() != y.length()) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s and %s: lengths differ (shapes %s, %s)",
                    xName,
                    yName,
                    Arrays.toString(x.shape()),
                    Arrays.toString(y.shape())));
        }
    }

    /** The host path's operations; implemented by {@link HostBlas}, the only class naming OpenBLAS. */
    interface Host {
        int capacity();

        /** Whether {@code x} is a dense float32 or float64 block (its pointer is made and kept if so). */
        boolean dense(INDArray x);

        /** Whether both are dense and pair elements in the same storage order. */
        boolean dense(INDArray x, INDArray y);

        double dot(INDArray x, INDArray y);

        void scal(double alpha, INDArray x);

        void axpy(double alpha, INDArray x, INDArray y);

        void copy(INDArray x, INDArray y);

        Buffer view(INDArray x);
    }
}
