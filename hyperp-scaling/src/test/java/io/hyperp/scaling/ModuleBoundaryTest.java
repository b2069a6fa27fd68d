package io.hyperp.scaling;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * hyperp-scaling stays light to embed: neither ND4J nor hyperp-core (which brings ND4J) is on its classpath,
 * not even in test scope, so any code here that reached for them would not compile and this test would fail
 * if a dependency on them crept into the module's pom.
 */
class ModuleBoundaryTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "org.nd4j.linalg.factory.Nd4j",
                "org.nd4j.linalg.api.ndarray.INDArray",
                "io.hyperp.core.shape.ModelShape"
            })
    void classpath_hasNoTensorLibrary(String className) {
        assertThrows(
                ClassNotFoundException.class,
                () -> Class.forName(className, false, ModuleBoundaryTest.class.getClassLoader()));
    }
}
