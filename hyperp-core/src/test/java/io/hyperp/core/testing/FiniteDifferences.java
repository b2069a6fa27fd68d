package io.hyperp.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.LongStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Central finite-difference checks of analytic gradients, in float64.
 *
 * <p>For a scalar loss \(L\) and an entry \(\theta_i\) of a DOUBLE array, the check compares the
 * analytic \(\partial L/\partial \theta_i\) with \((L(\theta + h e_i) - L(\theta - h e_i)) / 2h\). The
 * truncation error is \(h^2 |L'''|/6\) and the rounding error about \(\epsilon |L| / h\); with
 * \(h = 10^{-6}\) and losses and derivatives of order 1 both stay below \(10^{-9}\), so a tolerance
 * of about \(10^{-7}\) separates rounding from a real error (a missing factor or sign shows at
 * \(10^{-2}\) or more).
 */
public final class FiniteDifferences {

    /** The default step. */
    public static final double H = 1e-6;

    private FiniteDifferences() {}

    /**
     * Perturbs every entry of {@code param} in place (restoring it afterwards), evaluates
     * {@code loss} twice per entry and asserts the central difference is within
     * {@code tol * max(1, |analytic|)} of {@code analytic}.
     *
     * @param what     the name printed on failure
     * @param param    a DOUBLE array the loss reads (any order, views allowed); perturbed and restored
     * @param analytic the analytic gradient, same shape; read only
     * @param loss     evaluates the loss at the current value of {@code param}
     */
    public static void assertGradient(
            String what, INDArray param, INDArray analytic, DoubleSupplier loss, double h, double tol) {
        check(
                what,
                param,
                analytic,
                loss,
                h,
                tol,
                LongStream.range(0, param.length()).toArray());
    }

    /**
     * As {@link #assertGradient}, on at most {@code samples} entries drawn without replacement
     * (seeded), for tensors too large to check entry by entry; on every entry when there are at most
     * {@code samples}.
     */
    public static void assertGradientSampled(
            String what,
            INDArray param,
            INDArray analytic,
            DoubleSupplier loss,
            double h,
            double tol,
            int samples,
            long seed) {
        long n = param.length();
        long[] picks = n <= samples
                ? LongStream.range(0, n).toArray()
                : new SplittableRandom(seed)
                        .longs(0, n)
                        .distinct()
                        .limit(samples)
                        .toArray();
        check(what, param, analytic, loss, h, tol, picks);
    }

    private static void check(
            String what, INDArray param, INDArray analytic, DoubleSupplier loss, double h, double tol, long[] entries) {
        if (param.dataType() != DataType.DOUBLE) {
            fail(what + ": finite differences need a DOUBLE array, found " + param.dataType());
        }
        if (!Arrays.equals(param.shape(), analytic.shape())) {
            fail(String.format(
                    Locale.ROOT,
                    "%s: gradient shape %s differs from parameter shape %s",
                    what,
                    Arrays.toString(analytic.shape()),
                    Arrays.toString(param.shape())));
        }
        INDArray g = analytic.dup('c').reshape(analytic.length());
        for (long i : entries) {
            long[] idx = unravel(i, param.shape());
            double v = param.getDouble(idx);
            param.putScalar(idx, v + h);
            double up = loss.getAsDouble();
            param.putScalar(idx, v - h);
            double down = loss.getAsDouble();
            param.putScalar(idx, v);
            double fd = (up - down) / (2 * h);
            double an = g.getDouble(i);
            if (!(Math.abs(fd - an) <= tol * Math.max(1.0, Math.abs(an)))) {
                fail(String.format(
                        Locale.ROOT,
                        "%s%s: analytic %.10g, central difference %.10g (tolerance %.1e)",
                        what,
                        Arrays.toString(idx),
                        an,
                        fd,
                        tol));
            }
        }
    }

    private static long[] unravel(long i, long[] shape) {
        long[] idx = new long[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = i % shape[a];
            i /= shape[a];
        }
        return idx;
    }
}
