package io.hyperp.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.schedule.LrSchedule;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Save, load and continue against an uninterrupted run. ModelSerializer writes the parameters and
 * the updater state view bit for bit, and a step is a deterministic function of both, so the two
 * runs must agree exactly.
 */
class SaveLoadTest {

    private static final LrSchedule SCHEDULE = LrSchedule.linearDecay(0.05, 0, 12, 0.1);

    private static HyperpDl4j hyperp() {
        return HyperpDl4j.builder(Parameterizations.hyperP(2), SCHEDULE).build();
    }

    @Test
    void saveLoadContinue_mlp_equalsUninterruptedRun(@TempDir Path dir) throws IOException {
        MultiLayerNetwork a = Nets.mlp(21, DataType.FLOAT);
        HyperpBinding ba = hyperp().attach(a);
        for (int s = 0; s < 4; s++) {
            a.fit(Nets.batch(s, 16, DataType.FLOAT));
        }
        File file = dir.resolve("mlp.zip").toFile();
        ModelSerializer.writeModel(a, file, true);
        for (int s = 4; s < 8; s++) {
            a.fit(Nets.batch(s, 16, DataType.FLOAT));
        }

        MultiLayerNetwork b = ModelSerializer.restoreMultiLayerNetwork(file, true);
        HyperpBinding bb = HyperpDl4j.bind(b);
        assertEquals(4, bb.stepCount());
        assertEquals(ba.radius("0_W"), bb.radius("0_W"), 0.0, "radius is restored, not re-measured");
        for (int s = 4; s < 8; s++) {
            b.fit(Nets.batch(s, 16, DataType.FLOAT));
        }
        assertEquals(8, ba.stepCount());
        assertEquals(8, bb.stepCount());
        assertEquals(a.params(), b.params(), "parameters after save, load and continue");
        assertEquals(a.getUpdater().getStateViewArray(), b.getUpdater().getStateViewArray(), "optimizer state");
    }

    @Test
    void saveLoadContinue_withoutUpdaterState_differs(@TempDir Path dir) throws IOException {
        // The negative control: dropping the saved state (moments, step, radii) must change the run.
        MultiLayerNetwork a = Nets.mlp(22, DataType.FLOAT);
        hyperp().attach(a);
        for (int s = 0; s < 4; s++) {
            a.fit(Nets.batch(s, 16, DataType.FLOAT));
        }
        File file = dir.resolve("mlp.zip").toFile();
        ModelSerializer.writeModel(a, file, true);
        a.fit(Nets.batch(4, 16, DataType.FLOAT));

        MultiLayerNetwork b = ModelSerializer.restoreMultiLayerNetwork(file, false);
        HyperpBinding bb = HyperpDl4j.bind(b);
        assertEquals(0, bb.stepCount(), "a fresh state starts at step 0");
        b.fit(Nets.batch(4, 16, DataType.FLOAT));
        assertFalse(a.params().equals(b.params()));
    }

    @Test
    void saveLoadContinue_graph_equalsUninterruptedRun(@TempDir Path dir) throws IOException {
        ComputationGraph a = Nets.residualGraph(23);
        hyperp().attach(a);
        for (int s = 0; s < 3; s++) {
            a.fit(Nets.batch(s, 16, DataType.FLOAT));
        }
        File file = dir.resolve("cg.zip").toFile();
        a.save(file, true);
        for (int s = 3; s < 6; s++) {
            a.fit(Nets.batch(s, 16, DataType.FLOAT));
        }
        ComputationGraph b = ComputationGraph.load(file, true);
        HyperpDl4j.bind(b);
        for (int s = 3; s < 6; s++) {
            b.fit(Nets.batch(s, 16, DataType.FLOAT));
        }
        assertEquals(a.params(), b.params());
    }

    @Test
    void fit_afterLoadWithoutBind_throwsIse(@TempDir Path dir) throws IOException {
        MultiLayerNetwork a = Nets.mlp(24, DataType.FLOAT);
        hyperp().attach(a);
        File file = dir.resolve("mlp.zip").toFile();
        ModelSerializer.writeModel(a, file, true);
        MultiLayerNetwork b = ModelSerializer.restoreMultiLayerNetwork(file, true);
        DataSet ds = Nets.batch(0, 16, DataType.FLOAT);
        org.nd4j.linalg.api.ndarray.INDArray before = b.params().dup();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.fit(ds));
        assertTrue(e.getMessage().contains("HyperpDl4j.bind"), e.getMessage());
        assertEquals(before, b.params(), "no silent training without HyperP");
    }

    @Test
    void clone_thenBind_continuesIdentically() {
        MultiLayerNetwork a = Nets.mlp(25, DataType.FLOAT);
        hyperp().attach(a);
        a.fit(Nets.batch(0, 16, DataType.FLOAT));
        MultiLayerNetwork b = a.clone();
        HyperpDl4j.bind(b);
        a.fit(Nets.batch(1, 16, DataType.FLOAT));
        b.fit(Nets.batch(1, 16, DataType.FLOAT));
        assertEquals(a.params(), b.params());
    }

    @Test
    void fit_keepsSphereParametersOnTheirRadius() {
        MultiLayerNetwork a = Nets.mlp(26, DataType.FLOAT);
        HyperpBinding b = hyperp().attach(a);
        double r0 = a.getParam("0_W").norm2Number().doubleValue();
        double rHead = a.getParam("3_W").norm2Number().doubleValue();
        assertEquals(r0, b.radius("0_W"), 1e-6 * r0, "radius measured at attach");
        for (int s = 0; s < 10; s++) {
            a.fit(Nets.batch(s, 16, DataType.FLOAT));
        }
        // float32 renormalization: ||W|| = R to a few ulps of R.
        assertEquals(r0, a.getParam("0_W").norm2Number().doubleValue(), 1e-5 * r0);
        assertEquals(rHead, a.getParam("3_W").norm2Number().doubleValue(), 1e-5 * rHead);
        assertThrows(IllegalArgumentException.class, () -> b.radius("0_b"));
    }
}
