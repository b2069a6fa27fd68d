package io.hyperp.core.linalg;

import io.hyperp.core.orthogonal.NsKernel;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-time decision whether {@link DenseOps}' host path can run: the conditions of
 * {@link NsKernel#SYMMETRIC_BLAS} (CPU backend, OpenBLAS bindings present, not switched off), then a
 * self-check of every host routine against the portable path on small arrays whose outputs start as
 * NaN. The only class besides {@link HostBlas} that names it, so that OpenBLAS classes are never
 * loaded where they are missing.
 */
final class HostSupport {

    private static final Logger LOG = LoggerFactory.getLogger(DenseOps.class);

    private record Result(boolean available, String reason) {}

    private HostSupport() {}

    private static final class Holder {
        static final Result RESULT = detectAndLog();
    }

    static boolean available() {
        return Holder.RESULT.available();
    }

    static String reason() {
        return Holder.RESULT.reason();
    }

    static DenseOps.Host newHost(int capacity) {
        return new HostBlas(capacity);
    }

    private static Result detectAndLog() {
        Result r = detect();
        LOG.info("Dense level-1 operations: {}", r.reason());
        return r;
    }

    private static Result detect() {
        if (!NsKernel.SYMMETRIC_BLAS.isAvailable()) {
            return new Result(false, "ND4J ops (" + NsKernel.SYMMETRIC_BLAS.availability() + ")");
        }
        String failure;
        try {
            failure = selfCheck(new HostBlas(8));
        } catch (RuntimeException | LinkageError e) {
            failure = "threw " + e;
        }
        if (failure != null) {
            return new Result(false, "ND4J ops (OpenBLAS level-1 self-check failed: " + failure + ")");
        }
        return new Result(true, "OpenBLAS ?dot/?axpy/?scal and memcpy on host memory (self-check passed)");
    }

    /**
     * Runs every host routine on float and double arrays (a matrix and a row-block view with an
     * offset) and compares with the portable path. Outputs start as NaN where the routine overwrites
     * them, so a routine that writes nothing fails.
     *
     * @return {@code null} if all agree, else what disagreed
     */
    static String selfCheck(DenseOps.Host host) {
        DenseOps portable = DenseOps.portable();
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            // Sums of ~100 O(1) terms: float32 rounding differs by ~1e-5 between summation orders.
            double tol = dt == DataType.DOUBLE ? 1e-10 : 1e-4;
            INDArray big = Nd4j.createUninitialized(dt, new long[] {12, 9}, 'c');
            INDArray other = Nd4j.createUninitialized(dt, new long[] {12, 9}, 'c');
            for (long i = 0; i < big.length(); i++) {
                big.putScalar(i, Math.sin(1.3 * i + 0.2));
                other.putScalar(i, Math.cos(0.7 * i) - 0.25);
            }
            // Rows 3..10: a view with a non-zero offset into the same memory.
            INDArray[][] pairs = {
                {big, other},
                {
                    big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 11)),
                    other.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 10))
                }
            };
            for (INDArray[] p : pairs) {
                INDArray x = p[0];
                INDArray y = p[1];
                if (!host.dense(x, y)) {
                    return String.format(
                            Locale.ROOT,
                            "%s %s: a contiguous block was not recognized",
                            dt,
                            java.util.Arrays.toString(x.shape()));
                }
                String where = String.format(Locale.ROOT, "%s %s", dt, java.util.Arrays.toString(x.shape()));
                if (!close(host.dot(x, x), portable.sumOfSquares(x), tol)) {
                    return where + ": sum of squares";
                }
                if (!close(host.dot(x, y), portable.dot(x, y), tol)) {
                    return where + ": dot";
                }
                INDArray expected = y.dup();
                portable.axpyInPlace(-0.75, x, expected);
                INDArray actual = y.dup();
                host.axpy(-0.75, x, actual);
                if (!close(actual, expected, tol)) {
                    return where + ": axpy";
                }
                actual = Nd4j.createUninitialized(dt, x.shape(), x.ordering()).assign(Double.NaN);
                host.copy(x, actual);
                if (!close(actual, x, 0)) {
                    return where + ": copy";
                }
                actual = x.dup();
                host.scal(1.5, actual);
                if (!close(actual, x.mul(1.5), tol)) {
                    return where + ": scal";
                }
            }
        }
        return null;
    }

    private static boolean close(double a, double b, double tol) {
        return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
    }

    private static boolean close(INDArray a, INDArray b, double tol) {
        for (long i = 0; i < a.length(); i++) {
            if (!close(a.getDouble(i), b.getDouble(i), tol)) {
                return false;
            }
        }
        return true;
    }
}
