package io.hyperp.core.orthogonal;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasLower;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasUpper;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Newton-Schulz with OpenBLAS symmetric products, called on the host memory of the arrays (CPU
 * backend only; see {@link NsKernel#SYMMETRIC_BLAS}). Per iteration, with \(\sigma\) the
 * normalization (first iteration) or 1:
 * <pre>
 *   A = sigma^2 X X^T          ?syrk: one triangle, m^2 n flops
 *   A full                     the other triangle copied from the first (tiled BLAS copies)
 *   B = b A + c A A^T          ?syrk on a copy of A: one triangle, m^3 flops (B = b sigma^2 X X^T if c = 0)
 *   B = B + a I, B full        ?axpy on the diagonal, then the other triangle copied
 *   X' = sigma B X             ?gemm, 2 m^2 n flops
 * </pre>
 * {@code ?symm} is not used for the last product: OpenBLAS 0.3.19's {@code dsymm} returns wrong
 * results on AVX-512 processors for m >= 16, and {@code ?gemm} is as fast. The first iteration reads
 * the input matrix where it lies (row- or column-major, any leading dimension, the transpose of a
 * tall matrix included) and the last writes straight into the output; in between, two scratch
 * matrices alternate. Inputs or outputs whose matrices have no unit stride are copied through
 * scratch with ND4J ops. After the first call with a given pair of arrays, a call allocates
 * nothing: the BLAS pointers of the arrays' buffers are cached by buffer identity.
 */
final class BlasEngine implements Engine {

    private static final int NO_ORDER = 0;
    private static final int TILE = 128;

    private final Geometry geo;
    private final NsSchedule schedule;
    private final Blas blas;
    private final int m;
    private final int n;
    private final INDArray[] x = new INDArray[2]; // [m * n] scratch, row- or column-major as the call needs
    private final INDArray[][] xView = new INDArray[2][2]; // [scratch][0: column-major 'f', 1: row-major 'c'] views
    private final INDArray a; // [m * m]
    private final INDArray b; // [m * m]
    private final INDArray ones; // [m]
    private final Pointer[] px = new Pointer[2];
    private final Pointer pa;
    private final Pointer paWrite; // a second cursor on a, for the symmetrization
    private final Pointer pb;
    private final Pointer pbWrite; // a second cursor on b
    private final Pointer pOnes;

    private final boolean fillSecondTriangle;

    private DataBuffer gBuffer;
    private DataBuffer outBuffer;
    private Pointer pg;
    private Pointer pout;

    BlasEngine(Geometry geo, DataType dataType, NsSchedule schedule) {
        this(geo, dataType, schedule, true);
    }

    /**
     * With {@code fillSecondTriangle = false}, the engine skips the symmetrization of A before
     * \(A A^T\): a deliberately wrong engine, for the tests that must catch that mistake.
     */
    BlasEngine(Geometry geo, DataType dataType, NsSchedule schedule, boolean fillSecondTriangle) {
        this.fillSecondTriangle = fillSecondTriangle;
        this.geo = geo;
        this.schedule = schedule;
        this.blas = dataType == DataType.DOUBLE ? new DoubleBlas() : new FloatBlas();
        this.m = geo.m;
        this.n = geo.n;
        for (int i = 0; i < 2; i++) {
            x[i] = Nd4j.createUninitialized(dataType, new long[] {(long) m * n}, 'c');
            xView[i][0] = Nd4j.create(x[i].data(), new long[] {m, n}, new long[] {1, m}, 0, 'f');
            xView[i][1] = Nd4j.create(x[i].data(), new long[] {m, n}, new long[] {n, 1}, 0, 'c');
            px[i] = blas.pointer(x[i]);
        }
        this.a = Nd4j.createUninitialized(dataType, new long[] {(long) m * m}, 'c');
        this.b = Nd4j.createUninitialized(dataType, new long[] {(long) m * m}, 'c');
        this.ones = Nd4j.ones(dataType, m);
        this.pa = blas.pointer(a);
        this.paWrite = blas.pointer(a);
        this.pb = blas.pointer(b);
        this.pbWrite = blas.pointer(b);
        this.pOnes = blas.pointer(ones);
    }

    @Override
    public NsKernel kernel() {
        return NsKernel.SYMMETRIC_BLAS;
    }

    @Override
    public void orthogonalize(INDArray g, INDArray out) {
        if (g.data() != gBuffer) {
            pg = blas.pointer(g);
            gBuffer = g.data();
        }
        if (out.data() != outBuffer) {
            pout = blas.pointer(out);
            outBuffer = out.data();
        }
        long[] gs = g.stride();
        long[] os = out.stride();
        long gRow = geo.wideRowStride(gs);
        long gCol = geo.wideColStride(gs);
        long oRow = geo.wideRowStride(os);
        long oCol = geo.wideColStride(os);
        int gOrder = order(gRow, gCol);
        int oOrder = order(oRow, oCol);
        // The order of every BLAS call: the input's if it has one, else the output's, else column-major.
        int ord = gOrder != NO_ORDER ? gOrder : oOrder != NO_ORDER ? oOrder : CblasColMajor;
        // A leading dimension of -1 means: copy through scratch.
        int gLd = gOrder == NO_ORDER ? -1 : ld(gOrder, gRow, gCol);
        int oLd = oOrder == ord ? ld(oOrder, oRow, oCol) : -1;
        for (int i = 0; i < geo.batch; i++) {
            orthogonalizeMatrix(g, i, gLd, out, os, oLd, ord);
        }
    }

    /** CblasRowMajor or CblasColMajor if the wide matrix with these strides is one of them, else NO_ORDER. */
    private int order(long rowStride, long colStride) {
        if ((m == 1 || rowStride == 1) && (n == 1 || colStride >= m) && colStride <= Integer.MAX_VALUE) {
            return CblasColMajor;
        }
        if ((n == 1 || colStride == 1) && (m == 1 || rowStride >= n) && rowStride <= Integer.MAX_VALUE) {
            return CblasRowMajor;
        }
        return NO_ORDER;
    }

    /** The leading dimension in that order (a degenerate dimension gets the smallest legal one). */
    private int ld(int order, long rowStride, long colStride) {
        if (order == CblasColMajor) {
            return n == 1 ? m : (int) colStride;
        }
        return m == 1 ? n : (int) rowStride;
    }

    private void orthogonalizeMatrix(INDArray g, int index, int gLd, INDArray out, long[] os, int oLd, int ord) {
        int uplo = ord == CblasColMajor ? CblasUpper : CblasLower; // the same memory in both orders
        int scratchLd = ord == CblasColMajor ? m : n;
        int view = ord == CblasColMajor ? 0 : 1;
        Pointer in;
        long inPos;
        int inLd;
        int free; // the scratch matrix the next product may write
        if (gLd >= 0) {
            in = pg;
            inPos = geo.matrixOffset(g.stride(), index);
            inLd = gLd;
            free = 0;
        } else {
            xView[0][view].assign(wide(g, index));
            in = px[0];
            inPos = 0;
            inLd = scratchLd;
            free = 1;
        }
        double scale = 1.0 / (Math.sqrt(sumOfSquares(in, inPos, inLd, ord)) + NewtonSchulz.NORM_EPS);
        int iterations = schedule.iterations();
        for (int k = 0; k < iterations; k++) {
            double ca = schedule.a(k);
            double cb = schedule.b(k);
            double cc = schedule.c(k);
            double s2 = scale * scale;
            if (cc != 0.0) {
                blas.syrk(ord, uplo, m, n, s2, in, inPos, inLd, 0.0, pa, m);
                if (fillSecondTriangle) {
                    symmetrize(pa, paWrite);
                }
                blas.copy((long) m * m, pa, 0, 1, pb, 0, 1);
                blas.syrk(ord, uplo, m, m, cc, pa, 0, m, cb, pb, m);
            } else {
                blas.syrk(ord, uplo, m, n, s2 * cb, in, inPos, inLd, 0.0, pb, m);
            }
            blas.axpy(m, ca, pOnes, 0, 1, pb, 0, m + 1);
            symmetrize(pb, pbWrite);
            boolean direct = k == iterations - 1 && oLd >= 0;
            if (direct) {
                blas.gemm(ord, m, n, m, scale, pb, m, in, inPos, inLd, pout, geo.matrixOffset(os, index), oLd);
            } else {
                blas.gemm(ord, m, n, m, scale, pb, m, in, inPos, inLd, px[free], 0, scratchLd);
                if (k == iterations - 1) {
                    wide(out, index).assign(xView[free][view]);
                }
                in = px[free];
                inPos = 0;
                inLd = scratchLd;
                free = 1 - free;
            }
            scale = 1.0;
        }
    }

    /** The wide matrix {@code index} of {@code t} as an ND4J view (only on the copying paths). */
    private INDArray wide(INDArray t, int index) {
        INDArray mat = geo.expertAxis < 0 ? t : t.tensorAlongDimension(index, geo.firstAxis, geo.secondAxis);
        return geo.transpose ? mat.transpose() : mat;
    }

    /**
     * Copies the stored triangle of an m x m matrix (column-major upper, i.e. row-major lower) onto
     * the other one, by tiles of {@value #TILE} columns so that the strided reads stay in cache.
     */
    private void symmetrize(Pointer read, Pointer write) {
        for (int jb = 0; jb < m; jb += TILE) {
            int je = Math.min(m, jb + TILE);
            for (int ib = jb; ib < m; ib += TILE) {
                int ie = Math.min(m, ib + TILE);
                for (int j = jb; j < je; j++) {
                    int i0 = Math.max(ib, j + 1);
                    if (i0 < ie) {
                        // (i, j) below the diagonal, i in [i0, ie)  <-  (j, i) above it, stride m
                        blas.copy(ie - i0, read, j + (long) i0 * m, m, write, i0 + (long) j * m, 1);
                    }
                }
            }
        }
    }

    /** The squared Frobenius norm of the wide matrix at {@code pos}, one BLAS norm per line if needed. */
    private double sumOfSquares(Pointer p, long pos, int ld, int ord) {
        int lines = ord == CblasColMajor ? n : m;
        int len = ord == CblasColMajor ? m : n;
        if ((ld == len || lines == 1) && (long) lines * len <= Integer.MAX_VALUE) {
            double norm = blas.nrm2((long) lines * len, p, pos);
            return norm * norm;
        }
        double sum = 0;
        for (int i = 0; i < lines; i++) {
            double norm = blas.nrm2(len, p, pos + (long) i * ld);
            sum += norm * norm;
        }
        return sum;
    }

    /** The BLAS routines of one precision, on typed pointers positioned per call. */
    private interface Blas {
        Pointer pointer(INDArray array);

        void syrk(
                int order,
                int uplo,
                int nRows,
                int k,
                double alpha,
                Pointer a,
                long aPos,
                int lda,
                double beta,
                Pointer c,
                int ldc);

        /** C = alpha A B with A m x k (at position 0), B k x n, no transposes. */
        void gemm(
                int order,
                int mRows,
                int nCols,
                int k,
                double alpha,
                Pointer a,
                int lda,
                Pointer b,
                long bPos,
                int ldb,
                Pointer c,
                long cPos,
                int ldc);

        void copy(long count, Pointer x, long xPos, int incx, Pointer y, long yPos, int incy);

        void axpy(int count, double alpha, Pointer x, long xPos, int incx, Pointer y, long yPos, int incy);

        double nrm2(long count, Pointer x, long xPos);
    }

    private static final class FloatBlas implements Blas {
        @Override
        public Pointer pointer(INDArray array) {
            return new FloatPointer(array.data().addressPointer());
        }

        @Override
        public void syrk(
                int order,
                int uplo,
                int nRows,
                int k,
                double alpha,
                Pointer a,
                long aPos,
                int lda,
                double beta,
                Pointer c,
                int ldc) {
            openblas_nolapack.cblas_ssyrk(
                    order,
                    uplo,
                    CblasNoTrans,
                    nRows,
                    k,
                    (float) alpha,
                    ((FloatPointer) a).position(aPos),
                    lda,
                    (float) beta,
                    ((FloatPointer) c).position(0),
                    ldc);
        }

        @Override
        public void gemm(
                int order,
                int mRows,
                int nCols,
                int k,
                double alpha,
                Pointer a,
                int lda,
                Pointer b,
                long bPos,
                int ldb,
                Pointer c,
                long cPos,
                int ldc) {
            openblas_nolapack.cblas_sgemm(
                    order,
                    CblasNoTrans,
                    CblasNoTrans,
                    mRows,
                    nCols,
                    k,
                    (float) alpha,
                    ((FloatPointer) a).position(0),
                    lda,
                    ((FloatPointer) b).position(bPos),
                    ldb,
                    0f,
                    ((FloatPointer) c).position(cPos),
                    ldc);
        }

        @Override
        public void copy(long count, Pointer x, long xPos, int incx, Pointer y, long yPos, int incy) {
            openblas_nolapack.cblas_scopy(
                    Math.toIntExact(count),
                    ((FloatPointer) x).position(xPos),
                    incx,
                    ((FloatPointer) y).position(yPos),
                    incy);
        }

        @Override
        public void axpy(int count, double alpha, Pointer x, long xPos, int incx, Pointer y, long yPos, int incy) {
            openblas_nolapack.cblas_saxpy(
                    count,
                    (float) alpha,
                    ((FloatPointer) x).position(xPos),
                    incx,
                    ((FloatPointer) y).position(yPos),
                    incy);
        }

        @Override
        public double nrm2(long count, Pointer x, long xPos) {
            return openblas_nolapack.cblas_snrm2(Math.toIntExact(count), ((FloatPointer) x).position(xPos), 1);
        }
    }

    private static final class DoubleBlas implements Blas {
        @Override
        public Pointer pointer(INDArray array) {
            return new DoublePointer(array.data().addressPointer());
        }

        @Override
        public void syrk(
                int order,
                int uplo,
                int nRows,
                int k,
                double alpha,
                Pointer a,
                long aPos,
                int lda,
                double beta,
                Pointer c,
                int ldc) {
            openblas_nolapack.cblas_dsyrk(
                    order,
                    uplo,
                    CblasNoTrans,
                    nRows,
                    k,
                    alpha,
                    ((DoublePointer) a).position(aPos),
                    lda,
                    beta,
                    ((DoublePointer) c).position(0),
                    ldc);
        }

        @Override
        public void gemm(
                int order,
                int mRows,
                int nCols,
                int k,
                double alpha,
                Pointer a,
                int lda,
                Pointer b,
                long bPos,
                int ldb,
                Pointer c,
                long cPos,
                int ldc) {
            openblas_nolapack.cblas_dgemm(
                    order,
                    CblasNoTrans,
                    CblasNoTrans,
                    mRows,
                    nCols,
                    k,
                    alpha,
                    ((DoublePointer) a).position(0),
                    lda,
                    ((DoublePointer) b).position(bPos),
                    ldb,
                    0.0,
                    ((DoublePointer) c).position(cPos),
                    ldc);
        }

        @Override
        public void copy(long count, Pointer x, long xPos, int incx, Pointer y, long yPos, int incy) {
            openblas_nolapack.cblas_dcopy(
                    Math.toIntExact(count),
                    ((DoublePointer) x).position(xPos),
                    incx,
                    ((DoublePointer) y).position(yPos),
                    incy);
        }

        @Override
        public void axpy(int count, double alpha, Pointer x, long xPos, int incx, Pointer y, long yPos, int incy) {
            openblas_nolapack.cblas_daxpy(
                    count, alpha, ((DoublePointer) x).position(xPos), incx, ((DoublePointer) y).position(yPos), incy);
        }

        @Override
        public double nrm2(long count, Pointer x, long xPos) {
            return openblas_nolapack.cblas_dnrm2(Math.toIntExact(count), ((DoublePointer) x).position(xPos), 1);
        }
    }
}
