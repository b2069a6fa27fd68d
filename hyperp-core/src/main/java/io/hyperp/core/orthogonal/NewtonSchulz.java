package io.hyperp.core.orthogonal;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.param.ParamSpec;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Newton-Schulz orthogonalization of a matrix, or of each matrix of a stack, into preallocated
 * scratch (SPEC section 3):
 * \[ X_0 = G / (\|G\|_F + 10^{-7}), \qquad
 *    A = X X^T,\; B = bA + cA^2,\; X \leftarrow aX + BX \]
 * for each triple (a, b, c) of the {@link NsSchedule}. A tall matrix (more rows than columns) is
 * processed as its transpose, so that \(X X^T\) is the smaller Gram matrix; the result is transposed
 * back. Each iteration maps every singular value \(s\) of \(X\) to \(as + bs^3 + cs^5\) and keeps the
 * singular vectors ({@link NsSchedule#mapSingularValue}).
 *
 * <p>Shapes: the spec's rank-2 matrix, or its rank-3 stack, where matrix {@code b} is the tensor
 * along the two non-expert axes (in axis order) at index {@code b} of the expert axis; each matrix is
 * orthogonalized on its own, with one set of scratch reused over the stack.
 *
 * <p>Products: {@link NsKernel#SYMMETRIC_BLAS} (OpenBLAS {@code ?syrk} and {@code ?gemm} on the CPU
 * backend, \(3m^2n + m^3\) flops per iteration for an \(m \times n\) wide matrix) when it is
 * available, else {@link NsKernel#ND4J_GEMM} ({@code Nd4j.gemm}, any backend,
 * \(4m^2n + 2m^3\)); see {@link NsKernel#preferred()}.
 *
 * <p>Memory: all scratch (two \(m \times n\) and two \(m \times m\) matrices) is allocated by
 * {@link #create}. With {@link NsKernel#SYMMETRIC_BLAS}, a call with the same {@code g} and
 * {@code out} arrays as the previous call allocates nothing, on or off the heap, provided each
 * matrix of {@code g} and {@code out} has a unit stride along one of its axes (any row- or
 * column-major layout, views and stacks included); otherwise that matrix is copied through scratch
 * by ND4J ops. With {@link NsKernel#ND4J_GEMM} no array is allocated per call, but each ND4J op
 * allocates its small Java descriptor objects. An instance keeps references to the last {@code g}
 * and {@code out} (or their buffers) it was given.
 *
 * <p>Non-finite input: a NaN or infinite entry in a matrix of {@code g} makes that matrix of
 * {@code out} non-finite (NaN); it is never silently replaced. A zero matrix gives a zero result.
 *
 * <p>Not thread-safe: an instance owns its scratch; use one per parameter and thread.
 *
 * <p>References: Jordan, <i>Muon: An optimizer for hidden layers</i> (2024); Ren et al.,
 * <i>Rethinking Language Model Scaling under Transferable Hypersphere Optimization</i>
 * (arXiv 2603.28743); Higham, <i>Functions of Matrices</i> (2008), section 8.3.
 */
public final class NewtonSchulz {

    /** The constant added to \(\|G\|_F\) before dividing: {@code 1e-7}. */
    public static final double NORM_EPS = 1e-7;

    /** The largest smaller matrix dimension supported: \(m^2\) must fit a BLAS {@code int}. */
    static final int MAX_MIN_DIMENSION = 46_340;

    private final ParamSpec spec;
    private final NsSchedule schedule;
    private final DataType dataType;
    private final Geometry geometry;
    private final Engine engine;

    private NewtonSchulz(ParamSpec spec, DataType dataType, NsSchedule schedule, NsKernel kernel) {
        this.spec = spec;
        this.schedule = schedule;
        this.dataType = dataType;
        this.geometry = new Geometry(spec);
        this.engine = kernel == NsKernel.SYMMETRIC_BLAS
                ? BlasEngines.create(geometry, dataType, schedule)
                : new GemmEngine(geometry, dataType, schedule);
    }

    /**
     * Allocates the scratch for parameters of this spec, with the {@linkplain NsKernel#preferred()
     * preferred} kernel.
     *
     * @param spec     the parameter: a matrix or a stack of matrices
     * @param dataType FLOAT or DOUBLE: the dtype of every array passed to {@link #orthogonalizeInto}
     * @param schedule the coefficients
     * @throws IllegalArgumentException for a rank-1 spec, a non-floating dtype, or a smaller matrix
     *                                  dimension above 46340
     */
    public static NewtonSchulz create(ParamSpec spec, DataType dataType, NsSchedule schedule) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(schedule, "schedule");
        check(spec, dataType);
        return new NewtonSchulz(spec, dataType, schedule, NsKernel.preferred());
    }

    /**
     * As {@link #create(ParamSpec, DataType, NsSchedule)} with a chosen kernel; {@link NsKernel#ND4J_GEMM}
     * forces the portable path.
     *
     * @throws IllegalArgumentException also if {@code kernel} is not {@linkplain NsKernel#isAvailable()
     *                                  available} here (the message says why)
     */
    public static NewtonSchulz create(ParamSpec spec, DataType dataType, NsSchedule schedule, NsKernel kernel) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(kernel, "kernel");
        check(spec, dataType);
        checkArgument(
                kernel.isAvailable(),
                "%s: kernel %s is not available here: %s",
                spec.name(),
                kernel,
                kernel.availability());
        return new NewtonSchulz(spec, dataType, schedule, kernel);
    }

    private static void check(ParamSpec spec, DataType dataType) {
        checkArgument(
                spec.rank() >= 2,
                "%s: Newton-Schulz needs a matrix or a stack of matrices, found rank %s",
                spec.name(),
                spec.rank());
        checkArgument(
                dataType == DataType.FLOAT || dataType == DataType.DOUBLE,
                "%s: dataType must be FLOAT or DOUBLE, found %s",
                spec.name(),
                dataType);
        Geometry g = new Geometry(spec);
        checkArgument(
                g.m <= MAX_MIN_DIMENSION,
                "%s: the smaller matrix dimension (%s) must be at most %s",
                spec.name(),
                g.m,
                MAX_MIN_DIMENSION);
    }

    /** The parameter spec this instance was created for. */
    public ParamSpec spec() {
        return spec;
    }

    /** The schedule. */
    public NsSchedule schedule() {
        return schedule;
    }

    /** The dtype of the arrays. */
    public DataType dataType() {
        return dataType;
    }

    /** The kernel this instance runs. */
    public NsKernel kernel() {
        return engine.kernel();
    }

    /**
     * The nominal flop count of one {@link #orthogonalizeInto} call, counting general matrix
     * products: {@code matrixCount * iterations * (4 m^2 n + 2 m^3)} for \(m \times n\) wide matrices
     * (SPEC section 3). This is the count throughput figures are quoted in, whichever kernel runs.
     */
    public double nominalFlops() {
        double m = geometry.m;
        double n = geometry.n;
        return geometry.batch * (double) schedule.iterations() * (4 * m * m * n + 2 * m * m * m);
    }

    /**
     * Orthogonalizes {@code g} (or each matrix of a stack) into {@code out}, as in the class
     * documentation. Checks every argument before writing anything.
     *
     * <p>{@code out} may be {@code g} itself (in place): every schedule has at least two
     * iterations, the first reads the input and writes scratch, and only the last writes the output.
     * Distinct arrays that share memory are not allowed.
     *
     * @param g   the input, of the spec's shape and this instance's dtype; read only unless it is {@code out}
     * @param out of the spec's shape and dtype; overwritten. Either {@code g} or an array sharing no memory with it.
     * @throws IllegalArgumentException for a wrong shape or dtype
     */
    public void orthogonalizeInto(INDArray g, INDArray out) {
        Objects.requireNonNull(g, "g");
        Objects.requireNonNull(out, "out");
        spec.checkShape("g", g.shape());
        spec.checkShape("out", out.shape());
        checkArgument(
                g.dataType() == dataType, "g[%s]: expected dtype %s, found %s", spec.name(), dataType, g.dataType());
        checkArgument(
                out.dataType() == dataType,
                "out[%s]: expected dtype %s, found %s",
                spec.name(),
                dataType,
                out.dataType());
        engine.orthogonalize(g, out);
    }
}
