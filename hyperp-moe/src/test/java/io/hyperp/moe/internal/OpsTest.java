package io.hyperp.moe.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hyperp.core.testing.RandomMatrices;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OpsTest {

    @Test
    void countNonFinite_isExact_forEveryKindOfBadValue_inBothDtypes() {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = RandomMatrices.uniform(5, dt, 64, 16);
            assertEquals(0, Ops.countNonFinite(x), dt.toString());
            x.putScalar(3, 4, Double.NaN);
            assertEquals(1, Ops.countNonFinite(x), dt.toString());
            x.putScalar(10, 0, Double.POSITIVE_INFINITY);
            x.putScalar(63, 15, Double.NEGATIVE_INFINITY);
            assertEquals(3, Ops.countNonFinite(x), dt.toString());
            // +inf and -inf alone: their sum is NaN, the count still exact
            INDArray pair = Nd4j.createFromArray(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)
                    .castTo(dt);
            assertEquals(2, Ops.countNonFinite(pair), dt.toString());
        }
    }

    @Test
    void countNonFinite_isZero_whenFiniteEntriesOverflowTheirSum() {
        INDArray big = Nd4j.valueArrayOf(new long[] {8, 8}, 3.0e38f, DataType.FLOAT);
        assertEquals(Float.POSITIVE_INFINITY, big.sumNumber().floatValue());
        assertEquals(0, Ops.countNonFinite(big));
        INDArray bigD = Nd4j.valueArrayOf(new long[] {4}, Double.MAX_VALUE, DataType.DOUBLE);
        assertEquals(0, Ops.countNonFinite(bigD));
        bigD.putScalar(2, -Double.MAX_VALUE);
        bigD.putScalar(3, Double.NaN);
        assertEquals(1, Ops.countNonFinite(bigD));
    }
}
