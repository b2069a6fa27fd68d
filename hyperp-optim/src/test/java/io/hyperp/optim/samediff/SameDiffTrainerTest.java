package io.hyperp.optim.samediff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.OptimizerOptions;
import io.hyperp.optim.ParamSet;
import io.hyperp.optim.schedule.LrSchedule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A two-hidden-layer MLP trained with HyperP on a real regression task: NIST StRD Hahn1, the
 * thermal expansion of copper against temperature (236 measurements by T. Hahn, NIST).
 */
class SameDiffTrainerTest {

    /** Standardized (x, y) columns of Hahn1. */
    private static INDArray[] hahn1() throws IOException {
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                SameDiffTrainerTest.class.getResourceAsStream("/nist/Hahn1.dat"), StandardCharsets.US_ASCII))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                if (++n <= 60) {
                    continue; // NIST header: the data block starts at line 61
                }
                String[] f = line.trim().split("\\s+");
                if (f.length == 2) {
                    rows.add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[0])});
                }
            }
        }
        assertEquals(236, rows.size(), "Hahn1 has 236 observations");
        double[][] x = new double[rows.size()][1];
        double[][] y = new double[rows.size()][1];
        for (int i = 0; i < rows.size(); i++) {
            x[i][0] = rows.get(i)[0];
            y[i][0] = rows.get(i)[1];
        }
        INDArray xs = Nd4j.create(x).castTo(DataType.FLOAT);
        INDArray ys = Nd4j.create(y).castTo(DataType.FLOAT);
        xs.subi(xs.meanNumber()).divi(xs.stdNumber());
        ys.subi(ys.meanNumber()).divi(ys.stdNumber());
        return new INDArray[] {xs, ys};
    }

    private static SameDiff mlp() {
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("x", DataType.FLOAT, -1, 1);
        SDVariable label = sd.placeHolder("y", DataType.FLOAT, -1, 1);
        SDVariable w1 = sd.var("w1", Nd4j.rand(DataType.FLOAT, 1, 32));
        SDVariable b1 = sd.var("b1", Nd4j.zeros(DataType.FLOAT, 32));
        SDVariable w2 = sd.var("w2", Nd4j.rand(DataType.FLOAT, 32, 32));
        SDVariable b2 = sd.var("b2", Nd4j.zeros(DataType.FLOAT, 32));
        SDVariable head = sd.var("head", Nd4j.rand(DataType.FLOAT, 32, 1));
        SDVariable scale = sd.var("scale", Nd4j.ones(DataType.FLOAT, 1));
        SDVariable h1 = sd.math.tanh(in.mmul(w1).add(b1));
        SDVariable h2 = sd.math.tanh(h1.mmul(w2).add(b2));
        SDVariable out = h2.mmul(head).mul(scale);
        sd.loss.meanSquaredError("loss", label, out, null);
        return sd;
    }

    @Test
    void hyperP_mlpOnHahn1_lossFallsAndSphereParamsStayOnSpheres() throws IOException {
        INDArray[] data = hahn1();
        SameDiff sd = mlp();
        RoleInference.Report report = RoleInference.infer(sd);
        assertEquals(ParamRole.HIDDEN, report.roles().get("w1"));
        assertEquals(ParamRole.HIDDEN, report.roles().get("w2"));
        assertEquals(ParamRole.OUTPUT_HEAD, report.roles().get("head"));
        assertEquals(ParamRole.GAIN, report.roles().get("b1"));
        assertTrue(report.table().contains("rank 1 (gain or bias)"), report.table());

        SameDiffTrainer trainer = SameDiffTrainer.create(
                sd,
                "loss",
                report.specs(),
                Parameterizations.hyperP(2),
                LrSchedule.linearDecay(0.05, 0, 300, 0.1),
                OptimizerOptions.defaults(),
                true,
                42);
        Map<String, Double> radius = Map.of(
                "w1", trainer.params().array("w1").norm2Number().doubleValue(),
                "w2", trainer.params().array("w2").norm2Number().doubleValue(),
                "head", trainer.params().array("head").norm2Number().doubleValue());
        Map<String, INDArray> batch = Map.of("x", data[0], "y", data[1]);
        double first = trainer.loss(batch);
        double last = first;
        for (int s = 0; s < 300; s++) {
            last = trainer.step(batch);
        }
        last = trainer.loss(batch);
        // The standardized target has variance 1, so the initial loss is ~1; a fitted cubic-like
        // curve through Hahn1 explains most of it. Require the loss to fall below a quarter.
        assertTrue(last < 0.25 * first, "loss " + first + " -> " + last);
        ParamSet p = trainer.params();
        // float32 renormalization each step keeps the norms to a few ulps of the stored radius.
        radius.forEach((name, r) -> assertEquals(r, p.array(name).norm2Number().doubleValue(), 1e-5 * r, name));
        assertEquals(300, trainer.optimizer().stepCount());
    }

    @Test
    void create_explicitRoles_trainWithTheGivenRoles() throws IOException {
        INDArray[] data = hahn1();
        SameDiff sd = mlp();
        Map<String, ParamRole> roles = Map.of(
                "w1",
                ParamRole.HIDDEN,
                "w2",
                ParamRole.HIDDEN,
                "head",
                ParamRole.OUTPUT_HEAD,
                "b1",
                ParamRole.GAIN,
                "b2",
                ParamRole.GAIN,
                "scale",
                ParamRole.GAIN);
        SameDiffTrainer trainer = SameDiffTrainer.create(
                sd,
                "loss",
                roles,
                Parameterizations.hyperP(2),
                LrSchedule.constant(0.05),
                OptimizerOptions.defaults(),
                true,
                7);
        assertEquals(
                roles.keySet(),
                Set.copyOf(
                        trainer.params().specs().stream().map(ParamSpec::name).toList()));
        double w2Norm = trainer.params().array("w2").norm2Number().doubleValue();
        INDArray b1Before = trainer.params().array("b1").dup();
        Map<String, INDArray> batch = Map.of("x", data[0], "y", data[1]);
        double first = trainer.loss(batch);
        for (int s = 0; s < 20; s++) {
            trainer.step(batch);
        }
        assertTrue(trainer.loss(batch) < first, "loss did not fall in 20 steps");
        // w2 is a sphere parameter: its norm stays (float32, 1e-5 relative); b1 is AdamW: it moved.
        assertEquals(w2Norm, trainer.params().array("w2").norm2Number().doubleValue(), 1e-5 * w2Norm);
        assertTrue(b1Before.sub(trainer.params().array("b1")).amaxNumber().doubleValue() > 0);
        // The trainer updates the graph's own arrays.
        assertTrue(sd.getVariable("w2").getArr() == trainer.params().array("w2"));
    }

    @Test
    void create_graphWithAnotherLoss_minimizesTheGivenLoss() {
        SameDiff sd = mlp();
        // A second loss in the graph: SameDiff would differentiate the sum of both.
        sd.loss.absoluteDifference(
                "l1", sd.getVariable("y"), sd.getVariable("head").mul(0.0).sum().add(sd.getVariable("y")), null);
        assertEquals(List.of("loss", "l1"), sd.getLossVariables());
        SameDiffTrainer.create(
                sd,
                "loss",
                RoleInference.infer(sd).specs(),
                Parameterizations.hyperP(2),
                LrSchedule.constant(0.01),
                OptimizerOptions.defaults(),
                false,
                1);
        assertEquals(List.of("loss"), sd.getLossVariables());
    }

    @Test
    void create_placeholderAsLoss_throwsIaeAndLeavesTheGraphAlone() {
        SameDiff sd = mlp();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SameDiffTrainer.create(
                        sd,
                        "y",
                        RoleInference.infer(sd).specs(),
                        Parameterizations.hyperP(2),
                        LrSchedule.constant(0.01),
                        OptimizerOptions.defaults(),
                        false,
                        1));
        assertTrue(e.getMessage().contains("'y'") && e.getMessage().contains("PLACEHOLDER"), e.getMessage());
        assertEquals(List.of("loss"), sd.getLossVariables());
    }

    @Test
    void create_trainableVariableWithoutRole_throwsIaeNamingIt() {
        SameDiff sd = mlp();
        Map<String, ParamRole> roles = Map.of(
                "w1",
                ParamRole.HIDDEN,
                "w2",
                ParamRole.HIDDEN,
                "head",
                ParamRole.OUTPUT_HEAD,
                "b1",
                ParamRole.GAIN,
                "b2",
                ParamRole.GAIN);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SameDiffTrainer.create(
                        sd,
                        "loss",
                        roles,
                        Parameterizations.hyperP(2),
                        LrSchedule.constant(0.01),
                        OptimizerOptions.defaults(),
                        false,
                        1));
        assertTrue(e.getMessage().contains("[scale]") && e.getMessage().contains("convertToConstant"), e.getMessage());
    }

    @Test
    void create_roleThatDoesNotFitTheRank_throwsIaeNamingVariable() {
        SameDiff sd = mlp();
        Map<String, ParamRole> roles = Map.of(
                "w1",
                ParamRole.HIDDEN,
                "w2",
                ParamRole.HIDDEN,
                "head",
                ParamRole.OUTPUT_HEAD,
                "b1",
                ParamRole.HIDDEN,
                "b2",
                ParamRole.GAIN,
                "scale",
                ParamRole.GAIN);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SameDiffTrainer.create(
                        sd,
                        "loss",
                        roles,
                        Parameterizations.hyperP(2),
                        LrSchedule.constant(0.01),
                        OptimizerOptions.defaults(),
                        false,
                        1));
        assertTrue(e.getMessage().contains("b1"), e.getMessage());
    }

    @Test
    void create_unknownVariable_throwsIaeNamingIt() {
        SameDiff sd = mlp();
        var spec = ParamSpec.matrixInOut("w9", 1, 32, ParamRole.HIDDEN);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SameDiffTrainer.create(
                        sd,
                        "loss",
                        List.of(spec),
                        Parameterizations.hyperP(2),
                        LrSchedule.constant(0.01),
                        OptimizerOptions.defaults(),
                        false,
                        1));
        assertTrue(e.getMessage().contains("w9"), e.getMessage());
    }

    @Test
    void infer_overrideOfUnknownVariable_throwsIae() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> RoleInference.infer(mlp(), Map.of("nope", ParamRole.HIDDEN)));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
}
