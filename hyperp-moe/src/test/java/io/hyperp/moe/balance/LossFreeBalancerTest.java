package io.hyperp.moe.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.sphere.NormReduction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LossFreeBalancerTest {

    @Test
    void update_movesEachBiasByTheRateTowardTheMeanLoad() {
        LossFreeBalancer b = LossFreeBalancer.create("moe", 4, 0.01, DataType.DOUBLE, NormReduction.local());
        assertArrayEquals(new double[4], b.bias().toDoubleVector(), 0.0);
        b.updateInPlace(Nd4j.createFromArray(6, 2, 0, 4)); // mean 3
        assertArrayEquals(new double[] {-0.01, 0.01, 0.01, -0.01}, b.bias().toDoubleVector(), 0.0);
        b.updateInPlace(Nd4j.createFromArray(3L, 3L, 3L, 3L)); // balanced: sign(0) = 0
        assertArrayEquals(new double[] {-0.01, 0.01, 0.01, -0.01}, b.bias().toDoubleVector(), 0.0);
        b.resetInPlace();
        assertEquals(0.0, b.bias().amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void loads_areAllReducedBeforeTheUpdate() {
        // Another worker's loads (0, 6, 4, 2) turn the sums into (6, 8, 4, 6), mean 6.
        INDArray other = Nd4j.createFromArray(0.0, 6.0, 4.0, 2.0);
        LossFreeBalancer b = LossFreeBalancer.create("moe", 4, 0.5, DataType.FLOAT, s -> s.addi(other));
        b.updateInPlace(Nd4j.createFromArray(6, 2, 0, 4));
        assertArrayEquals(new float[] {0f, -0.5f, 0.5f, 0f}, b.bias().toFloatVector(), 0f);
    }

    @Test
    void badCounts_throwIae_andLeaveTheBias() {
        LossFreeBalancer b = LossFreeBalancer.create("blocks.0.moe", 3, 0.1, DataType.FLOAT, NormReduction.local());
        b.updateInPlace(Nd4j.createFromArray(3, 0, 0));
        INDArray before = b.bias().dup();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> b.updateInPlace(Nd4j.createFromArray(1, -1, 0)));
        assertTrue(e.getMessage().contains("blocks.0.moe"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.updateInPlace(Nd4j.createFromArray(1.0, Double.NaN, 0.0)));
        assertThrows(IllegalArgumentException.class, () -> b.updateInPlace(Nd4j.createFromArray(1, 1)));
        assertEquals(before, b.bias());
        for (double bad : new double[] {0.0, -1.0, Double.NaN}) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> LossFreeBalancer.create("m", 3, bad, DataType.FLOAT, NormReduction.local()));
        }
    }
}
