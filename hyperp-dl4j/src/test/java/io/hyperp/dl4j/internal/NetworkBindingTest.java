package io.hyperp.dl4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The memory-identity check that detects external gradients, and the DL4J-to-HyperP spec mapping. */
class NetworkBindingTest {

    @Test
    void sameMemory_viewsAtTheSameStart_true_otherwiseFalse() {
        INDArray flat = Nd4j.create(DataType.FLOAT, 100);
        INDArray a = flat.get(NDArrayIndex.interval(10, 30));
        INDArray b = flat.get(NDArrayIndex.interval(10, 30)).reshape('f', new long[] {4, 5});
        INDArray shifted = flat.get(NDArrayIndex.interval(11, 31));
        assertTrue(NetworkBinding.sameMemory(a, b));
        assertFalse(NetworkBinding.sameMemory(a, shifted));
        assertFalse(NetworkBinding.sameMemory(a, a.dup()));
        assertFalse(NetworkBinding.sameMemory(a, flat.get(NDArrayIndex.interval(10, 29))));
        assertFalse(NetworkBinding.sameMemory(a, null));
    }

    @Test
    void specFor_dl4jShapes() {
        assertEquals(
                ParamSpec.matrixInOut("w", 8, 16, ParamRole.HIDDEN),
                NetworkBinding.specFor("w", new long[] {8, 16}, ParamRole.HIDDEN));
        assertEquals(
                ParamSpec.vector("b", 16, ParamRole.GAIN),
                NetworkBinding.specFor("b", new long[] {1, 16}, ParamRole.GAIN));
        // A regression head with one output is still a matrix for its role.
        assertEquals(
                ParamSpec.matrixInOut("h", 12, 1, ParamRole.OUTPUT_HEAD),
                NetworkBinding.specFor("h", new long[] {12, 1}, ParamRole.OUTPUT_HEAD));
        assertThrows(
                IllegalArgumentException.class, () -> NetworkBinding.specFor("b", new long[] {16}, ParamRole.HIDDEN));
    }
}
