package io.hyperp.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.rule.OptimizerFamily;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.schedule.LrSchedule;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Role inference, overrides, the printed table and the refusals of attach. */
class RolesTest {

    private static HyperpDl4j.Builder builder() {
        return HyperpDl4j.builder(Parameterizations.hyperP(2), LrSchedule.constant(0.02));
    }

    @Test
    void roles_mlpWithBatchNorm_infersFromLayerTypes() {
        RoleTable t = builder().build().roles(Nets.mlp(1, DataType.FLOAT));
        assertEquals(ParamRole.HIDDEN, t.row("0_W").role());
        assertEquals(OptimizerFamily.SPHERE_MUON, t.row("0_W").treatment().family());
        assertEquals(ParamRole.GAIN, t.row("0_b").role());
        assertEquals(OptimizerFamily.ADAMW, t.row("0_b").treatment().family());
        assertEquals(ParamRole.GAIN, t.row("1_gamma").role());
        assertEquals(ParamRole.GAIN, t.row("1_beta").role());
        assertNull(t.row("1_mean").role(), "running statistics stay with DL4J");
        assertEquals(ParamRole.HIDDEN, t.row("2_W").role());
        assertEquals(ParamRole.OUTPUT_HEAD, t.row("3_W").role());
        assertEquals(OptimizerFamily.SPHERE_ADAM, t.row("3_W").treatment().family());
        String table = t.table();
        assertTrue(
                table.contains("3_W") && table.contains("OUTPUT_HEAD") && table.contains("output-layer weights"),
                table);
    }

    @Test
    void roles_embedding_isAdamW() {
        RoleTable t = builder().build().roles(Nets.embeddingMlp(2));
        assertEquals(ParamRole.EMBEDDING, t.row("0_W").role());
        assertEquals(OptimizerFamily.ADAMW, t.row("0_W").treatment().family());
    }

    @Test
    void roles_override_changesRoleAndReason() {
        RoleTable t = builder().role("2_W", ParamRole.OUTPUT_HEAD).build().roles(Nets.mlp(3, DataType.FLOAT));
        assertEquals(ParamRole.OUTPUT_HEAD, t.row("2_W").role());
        assertEquals("given", t.row("2_W").reason());
    }

    @Test
    void attach_overrideOfUnknownParam_throwsIaeNamingIt() {
        MultiLayerNetwork net = Nets.mlp(4, DataType.FLOAT);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> builder().role("9_W", ParamRole.HIDDEN).build().attach(net));
        assertTrue(e.getMessage().contains("9_W"), e.getMessage());
    }

    @Test
    void attach_biasAsHidden_throwsIaeNamingParamAndLeavesNetUntouched() {
        MultiLayerNetwork net = Nets.mlp(5, DataType.FLOAT);
        String json = net.getLayerWiseConfigurations().toJson();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> builder().role("0_b", ParamRole.HIDDEN).build().attach(net));
        assertTrue(e.getMessage().contains("0_b") && e.getMessage().contains("DenseLayer"), e.getMessage());
        assertEquals(json, net.getLayerWiseConfigurations().toJson());
    }

    @Test
    void attach_batchNormStatistic_cannotBeOverridden() {
        MultiLayerNetwork net = Nets.mlp(6, DataType.FLOAT);
        assertThrows(
                IllegalArgumentException.class,
                () -> builder().role("1_mean", ParamRole.GAIN).build().attach(net));
    }

    @Test
    void attach_lstm_throwsIaeNamingLayerAndParams() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .list()
                .layer(new LSTM.Builder().name("encoder").nIn(4).nOut(6).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(6)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> builder().build().attach(net));
        assertTrue(
                e.getMessage().contains("'encoder'")
                        && e.getMessage().contains("LSTM")
                        && e.getMessage().contains("0_RW"),
                e.getMessage());
    }

    @Test
    void attach_l2Regularization_throwsIaeNamingParam() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .l2(1e-4)
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(6)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> builder().build().attach(net));
        assertTrue(e.getMessage().contains("0_W") && e.getMessage().contains("regularization"), e.getMessage());
    }

    @Test
    void attach_uninitializedNetwork_throwsIse() {
        MultiLayerNetwork net =
                new MultiLayerNetwork(Nets.mlp(7, DataType.FLOAT).getLayerWiseConfigurations());
        assertThrows(IllegalStateException.class, () -> builder().build().attach(net));
    }

    @Test
    void attach_writesHyperpUpdatersIntoTheJsonConfiguration() {
        MultiLayerNetwork net = Nets.mlp(8, DataType.FLOAT);
        builder().build().attach(net);
        String json = net.getLayerWiseConfigurations().toJson();
        assertTrue(json.contains(HyperpUpdater.class.getName()), "JSON holds the HyperP updaters");
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(net.getLayerWiseConfigurations(), back, "the configuration survives a JSON round trip");
        assertInstanceOf(HyperpUpdater.class, back.getConf(0).getLayer().getUpdaterByParam("W"));
        HyperpUpdater w = (HyperpUpdater) back.getConf(0).getLayer().getUpdaterByParam("W");
        HyperpUpdater b = (HyperpUpdater) back.getConf(0).getLayer().getUpdaterByParam("b");
        assertEquals(ParamRole.HIDDEN, w.role());
        assertEquals(ParamRole.GAIN, b.role());
        assertFalse(w.equals(b));
    }

    @Test
    void bind_networkWithoutHyperp_throwsIse() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(6)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HyperpDl4j.bind(net));
        assertTrue(e.getMessage().contains("0_W") && e.getMessage().contains("Adam"), e.getMessage());
    }

    @Test
    void attach_initializeParameters_usesTheRulesRadius() {
        MultiLayerNetwork net = Nets.mlp(9, DataType.FLOAT);
        HyperpBinding b = builder().initializeParameters(42).build().attach(net);
        // U(+-1/sqrt(16)) on a [16, 12] matrix: E||W||^2 = fan_out / 3 = 4; the sample of 192
        // entries lies within 25% of it (the relative spread of ||W||^2 is about 0.07).
        double r2 = b.radius("2_W") * b.radius("2_W");
        assertEquals(4.0, r2, 1.0);
        // N(0, 0.02^2) head of 60 entries: ||W||^2 about 60 * 4e-4 = 0.024.
        double h2 = b.radius("3_W") * b.radius("3_W");
        assertEquals(0.024, h2, 0.012);
    }
}
