package io.hyperp.core.orthogonal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Newton-Schulz with {@code Nd4j.gemm} products into preallocated 'f'-order scratch: runs on every
 * backend. The input matrix is read in place through gemm's transpose flags (no copy, also for tall
 * matrices); the last product is written straight into the output when the output matrix is
 * contiguous in either order, else into scratch and copied.
 */
final class GemmEngine implements Engine {

    private static final int OUT_F = 0; // the stored output matrix is 'f'-contiguous: gemm into it
    private static final int OUT_C = 1; // 'c'-contiguous: gemm into an 'f' view of its transpose
    private static final int OUT_COPY = 2; // neither: gemm into scratch, then assign

    private final Geometry geo;
    private final NsSchedule schedule;
    private final INDArray x0; // [m, n] 'f'
    private final INDArray x1; // [m, n] 'f'
    private final INDArray a; // [m, m] 'f'
    private final INDArray b; // [m, m] 'f'
    private final INDArray bDiag; // the diagonal of b, a strided view
    private final INDArray ones; // [m]
    private final INDArray sumSq; // scalar

    // Views of the last arrays seen, so that a caller passing the same arrays every step costs no new views.
    private INDArray lastG;
    private INDArray lastOut;
    private INDArray[] gMats;
    private INDArray[] outMats;
    private INDArray[] outTargets;
    private int[] outModes;

    GemmEngine(Geometry geo, DataType dataType, NsSchedule schedule) {
        this.geo = geo;
        this.schedule = schedule;
        int m = geo.m;
        int n = geo.n;
        this.x0 = Nd4j.createUninitialized(dataType, new long[] {m, n}, 'f');
        this.x1 = Nd4j.createUninitialized(dataType, new long[] {m, n}, 'f');
        this.a = Nd4j.createUninitialized(dataType, new long[] {m, m}, 'f');
        this.b = Nd4j.createUninitialized(dataType, new long[] {m, m}, 'f');
        this.bDiag = Nd4j.create(b.data(), new long[] {m}, new long[] {m + 1L}, 0, 'f');
        this.ones = Nd4j.ones(dataType, m);
        this.sumSq = Nd4j.scalar(dataType, 0.0);
    }

    @Override
    public NsKernel kernel() {
        return NsKernel.ND4J_GEMM;
    }

    @Override
    public void orthogonalize(INDArray g, INDArray out) {
        if (g != lastG) {
            gMats = matrices(g);
            lastG = g;
        }
        if (out != lastOut) {
            outMats = matrices(out);
            outModes = new int[geo.batch];
            outTargets = new INDArray[geo.batch];
            for (int i = 0; i < geo.batch; i++) {
                INDArray t = outMats[i];
                long r = geo.rows;
                long c = geo.cols;
                long s0 = t.stride(0);
                long s1 = t.stride(1);
                if ((r == 1 || s0 == 1) && (c == 1 || s1 == r)) {
                    outModes[i] = OUT_F;
                    outTargets[i] = Nd4j.create(t.data(), new long[] {r, c}, new long[] {1, r}, 0, 'f');
                } else if ((c == 1 || s1 == 1) && (r == 1 || s0 == c)) {
                    outModes[i] = OUT_C;
                    outTargets[i] = Nd4j.create(t.data(), new long[] {c, r}, new long[] {1, c}, 0, 'f');
                } else {
                    outModes[i] = OUT_COPY;
                }
            }
            lastOut = out;
        }
        for (int i = 0; i < geo.batch; i++) {
            orthogonalizeMatrix(gMats[i], i);
        }
    }

    private INDArray[] matrices(INDArray t) {
        INDArray[] mats = new INDArray[geo.batch];
        if (geo.expertAxis < 0) {
            mats[0] = t;
        } else {
            for (int i = 0; i < geo.batch; i++) {
                mats[i] = t.tensorAlongDimension(i, geo.firstAxis, geo.secondAxis);
            }
        }
        return mats;
    }

    private void orthogonalizeMatrix(INDArray g, int index) {
        Nd4j.getExecutioner().exec(new SquaredNorm(g, sumSq));
        double scale = 1.0 / (Math.sqrt(sumSq.getDouble(0)) + NewtonSchulz.NORM_EPS);
        // The wide input X is op(in) with op = transpose when tIn; the first iteration reads g itself.
        INDArray in = g;
        boolean tIn = geo.transpose;
        INDArray next = x0;
        int iterations = schedule.iterations();
        for (int k = 0; k < iterations; k++) {
            double ca = schedule.a(k);
            double cb = schedule.b(k);
            double cc = schedule.c(k);
            double s2 = scale * scale;
            if (cc != 0.0) {
                // A = X X^T ; B = b A + c A A
                Nd4j.gemm(in, in, a, tIn, !tIn, s2, 0.0);
                b.assign(a);
                Nd4j.gemm(a, a, b, false, false, cc, cb);
            } else {
                // B = b X X^T
                Nd4j.gemm(in, in, b, tIn, !tIn, s2 * cb, 0.0);
            }
            // B <- a I + B, so that X' = a X + B X = B X (a BLAS axpy: a scalar op would allocate its scalar)
            Nd4j.getBlasWrapper().level1().axpy(geo.m, ca, ones, bDiag);
            boolean last = k == iterations - 1;
            int mode = last ? outModes[index] : OUT_COPY;
            if (mode == OUT_COPY) {
                Nd4j.gemm(b, in, next, false, tIn, scale, 0.0);
                if (last) {
                    outMats[index].assign(geo.transpose ? next.transpose() : next);
                }
            } else {
                INDArray target = outTargets[index];
                // The target holds the wide result W itself, or its transpose W^T = op(in)^T B.
                boolean targetIsWide = (mode == OUT_F) != geo.transpose;
                if (targetIsWide) {
                    Nd4j.gemm(b, in, target, false, tIn, scale, 0.0);
                } else {
                    Nd4j.gemm(in, b, target, !tIn, false, scale, 0.0);
                }
            }
            in = next;
            tIn = false;
            scale = 1.0;
            next = next == x0 ? x1 : x0;
        }
    }
}
