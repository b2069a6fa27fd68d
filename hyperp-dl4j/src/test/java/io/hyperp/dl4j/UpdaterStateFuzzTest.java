package io.hyperp.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.schedule.LrSchedule;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Coverage-guided fuzzing of {@link HyperpDl4j#bind} on a stored DL4J updater state, as a network loaded
 * from a corrupted or crafted model file would carry it.
 *
 * <p>An input is a list of edits of the updater state view of a small network trained for two steps: each
 * edit is six bytes, a big-endian unsigned 16-bit index (modulo the view's length) and a big-endian float32
 * that replaces the entry there. The empty input is the untouched state.
 *
 * <p>The contract: {@code bind} either throws an {@link IllegalArgumentException} and leaves the state view
 * and the parameters bit for bit as they were, or binds; then one training step either runs and leaves every
 * parameter and every state entry finite, or is refused for non-finite gradients (the documented
 * {@link IllegalStateException}) with nothing changed. Any other exception, or a NaN, is a finding.
 */
class UpdaterStateFuzzTest {
    private static final MultiLayerNetwork NET = Nets.mlp(31, DataType.FLOAT);
    private static final DataSet BATCH = Nets.batch(3, 16, DataType.FLOAT);
    private static final float[] STATE;
    private static final INDArray PARAMS;

    static {
        HyperpDl4j.builder(Parameterizations.hyperP(2), LrSchedule.linearDecay(0.05, 0, 100, 0.1))
                .build()
                .attach(NET);
        NET.fit(Nets.batch(1, 16, DataType.FLOAT));
        NET.fit(Nets.batch(2, 16, DataType.FLOAT));
        STATE = NET.getUpdater().getStateViewArray().dup().data().asFloat();
        PARAMS = NET.params().dup();
    }

    @FuzzTest(maxDuration = "10m")
    void bind(byte[] data) {
        NET.setParams(PARAMS);
        float[] edited = STATE.clone();
        ByteBuffer edits = ByteBuffer.wrap(data);
        while (edits.remaining() >= 6) {
            int at = Short.toUnsignedInt(edits.getShort()) % edited.length;
            edited[at] = edits.getFloat();
        }
        INDArray view = NET.getUpdater().getStateViewArray();
        view.assign(toArray(edited, view));
        float[] before = view.dup().data().asFloat();
        float[] paramsBefore = NET.params().dup().data().asFloat();
        try {
            HyperpDl4j.bind(NET);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an error message");
            assertArrayEquals(before, view.dup().data().asFloat(), 0f, "the state view is untouched");
            assertArrayEquals(paramsBefore, NET.params().dup().data().asFloat(), 0f, "the parameters are untouched");
            return;
        }
        float[] boundState = view.dup().data().asFloat();
        Map<String, float[]> boundParams = hyperpParams();
        try {
            NET.fit(BATCH);
        } catch (IllegalStateException e) {
            // The documented refusal of a step whose gradients are not finite (admissible but extreme state,
            // such as a radius of 1e18, can overflow the forward pass): nothing may have changed.
            assertTrue(e.getMessage().contains("holds NaN or infinite values"), e.getMessage());
            assertArrayEquals(boundState, view.dup().data().asFloat(), 0f, "state after a refused step");
            // DL4J's batch-norm running statistics are DL4J's; every HyperP parameter is unchanged.
            Map<String, float[]> now = hyperpParams();
            boundParams.forEach((k, v) -> assertArrayEquals(v, now.get(k), 0f, k + " after a refused step"));
            return;
        }
        assertFalse(hasNonFinite(NET.params()), "parameters after a step from the bound state");
        assertFalse(hasNonFinite(NET.getUpdater().getStateViewArray()), "state after a step from the bound state");
    }

    private static Map<String, float[]> hyperpParams() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (String key : List.of("0_W", "0_b", "1_gamma", "1_beta", "2_W", "2_b", "3_W", "3_b")) {
            m.put(key, NET.getParam(key).dup().data().asFloat());
        }
        return m;
    }

    private static INDArray toArray(float[] values, INDArray like) {
        return org.nd4j.linalg.factory.Nd4j.create(values, like.shape(), like.ordering());
    }

    private static boolean hasNonFinite(INDArray a) {
        return a.isNaN().any() || a.isInfinite().any();
    }
}
