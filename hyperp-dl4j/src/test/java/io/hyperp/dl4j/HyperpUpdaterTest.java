package io.hyperp.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParamTreatment;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.NonFinitePolicy;
import io.hyperp.optim.OptimizerOptions;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;

/** The updater configuration: JSON round trips, state sizes, refusals; and non-finite gradients. */
class HyperpUpdaterTest {

    private static final ParamTreatment HIDDEN =
            Parameterizations.hyperP(2).treatment(ParamSpec.matrixInOut("w", 4, 4, ParamRole.HIDDEN));

    private static HyperpUpdater updater(LrSchedule schedule) {
        return HyperpUpdater.of(ParamRole.HIDDEN, HIDDEN, schedule, OptimizerOptions.defaults());
    }

    @Test
    void json_everyScheduleKind_roundTrips() throws Exception {
        List<LrSchedule> schedules = List.of(
                LrSchedule.constant(0.01),
                LrSchedule.linearWarmup(0.02, 10),
                LrSchedule.linearDecay(0.03, 5, 100, 0.1),
                LrSchedule.cosine(0.04, 0, 50, 0.0),
                LrSchedule.warmupStableDecay(0.05, 3, 20, 30, 0.1));
        for (LrSchedule s : schedules) {
            HyperpUpdater u = updater(s);
            String json = NeuralNetConfiguration.mapper().writeValueAsString(u);
            IUpdater back = NeuralNetConfiguration.mapper().readValue(json, IUpdater.class);
            assertEquals(u, back, json);
            assertEquals(s, ((HyperpUpdater) back).schedule());
            assertEquals(u.options(), ((HyperpUpdater) back).options());
            assertEquals(u.treatment(), ((HyperpUpdater) back).treatment());
        }
    }

    @Test
    void json_noClipping_roundTrips() throws Exception {
        HyperpUpdater u = HyperpUpdater.of(
                ParamRole.HIDDEN,
                HIDDEN,
                LrSchedule.constant(0.01),
                OptimizerOptions.defaults().withClipNorm(Double.POSITIVE_INFINITY));
        String json = NeuralNetConfiguration.mapper().writeValueAsString(u);
        HyperpUpdater back = (HyperpUpdater) NeuralNetConfiguration.mapper().readValue(json, IUpdater.class);
        assertEquals(Double.POSITIVE_INFINITY, back.options().clipNorm());
    }

    @Test
    void stateSize_perFamily() {
        int h = HyperpUpdater.HEADER_LENGTH;
        assertEquals(h + 17, updater(LrSchedule.constant(0.01)).stateSize(16), "sphere Muon: momentum and radius");
        ParamTreatment head =
                Parameterizations.hyperP(2).treatment(ParamSpec.matrixInOut("h", 4, 4, ParamRole.OUTPUT_HEAD));
        assertEquals(
                h + 33,
                HyperpUpdater.of(ParamRole.OUTPUT_HEAD, head, LrSchedule.constant(0.01), OptimizerOptions.defaults())
                        .stateSize(16),
                "sphere Adam: two moments and radius");
        ParamTreatment gain = Parameterizations.hyperP(2).treatment(ParamSpec.vector("g", 16, ParamRole.GAIN));
        assertEquals(
                h + 32,
                HyperpUpdater.of(ParamRole.GAIN, gain, LrSchedule.constant(0.01), OptimizerOptions.defaults())
                        .stateSize(16),
                "AdamW: two moments");
        assertThrows(
                IllegalArgumentException.class,
                () -> updater(LrSchedule.constant(0.01)).stateSize(-1));
    }

    @Test
    void learningRate_followsScheduleTimesMultiplier() {
        HyperpUpdater u = updater(LrSchedule.linearDecay(0.1, 0, 11, 0.1));
        assertEquals(0.1, u.getLearningRate(0, 0), 1e-15);
        assertEquals(0.01, u.getLearningRate(10, 0), 1e-15);
        assertTrue(u.hasLearningRate());
        assertThrows(UnsupportedOperationException.class, () -> u.setLrAndSchedule(0.1, null));
    }

    @Test
    void of_nonLocalReduction_throwsIae() {
        OptimizerOptions sharded = OptimizerOptions.defaults().withReduction(x -> {});
        assertThrows(
                IllegalArgumentException.class,
                () -> HyperpUpdater.of(ParamRole.HIDDEN, HIDDEN, LrSchedule.constant(0.01), sharded));
        assertThrows(
                IllegalArgumentException.class,
                () -> HyperpDl4j.builder(Parameterizations.hyperP(2), LrSchedule.constant(0.01))
                        .options(sharded));
    }

    @Test
    void fit_nanGradientUnderThrow_throwsIseAndLeavesParamsAndState() {
        MultiLayerNetwork net = Nets.mlp(31, DataType.FLOAT);
        HyperpBinding b = HyperpDl4j.builder(Parameterizations.hyperP(2), LrSchedule.constant(0.02))
                .build()
                .attach(net);
        net.fit(Nets.batch(0, 8, DataType.FLOAT));
        INDArray params = net.params().dup();
        INDArray state = net.getUpdater().getStateViewArray().dup();
        DataSet bad = Nets.batch(1, 8, DataType.FLOAT);
        bad.getFeatures().putScalar(0, 0, Float.NaN);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.fit(bad));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertEquals(state, net.getUpdater().getStateViewArray());
        assertEquals(1, b.stepCount());
        // DL4J's batch-norm running statistics are DL4J's; every HyperP parameter is unchanged.
        for (String key : List.of("0_W", "0_b", "1_gamma", "1_beta", "2_W", "2_b", "3_W", "3_b")) {
            assertEquals(paramOf(params, net, key), net.getParam(key), key);
        }
    }

    @Test
    void fit_nanGradientUnderSkip_countsTheSkippedStep() {
        MultiLayerNetwork net = Nets.mlp(32, DataType.FLOAT);
        HyperpBinding b = HyperpDl4j.builder(Parameterizations.hyperP(2), LrSchedule.constant(0.02))
                .options(OptimizerOptions.defaults().withNonFinitePolicy(NonFinitePolicy.SKIP))
                .build()
                .attach(net);
        INDArray w = net.getParam("0_W").dup();
        DataSet bad = Nets.batch(1, 8, DataType.FLOAT);
        bad.getFeatures().putScalar(0, 0, Float.NaN);
        net.fit(bad);
        assertEquals(0, b.stepCount());
        assertEquals(1, b.skippedSteps());
        assertEquals(w, net.getParam("0_W"));
        net.fit(Nets.batch(2, 8, DataType.FLOAT));
        assertEquals(1, b.stepCount());
    }

    /** The value {@code key} had in a saved copy of the flat parameters. */
    private static INDArray paramOf(INDArray flatCopy, MultiLayerNetwork net, String key) {
        INDArray live = net.params();
        INDArray saved = live.dup();
        live.assign(flatCopy);
        INDArray p = net.getParam(key).dup();
        live.assign(saved);
        return p;
    }
}
