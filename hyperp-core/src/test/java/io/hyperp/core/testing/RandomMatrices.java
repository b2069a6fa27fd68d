package io.hyperp.core.testing;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Seeded random tensors for tests, identical on every backend (drawn in Java). */
public final class RandomMatrices {

    private RandomMatrices() {}

    /** Entries uniform in [-1, 1), C order, of the given shape and dtype. */
    public static INDArray uniform(long seed, DataType dataType, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = 2 * r.nextDouble() - 1;
        }
        INDArray a = Nd4j.create(v, shape, 'c');
        return dataType == DataType.DOUBLE ? a : a.castTo(dataType);
    }

    /** A double[rows][cols] with entries uniform in [-1, 1). */
    public static double[][] uniform(long seed, int rows, int cols) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = 2 * r.nextDouble() - 1;
            }
        }
        return a;
    }
}
