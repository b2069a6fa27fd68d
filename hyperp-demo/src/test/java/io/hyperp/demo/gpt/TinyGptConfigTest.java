package io.hyperp.demo.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class TinyGptConfigTest {

    @Test
    void defaults_areTheDemoModel() {
        TinyGptConfig c = TinyGptConfig.defaults();
        assertEquals(256, c.vocab());
        assertEquals(64, c.context());
        assertEquals(16, c.batch());
        assertEquals(2, c.depth());
        assertEquals(32, c.headDim());
        assertEquals(4 * c.width(), c.ffn());
        assertTrue(c.qkNorm());
        assertEquals(1.0, c.logitMultiplier());
        assertEquals(DataType.FLOAT, c.dtype());
        assertEquals(c.width() / 32, c.heads());
        assertEquals(0.5, c.residualMultiplier(), 1e-15);
    }

    @Test
    void withWidth_resetsFfnToFourTimesWidth() {
        TinyGptConfig c = TinyGptConfig.defaults().withFfn(100).withWidth(256);
        assertEquals(1024, c.ffn());
        assertEquals(8, c.heads());
    }

    @Test
    void parameterCount_countsEveryTensor() {
        TinyGptConfig c = new TinyGptConfig(10, 4, 1, 3, 8, 4, 20, true, 1.0, 0L, DataType.FLOAT);
        long perBlock = 4 * 64 + 3 * 8 * 20 + 2 * 8 + 2 * 4;
        assertEquals(3 * perBlock + 2 * 10 * 8 + 8, c.parameterCount());
        assertEquals(3 * (perBlock - 8) + 2 * 10 * 8 + 8, c.withQkNorm(false).parameterCount());
    }

    @Test
    void constructor_widthNotMultipleOfHeadDim_throwsIae() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> TinyGptConfig.defaults().withWidth(100));
        assertTrue(e.getMessage().contains("width (100)"), e.getMessage());
    }

    @Test
    void constructor_nonPositiveSize_throwsIaeNamingIt() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> TinyGptConfig.defaults().withDepth(0));
        assertTrue(e.getMessage().contains("depth (0)"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> TinyGptConfig.defaults().withBatch(-1));
        assertThrows(
                IllegalArgumentException.class, () -> TinyGptConfig.defaults().withContext(0));
        assertThrows(
                IllegalArgumentException.class, () -> TinyGptConfig.defaults().withVocab(0));
        assertThrows(
                IllegalArgumentException.class, () -> TinyGptConfig.defaults().withFfn(0));
    }

    @Test
    void constructor_badLogitMultiplier_throwsIae() {
        assertThrows(
                IllegalArgumentException.class, () -> TinyGptConfig.defaults().withLogitMultiplier(Double.NaN));
        assertThrows(
                IllegalArgumentException.class, () -> TinyGptConfig.defaults().withLogitMultiplier(0.0));
        assertThrows(
                IllegalArgumentException.class,
                () -> TinyGptConfig.defaults().withLogitMultiplier(Double.POSITIVE_INFINITY));
    }

    @Test
    void constructor_unsupportedDtype_throwsIae() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> TinyGptConfig.defaults().withDtype(DataType.HALF));
        assertTrue(e.getMessage().contains("dtype"), e.getMessage());
    }
}
