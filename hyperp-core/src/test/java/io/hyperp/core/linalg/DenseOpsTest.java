package io.hyperp.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.testing.RandomMatrices;
import java.lang.ref.WeakReference;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link DenseOps}: the host path (OpenBLAS, present on this test class path) against a plain-Java
 * double reference and against the portable path, on dense arrays, offset views and strided views.
 */
class DenseOpsTest {

    enum Layout {
        DENSE_C(x -> x),
        DENSE_F(x -> x.dup('f')),
        ROW_BLOCK_VIEW(x -> Nd4j.concat(0, x, x).get(NDArrayIndex.interval(x.rows(), 2L * x.rows()))),
        STRIDED_VIEW(x -> Nd4j.concat(1, x, x).get(NDArrayIndex.all(), NDArrayIndex.interval(0, x.columns())));

        final Function<INDArray, INDArray> make;

        Layout(Function<INDArray, INDArray> make) {
            this.make = make;
        }
    }

    private static INDArray matrix(long seed, DataType dt, Layout layout) {
        INDArray x = layout.make.apply(RandomMatrices.uniform(seed, dt, 7, 11));
        assertEquals(7 * 11, x.length());
        return x;
    }

    /** Float32 sums of 77 O(1) terms in different orders differ by ~1e-6 relative; float64 by ~1e-15. */
    private static double tol(DataType dt) {
        return dt == DataType.DOUBLE ? 1e-13 : 1e-5;
    }

    private static double[] values(INDArray x) {
        double[] v = new double[(int) x.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = x.getDouble(i / x.columns(), i % x.columns());
        }
        return v;
    }

    private static void assertValues(double[] expected, INDArray actual, double tol, String what) {
        double[] a = values(actual);
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tol * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    @Test
    void hostPath_isAvailableWithOpenBlasOnTheCpuBackend() {
        // The test class path has nd4j-native and org.bytedeco:openblas: the host path must be taken, or
        // every host test below would silently test the portable path twice.
        assertTrue(DenseOps.hostAvailable(), DenseOps.availability());
        assertTrue(DenseOps.create().isHost());
        assertEquals(DenseOps.DEFAULT_CAPACITY, DenseOps.create().capacity());
        assertTrue(!DenseOps.portable().isHost());
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void everyOperation_matchesThePlainJavaReference_onBothPaths(Layout layout) {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (DenseOps ops : new DenseOps[] {DenseOps.create(), DenseOps.portable()}) {
                String where = dt + " " + layout + (ops.isHost() ? " host" : " portable");
                INDArray x = matrix(1, dt, layout);
                INDArray y = matrix(2, dt, layout);
                double[] xv = values(x);
                double[] yv = values(y);
                double ss = 0;
                double dot = 0;
                for (int i = 0; i < xv.length; i++) {
                    ss += xv[i] * xv[i];
                    dot += xv[i] * yv[i];
                }
                assertEquals(ss, ops.sumOfSquares(x), tol(dt) * ss, where + " sumOfSquares");
                assertEquals(dot, ops.dot(x, y), tol(dt) * ss, where + " dot");

                double[] e = new double[xv.length];
                INDArray z = y.dup();
                ops.axpyInPlace(-0.37, x, z);
                for (int i = 0; i < e.length; i++) {
                    e[i] = yv[i] - 0.37 * xv[i];
                }
                assertValues(e, z, tol(dt), where + " axpy");

                z = y.dup();
                ops.scaleAndAddInPlace(z, 0.95, x);
                for (int i = 0; i < e.length; i++) {
                    e[i] = 0.95 * yv[i] + xv[i];
                }
                assertValues(e, z, tol(dt), where + " scaleAndAdd");

                z = x.dup();
                ops.scaleInPlace(z, -2.5);
                for (int i = 0; i < e.length; i++) {
                    e[i] = -2.5 * xv[i];
                }
                assertValues(e, z, tol(dt), where + " scale");

                INDArray out = Nd4j.createUninitialized(dt, new long[] {7, 11}, x.ordering())
                        .assign(Double.NaN);
                ops.copyInto(x, out);
                assertValues(xv, out, 0.0, where + " copy");
                // The inputs are read only.
                assertValues(xv, x, 0.0, where + " x unchanged");
                assertValues(yv, y, 0.0, where + " y unchanged");
            }
        }
    }

    @Test
    void mixedOrderings_pairElementsByIndex() {
        // A 'c' and an 'f' matrix of the same shape store elements in different orders: the host path must
        // not pair them by memory position (it falls back), and the result pairs them by index.
        INDArray x = RandomMatrices.uniform(3, DataType.DOUBLE, 5, 4);
        INDArray y = RandomMatrices.uniform(4, DataType.DOUBLE, 5, 4).dup('f');
        double expected = x.mul(y).sumNumber().doubleValue();
        assertEquals(expected, DenseOps.create().dot(x, y), 1e-13 * Math.abs(expected) + 1e-15);
        INDArray z = y.dup('f');
        DenseOps.create().axpyInPlace(2.0, x, z);
        assertEquals(0.0, z.sub(y.add(x.mul(2.0))).amaxNumber().doubleValue(), 1e-14);
    }

    @Test
    void moreArraysThanCapacity_stayCorrect() {
        // A table of 2 pointers and 6 arrays in turn: every lookup after the first two replaces an entry.
        DenseOps ops = DenseOps.create(2);
        INDArray[] xs = new INDArray[6];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = RandomMatrices.uniform(10 + i, DataType.FLOAT, 3, 3);
        }
        for (int round = 0; round < 3; round++) {
            for (INDArray x : xs) {
                double expected = x.norm2Number().doubleValue();
                assertEquals(expected * expected, ops.sumOfSquares(x), 1e-5 * expected * expected);
            }
        }
    }

