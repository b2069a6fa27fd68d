package io.hyperp.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Tolerance assertions between ND4J arrays and plain-Java references. */
public final class Tolerances {

    private Tolerances() {}

    /** Asserts every entry of {@code actual} is within {@code relTol * max|expected|} of {@code expected}. */
    public static void assertClose(double[][] expected, INDArray actual, double relTol, String what) {
        if (actual.rank() != 2 || actual.rows() != expected.length || actual.columns() != expected[0].length) {
            fail(String.format(
                    Locale.ROOT,
                    "%s: expected shape [%d, %d], found %s",
                    what,
                    expected.length,
                    expected[0].length,
                    Arrays.toString(actual.shape())));
        }
        double scale = 0;
        for (double[] row : expected) {
            for (double x : row) {
                scale = Math.max(scale, Math.abs(x));
            }
        }
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[0].length; j++) {
                assertEquals(
                        expected[i][j],
                        actual.getDouble(i, j),
                        relTol * Math.max(scale, Double.MIN_NORMAL),
                        String.format(Locale.ROOT, "%s(%d, %d)", what, i, j));
            }
        }
    }

    /** Asserts two arrays have the same shape and are within {@code relTol * max|expected|} entrywise. */
    public static void assertClose(INDArray expected, INDArray actual, double relTol, String what) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            fail(String.format(
                    Locale.ROOT,
                    "%s: expected shape %s, found %s",
                    what,
                    Arrays.toString(expected.shape()),
                    Arrays.toString(actual.shape())));
        }
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .sub(actual.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE))
                .amaxNumber()
                .doubleValue();
        if (!(diff <= relTol * Math.max(scale, Double.MIN_NORMAL))) {
            fail(String.format(Locale.ROOT, "%s: max difference %.3g exceeds %.3g x %.3g", what, diff, relTol, scale));
        }
    }
}
