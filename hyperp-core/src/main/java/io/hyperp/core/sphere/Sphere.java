package io.hyperp.core.sphere;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.linalg.DenseOps;
import io.hyperp.core.param.ParamSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Frobenius-sphere geometry for one parameter tensor: a single matrix, or a stack of matrices along
 * the spec's expert axis with one sphere per matrix (SPEC section 2).
 *
 * <p>Per-matrix quantities (squared norms, inner products, radii) are vectors of length
 * {@link #matrixCount()}: one entry for a plain matrix, one per expert for a stack. All of them are
 * reduced through the {@link NormReduction} given at creation before they are used, so a caller
 * holding a shard of a matrix gets the same step as one holding the whole matrix.
 *
 * <p>The central operation is {@link #stepInPlace}: with radius \(R\), direction \(U\), learning rate
 * \(\eta\) and weight decay \(\lambda\),
 * \[ W' = (1-\eta\lambda) W - \eta \frac{R}{\max(\|U\|_F, \epsilon)} U, \qquad
 *    W \leftarrow R \frac{W'}{\max(\|W'\|_F, \epsilon)}. \]
 * The radius is the one given (stored at initialization), never recomputed from the decayed
 * weights, so that {@code step(eta, lambda) == step(eta / (1 - eta lambda), 0)} exactly (SPEC 2.1).
 *
 * <p>Degenerate cases are specified: a zero direction leaves the matrix bit-for-bit unchanged; a step
 * that annihilates a matrix (\(\|W'\|_F \le\) {@link #degenerateTolerance()} \(R\), for example
 * \(\eta = 1\) along \(W\) itself) leaves that matrix unchanged instead of normalizing rounding noise,
 * so no step ever produces NaN from finite input.
 *
 * <p>An instance holds small preallocated scratch vectors and is not thread-safe; create one per
 * parameter (and per thread). On the host path of {@link DenseOps} (CPU backend with OpenBLAS), steps
 * allocate nothing after the first step with given arrays; elsewhere they allocate only ND4J's per-op objects.
 * For a stack, an instance keeps per-matrix views of the last four arrays it was given (so those stay
 * reachable while it lives).
 *
 * <p>References: Ren et al., <i>Rethinking Language Model Scaling under Transferable Hypersphere
 * Optimization</i> (arXiv 2603.28743), section 3 (MuonH).
 */
public final class Sphere {

    /** The guard of every division by a norm: {@code max(norm, EPS)}. */
    public static final double EPS = 1e-12;

    private static final int VIEW_SLOTS = 4; // w, a direction, and room for a caller's other arrays

    private final ParamSpec spec;
    private final NormReduction reduction;
    private final DataType dataType;
    private final int[] reduceDims;
    private final int matrixCount;
    private final double degenerateTolerance;
    // Scratch, one entry per matrix: sums of squares of the direction / of the new point, inner products.
    private final INDArray sumsA;
    private final INDArray sumsB;
    private final INDArray coefficients;
    private final double[] hostA;
    private final double[] hostB;
    private final double[] hostCoef;
    private final DenseOps ops; // reductions and updates, per matrix
    // Per-matrix views of the last arrays seen (stacks only), keyed by identity and data buffer.
    private final INDArray[] viewKeys = new INDArray[VIEW_SLOTS];
    private final DataBuffer[] viewBuffers = new DataBuffer[VIEW_SLOTS];
    private final INDArray[][] views = new INDArray[VIEW_SLOTS][];
    private int nextView;

    private Sphere(ParamSpec spec, DataType dataType, NormReduction reduction) {
        this.spec = spec;
        this.dataType = dataType;
        this.reduction = reduction;
        this.matrixCount = Math.toIntExact(spec.matrixCount());
        int rank = spec.rank();
        if (spec.isStack()) {
            reduceDims = new int[rank - 1];
            for (int a = 0, j = 0; a < rank; a++) {
                if (a != spec.expertAxis()) {
                    reduceDims[j++] = a;
                }
            }
        } else {
            reduceDims = new int[rank];
            Arrays.setAll(reduceDims, i -> i);
        }
        this.degenerateTolerance = dataType == DataType.DOUBLE ? 1e-12 : 1e-5;
        this.sumsA = Nd4j.create(dataType, matrixCount);
        this.sumsB = Nd4j.create(dataType, matrixCount);
        this.coefficients = Nd4j.create(dataType, matrixCount);
        this.hostA = new double[matrixCount];
        this.hostB = new double[matrixCount];
        this.hostCoef = new double[matrixCount];
        this.ops = DenseOps.create(VIEW_SLOTS * (matrixCount + 1));
    }

    /**
     * Creates the geometry of one parameter.
     *
     * @param spec      the parameter's spec; a rank-1 tensor is refused (it has no matrix structure)
     * @param dataType  the dtype of the parameter arrays (FLOAT or DOUBLE)
     * @param reduction how per-matrix sums are completed across shards; {@link NormReduction#local()}
     *                  when each worker holds whole matrices
     * @throws IllegalArgumentException for a rank-1 spec or a non-floating dtype
     */
    public static Sphere create(ParamSpec spec, DataType dataType, NormReduction reduction) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(reduction, "reduction");
        checkArgument(
                spec.rank() >= 2,
                "%s: a sphere parameter must be a matrix or a stack of matrices, found rank %s",
                spec.name(),
                spec.rank());
        checkArgument(
                dataType == DataType.FLOAT || dataType == DataType.DOUBLE,
                "%s: dataType must be FLOAT or DOUBLE, found %s",
                spec.name(),
                dataType);
        return new Sphere(spec, dataType, reduction);
    }

    /** The geometry of one parameter with a local reduction. */
    public static Sphere create(ParamSpec spec, DataType dataType) {
        return create(spec, dataType, NormReduction.local());
    }

    /** The parameter's spec. */
    public ParamSpec spec() {
        return spec;
    }

    /** The number of spheres: 1 for a matrix, the expert count for a stack. */
    public int matrixCount() {
        return matrixCount;
    }

    /**
     * The relative size below which {@code ||W'||_F} counts as an annihilated matrix in
     * {@link #stepInPlace}: 1e-5 for float32 (about 100 float ulps of 1, well above the rounding
     * noise of computing {@code W - W}), 1e-12 for float64.
     */
    public double degenerateTolerance() {
        return degenerateTolerance;
    }

    /**
     * Squared Frobenius norms per matrix into {@code out}, completed by the reduction.
     *
     * @param x   a tensor of the spec's shape; read only
     * @param out a vector of length {@link #matrixCount()}; overwritten
     * @return {@code out}
     */
    public INDArray squaredNormsInto(INDArray x, INDArray out) {
        checkParam("x", x);
        checkVector("out", out);
        squaredNorms(x, out);
        return out;
    }

    /**
     * A new vector of the Frobenius norm of each matrix of {@code w}: the radius to store at
     * initialization. Allocates; not for a hot path.
     *
     * @throws IllegalArgumentException if a matrix has a zero or non-finite norm (it cannot define a sphere)
     */
    public INDArray measureRadius(INDArray w) {
        checkParam("w", w);
        INDArray r = Nd4j.create(dataType, matrixCount);
        squaredNorms(w, r);
        for (int b = 0; b < matrixCount; b++) {
            double n2 = r.getDouble(b);
            if (!(n2 > 0 && Double.isFinite(n2))) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "%s: matrix %d has squared norm %s; a sphere needs a finite positive radius",
                        spec.name(),
                        b,
                        n2));
            }
            r.putScalar(b, Math.sqrt(n2));
        }
        return r;
    }

    /**
     * One step on the sphere, exactly as in the class documentation.
     *
     * <p>Overwrites {@code w} with the new point; {@code direction} is read only. Checks every
     * argument before touching anything. Since the new point is normalized, the decay factor
     * \(1-\eta\lambda\) is applied as the rescaling of the direction it is equivalent to:
     * \(W'/(1-\eta\lambda) = W - \frac{\eta}{1-\eta\lambda} \frac{R}{\|U\|_F} U\) has the same
     * normalization as \(W'\), so a step is one {@code axpy}, two sums of squares and one scaling.
     *
     * @param w           the parameter, on its sphere; overwritten
     * @param direction   the update direction U (any scale); read only
     * @param eta         the relative learning rate, finite and >= 0
     * @param weightDecay the decoupled weight decay lambda, finite, >= 0, with {@code eta * lambda < 1}
     * @param radius      the stored radius per matrix (length {@link #matrixCount()}), each finite and > 0
     */
    public void stepInPlace(INDArray w, INDArray direction, double eta, double weightDecay, INDArray radius) {
        checkParam("w", w);
        checkParam("direction", direction);
        checkVector("radius", radius);
        checkEta(eta);
        checkDecay(eta, weightDecay);
        checkRadius(radius);

        // ||U||^2 per matrix; matrices with a zero direction are left exactly as they are.
        squaredNorms(direction, sumsA);
        double keep = 1.0 - eta * weightDecay;
        boolean anyMove = false;
        for (int b = 0; b < matrixCount; b++) {
            double u2 = entry(sumsA, b);
            // W'/(1 - eta lambda) = W - c U with c = eta R / (||U|| (1 - eta lambda)).
            double c = u2 > 0 && eta > 0 ? eta * entry(radius, b) / Math.max(Math.sqrt(u2), EPS) / keep : 0.0;
            hostCoef[b] = c;
            anyMove |= c != 0.0;
        }
        if (!anyMove) {
            // Decay alone only rescales W, which the normalization undoes: W stays where it is.
            return;
        }
        subtractScaled(w, direction, hostCoef);

        // ||W'||^2 per matrix; an annihilated matrix is restored instead of normalizing noise.
        squaredNorms(w, sumsB);
        boolean restore = false;
        for (int b = 0; b < matrixCount; b++) {
            double r = entry(radius, b);
            double n = Math.sqrt(Math.max(entry(sumsB, b), 0));
            restore |= !(keep * n > degenerateTolerance * r);
            hostB[b] = n;
        }
        if (restore) {
            restoreDegenerate(w, direction, radius, keep);
        }
        for (int b = 0; b < matrixCount; b++) {
            hostA[b] = entry(radius, b) / Math.max(hostB[b], EPS);
        }
        scaleMatrices(w, hostA, coefficients);
    }

    /** Undoes the step on matrices whose new point is (numerically) zero, and re-measures them. */
    private void restoreDegenerate(INDArray w, INDArray direction, INDArray radius, double keep) {
        for (int b = 0; b < matrixCount; b++) {
            double r = entry(radius, b);
            if (!(keep * hostB[b] > degenerateTolerance * r)) {
                ops.axpyInPlace(hostCoef[b], matrix(direction, b), matrix(w, b));
            }
        }
        // The reduction must see every matrix's corrected sum, so re-reduce all of them.
        squaredNorms(w, sumsB);
        for (int b = 0; b < matrixCount; b++) {
            hostB[b] = Math.sqrt(Math.max(entry(sumsB, b), 0));
        }
    }

    /**
     * Rescales each matrix of {@code w} to its stored radius: {@code W <- R W / max(||W||, eps)}.
     *
     * @param w      overwritten
     * @param radius the radius per matrix
     */
    public void normalizeToRadiusInPlace(INDArray w, INDArray radius) {
        checkParam("w", w);
        checkVector("radius", radius);
        checkRadius(radius);
        squaredNorms(w, sumsB);
        for (int b = 0; b < matrixCount; b++) {
            double r = entry(radius, b);
            hostA[b] = r / Math.max(Math.sqrt(Math.max(entry(sumsB, b), 0)), EPS);
        }
        scaleMatrices(w, hostA, coefficients);
    }

    /**
     * Projects {@code u} onto the tangent space of the sphere at {@code w}, per matrix:
     * \( U \leftarrow U - \frac{\langle W, U\rangle}{\|W\|_F^2} W \). A zero matrix of {@code w} leaves
     * its part of {@code u} unchanged.
     *
     * @param w read only
     * @param u overwritten with its tangent component
     */
    public void projectTangentInPlace(INDArray w, INDArray u) {
        checkParam("w", w);
        checkParam("u", u);
        innerProducts(w, u, sumsA);
        squaredNorms(w, sumsB);
        for (int b = 0; b < matrixCount; b++) {
            double n2 = entry(sumsB, b);
            hostCoef[b] = n2 > 0 ? entry(sumsA, b) / n2 : 0.0;
        }
        subtractScaled(u, w, hostCoef);
    }

    /**
     * Inner products per matrix, \(\langle X_b, Y_b\rangle_F\), completed by the reduction.
     *
     * @param out a vector of length {@link #matrixCount()}; overwritten
     * @return {@code out}
     */
    public INDArray innerProductsInto(INDArray x, INDArray y, INDArray out) {
        checkParam("x", x);
        checkParam("y", y);
        checkVector("out", out);
        innerProducts(x, y, out);
        return out;
    }

    // Stacks: on the host path one level-1 call per matrix on cached views (no allocation); on the
    // portable path one batched ND4J op over the stack where ND4J has one.

    private void squaredNorms(INDArray x, INDArray out) {
        if (!spec.isStack()) {
            setEntry(out, 0, ops.sumOfSquares(x));
        } else if (ops.isHost()) {
            INDArray[] xs = matrices(x);
            for (int b = 0; b < matrixCount; b++) {
                setEntry(out, b, ops.sumOfSquares(xs[b]));
            }
        } else {
            Nd4j.getExecutioner().exec(new SquaredNorm(x, out, false, reduceDims));
        }
        reduction.allReduceSumInPlace(out);
    }

    private void innerProducts(INDArray x, INDArray y, INDArray out) {
        if (!spec.isStack()) {
            setEntry(out, 0, ops.dot(x, y));
        } else if (ops.isHost()) {
            INDArray[] xs = matrices(x);
            INDArray[] ys = matrices(y);
            for (int b = 0; b < matrixCount; b++) {
                setEntry(out, b, ops.dot(xs[b], ys[b]));
            }
        } else {
            Nd4j.getExecutioner().exec(new Dot(x, y, out, reduceDims));
        }
        reduction.allReduceSumInPlace(out);
    }

    /** Multiplies matrix b of x by factors[b] (through the device vector {@code buffer} for a batched op). */
    private void scaleMatrices(INDArray x, double[] factors, INDArray buffer) {
        if (!spec.isStack()) {
            ops.scaleInPlace(x, factors[0]);
        } else if (ops.isHost()) {
            INDArray[] xs = matrices(x);
            for (int b = 0; b < matrixCount; b++) {
                ops.scaleInPlace(xs[b], factors[b]);
            }
        } else {
            for (int b = 0; b < matrixCount; b++) {
                setEntry(buffer, b, factors[b]);
            }
            Broadcast.mul(x, buffer, x, spec.expertAxis());
        }
    }

    /** x_b <- x_b - factors[b] u_b for every matrix b with a non-zero factor. */
    private void subtractScaled(INDArray x, INDArray u, double[] factors) {
        if (!spec.isStack()) {
            ops.axpyInPlace(-factors[0], u, x);
            return;
        }
        INDArray[] xs = matrices(x);
        INDArray[] us = matrices(u);
        for (int b = 0; b < matrixCount; b++) {
            if (factors[b] != 0.0) {
                ops.axpyInPlace(-factors[b], us[b], xs[b]);
            }
        }
    }

    /** The matrices of a stack as views, made once per array and kept (for the last few arrays seen). */
    private INDArray[] matrices(INDArray x) {
        for (int i = 0; i < viewKeys.length; i++) {
            if (viewKeys[i] == x && viewBuffers[i] == x.data()) {
                return views[i];
            }
        }
        int s = nextView;
        nextView = (nextView + 1) % viewKeys.length;
        INDArray[] v = new INDArray[matrixCount];
        for (int b = 0; b < matrixCount; b++) {
            v[b] = x.tensorAlongDimension(b, otherAxes());
        }
        viewKeys[s] = x;
        viewBuffers[s] = x.data();
        views[s] = v;
        return v;
    }

    private INDArray matrix(INDArray x, int b) {
        if (!spec.isStack()) {
            return x;
        }
        return matrices(x)[b];
    }

    private int[] otherAxes() {
        return reduceDims;
    }

    private void checkParam(String what, INDArray x) {
        Objects.requireNonNull(x, what);
        spec.checkShape(what, x.shape());
        if (x.dataType() != dataType) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "%s[%s]: expected dtype %s, found %s", what, spec.name(), dataType, x.dataType()));
        }
    }

    private void checkVector(String what, INDArray v) {
        Objects.requireNonNull(v, what);
        if (v.length() != matrixCount) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s[%s]: expected %s entries (one per matrix), found shape %s",
                    what,
                    spec.name(),
                    matrixCount,
                    Arrays.toString(v.shape())));
        }
    }

    // The checks of the per-step methods format their message only when they fail (Guava's
    // checkArgument would box its double arguments on every call).

    private void checkEta(double eta) {
        if (!(eta >= 0 && Double.isFinite(eta))) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s: learning rate (%s) must be finite and >= 0", spec.name(), eta));
        }
    }

    private void checkDecay(double eta, double weightDecay) {
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "%s: weight decay (%s) must be finite and >= 0", spec.name(), weightDecay));
        }
        if (!(eta * weightDecay < 1)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "%s: eta * weightDecay (%s) must be < 1", spec.name(), eta * weightDecay));
        }
    }

    private void checkRadius(INDArray radius) {
        for (int b = 0; b < matrixCount; b++) {
            double r = entry(radius, b);
            if (!(r > 0 && Double.isFinite(r))) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT, "%s: radius[%s] (%s) must be finite and positive", spec.name(), b, r));
            }
        }
    }

    // Entries of the per-matrix vectors: INDArray.getDouble(i) and putScalar(i, v) allocate index arrays
    // for vectors of more than one entry, so dense vectors are read and written through their buffer.

    private static double entry(INDArray v, int b) {
        return v.offset() == 0 && v.elementWiseStride() == 1 ? v.data().getDouble(b) : v.getDouble(b);
    }

    private static void setEntry(INDArray v, int b, double value) {
        if (v.offset() == 0 && v.elementWiseStride() == 1) {
            v.data().put(b, value);
        } else {
            v.putScalar(b, value);
        }
    }
}
