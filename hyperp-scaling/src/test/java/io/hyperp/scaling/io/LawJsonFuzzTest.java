package io.hyperp.scaling.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hyperp.scaling.transfer.FittedLaw;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the law reader behind {@code hyperp transfer --law} and {@code hyperp plan --law}.
 *
 * <p>The contract: any bytes give either a law with a positive finite coefficient and finite exponents, or an
 * {@link IllegalArgumentException} with a message; nothing else. Replays {@code LawJsonFuzzTestInputs/law/} in
 * a regular build; {@code JAZZER_FUZZ=1} fuzzes (see the README).
 */
class LawJsonFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void law(byte[] data) {
        FittedLaw law;
        try {
            law = LawJson.parse(new String(data, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            CsvFuzzTest.assertMessage(e);
            return;
        }
        assertTrue(law.coefficient() > 0 && Double.isFinite(law.coefficient()), "coefficient");
        assertTrue(!law.exponents().isEmpty(), "exponents");
        law.exponents().values().forEach(v -> assertTrue(Double.isFinite(v), "exponent"));
    }
}