    @Test
    void pointerTable_doesNotKeepArraysAlive() {
        // An optimizer sees a caller's fresh gradient arrays every step: remembering their pointers must not
        // keep them (and their off-heap memory) reachable.
        DenseOps ops = DenseOps.create();
        WeakReference<INDArray> seen = touch(ops);
        for (int i = 0; i < 20 && seen.get() != null; i++) {
            System.gc();
        }
        assertNull(seen.get(), "an array seen once is still reachable after 20 collections");
        // The instance keeps working with new arrays.
        INDArray x = RandomMatrices.uniform(8, DataType.FLOAT, 4, 4);
        double expected = x.norm2Number().doubleValue();
        assertEquals(expected * expected, ops.sumOfSquares(x), 1e-5 * expected * expected);
    }

    private static WeakReference<INDArray> touch(DenseOps ops) {
        INDArray x = RandomMatrices.uniform(7, DataType.FLOAT, 64, 64);
        ops.sumOfSquares(x);
        return new WeakReference<>(x);
    }

    @Test
    void hostView_isALiveViewOfDenseArrays_andNullOtherwise() {
        DenseOps ops = DenseOps.create();
        INDArray f = RandomMatrices.uniform(5, DataType.FLOAT, 3, 4);
        Buffer fb = ops.hostView(f);
        assertTrue(fb instanceof FloatBuffer);
        assertEquals(12, fb.limit());
        ((FloatBuffer) fb).put(5, 42f);
        assertEquals(42f, f.getFloat(5), 0f);
        INDArray d = RandomMatrices.uniform(5, DataType.DOUBLE, 3, 4);
        DoubleBuffer db = (DoubleBuffer) ops.hostView(d);
        assertNotNull(db);
        assertEquals(d.getDouble(7), db.get(7), 0.0);
        INDArray rows = Nd4j.concat(0, d, d).get(NDArrayIndex.interval(3, 6));
        assertEquals(rows.getDouble(0), ((DoubleBuffer) ops.hostView(rows)).get(0), 0.0);
        assertNull(ops.hostView(Layout.STRIDED_VIEW.make.apply(d)));
        assertNull(DenseOps.portable().hostView(d));
    }

    @Test
    void selfCheck_catchesAHostRoutineThatComputesNothing() {
        // The run-time check must refuse a host path whose axpy silently does nothing (the failure mode
        // seen with ND4J's own syrk), and pass the real one.
        HostBlas real = new HostBlas(8);
        assertNull(HostSupport.selfCheck(real));
        DenseOps.Host lazy = new DenseOps.Host() {
            @Override
            public int capacity() {
                return real.capacity();
            }

            @Override
            public boolean dense(INDArray x) {
                return real.dense(x);
            }

            @Override
            public boolean dense(INDArray x, INDArray y) {
                return real.dense(x, y);
            }

            @Override
            public double dot(INDArray x, INDArray y) {
                return real.dot(x, y);
            }

            @Override
            public void scal(double alpha, INDArray x) {
                real.scal(alpha, x);
            }

            @Override
            public void axpy(double alpha, INDArray x, INDArray y) {
                // computes nothing
            }

            @Override
            public void copy(INDArray x, INDArray y) {
                real.copy(x, y);
            }

            @Override
            public Buffer view(INDArray x) {
                return real.view(x);
            }
        };
        String failure = HostSupport.selfCheck(lazy);
        assertNotNull(failure);
        assertTrue(failure.contains("axpy"), failure);
    }

    @Test
    void badArguments_throwIaeNamingThem() {
        DenseOps ops = DenseOps.create();
        INDArray a = Nd4j.zeros(DataType.FLOAT, 3, 4);
        INDArray b = Nd4j.zeros(DataType.FLOAT, 4, 4);
        INDArray d = Nd4j.zeros(DataType.DOUBLE, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ops.axpyInPlace(1, a, b));
        assertTrue(e.getMessage().contains("lengths differ") && e.getMessage().contains("[3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ops.dot(a, d));
        assertTrue(e.getMessage().contains("dtypes differ"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ops.sumOfSquares(Nd4j.zeros(DataType.INT, 3)));
        assertTrue(e.getMessage().contains("floating-point"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DenseOps.create(0));
        assertThrows(NullPointerException.class, () -> ops.sumOfSquares(null));
    }
}
