package io.hyperp.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.schedule.LrSchedule;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link HyperpDl4j#bind} checks the whole stored state before it writes or binds anything: a corrupted header
 * or an inadmissible value is an {@link IllegalArgumentException}, and the network is left as it was.
 */
class BindValidationTest {
    private MultiLayerNetwork net;
    private INDArray view;

    @BeforeEach
    void train() {
        net = Nets.mlp(41, DataType.FLOAT);
        HyperpDl4j.builder(Parameterizations.hyperP(2), LrSchedule.linearDecay(0.05, 0, 100, 0.1))
                .build()
                .attach(net);
        net.fit(Nets.batch(1, 16, DataType.FLOAT));
        net.fit(Nets.batch(2, 16, DataType.FLOAT));
        view = net.getUpdater().getStateViewArray();
    }

    private String refused() {
        INDArray stateBefore = view.dup();
        INDArray paramsBefore = net.params().dup();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HyperpDl4j.bind(net));
        // bit for bit: INDArray.equals would allow differences up to 1e-5
        assertTrue(java.util.Arrays.equals(
                stateBefore.data().asFloat(),
                net.getUpdater().getStateViewArray().dup().data().asFloat()));
        assertTrue(java.util.Arrays.equals(
                paramsBefore.data().asFloat(), net.params().dup().data().asFloat()));
        return e.getMessage();
    }

    @Test
    void bind_untouchedState_keepsTheStep() {
        assertEquals(2, HyperpDl4j.bind(net).stepCount());
    }

    @Test
    void bind_hugeFiniteValue_refused() {
        // the first entry after the first parameter's header; its square overflows float32
        view.putScalar(HyperpUpdater.HEADER_LENGTH, -1.7e38f);
        String m = refused();
        assertTrue(m.contains("too large for FLOAT") || m.contains("must not be negative"), m);
        view.putScalar(HyperpUpdater.HEADER_LENGTH, 1.7e38f);
        assertTrue(refused().contains("too large for FLOAT"));
    }

    @Test
    void bind_nonFiniteValue_refused() {
        view.putScalar(HyperpUpdater.HEADER_LENGTH, Float.NaN);
        assertTrue(refused().contains("non-finite value (NaN)"));
    }

    @Test
    void bind_corruptedHeader_refused() {
        view.putScalar(0, 0.5f);
        assertTrue(refused().contains("the updater state header is corrupted (flag 0.5)"));
        view.putScalar(0, 1f);
        view.putScalar(2, 1e30f); // the step's high part: an integer, but far beyond 2^24
        assertTrue(refused().contains("the updater state header is corrupted"));
    }
}
