package io.hyperp.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.core.testing.Tolerances;
import io.hyperp.optim.Optimizer;
import io.hyperp.optim.OptimizerOptions;
import io.hyperp.optim.Optimizers;
import io.hyperp.optim.ParamSet;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Steps of a DL4J network trained through the adapter against the same steps done directly by
 * hyperp-optim on copies of the same parameters, with the gradients DL4J computes at those copies.
 */
class OracleTest {

    private static final LrSchedule SCHEDULE = LrSchedule.linearDecay(0.05, 0, 20, 0.1);

    @Test
    void fit_mlpWithBatchNorm_matchesHyperpOptimForThreeSteps() {
        MultiLayerNetwork net = Nets.mlp(7, DataType.FLOAT);
        MultiLayerNetwork twin = net.clone();
        ParameterizationRule rule = Parameterizations.hyperP(2);
        HyperpBinding binding = HyperpDl4j.builder(rule, SCHEDULE).build().attach(net);
        compare(
                net,
                twin,
                binding.specs(),
                rule,
                OptimizerOptions.defaults(),
                3,
                // float32: the adapter and the reference differ only in the summation order of norms
                // over DL4J's f-order parameter views vs c-order copies (~1e-7 relative per step).
                2e-5);
        assertEquals(3, binding.stepCount());
    }

    @Test
    void fit_mlpInDouble_matchesHyperpOptimToRounding() {
        MultiLayerNetwork net = Nets.mlp(8, DataType.DOUBLE);
        MultiLayerNetwork twin = net.clone();
        ParameterizationRule rule = Parameterizations.hyperP(2);
        HyperpBinding binding = HyperpDl4j.builder(rule, SCHEDULE).build().attach(net);
        // float64: the same summation-order differences, at ~1e-16 relative.
        compare(net, twin, binding.specs(), rule, OptimizerOptions.defaults(), 3, 1e-12);
    }

    @Test
    void fit_embeddingMlpUnderMuonBaseline_matchesHyperpOptim() {
        MultiLayerNetwork net = Nets.embeddingMlp(9);
        MultiLayerNetwork twin = net.clone();
        ParameterizationRule rule = Parameterizations.muonBaseline(2, 4, 0.1);
        OptimizerOptions options = OptimizerOptions.defaults().withClipNorm(Double.POSITIVE_INFINITY);
        HyperpBinding binding =
                HyperpDl4j.builder(rule, SCHEDULE).options(options).build().attach(net);
        // Same float32 reasoning as above; no sphere here, so only the Muon and AdamW paths differ.
        compare(net, twin, binding.specs(), rule, options, 3, 2e-5);
    }

    @Test
    void fit_residualGraph_matchesHyperpOptim() {
        ComputationGraph net = Nets.residualGraph(10);
        ComputationGraph twin = net.clone();
        ParameterizationRule rule = Parameterizations.hyperP(2);
        HyperpBinding binding = HyperpDl4j.builder(rule, SCHEDULE).build().attach(net);
        compare(net, twin, binding.specs(), rule, OptimizerOptions.defaults(), 3, 2e-5);
    }

    private static void compare(
            Model net,
            Model twin,
            List<ParamSpec> specs,
            ParameterizationRule rule,
            OptimizerOptions options,
            int steps,
            double relTol) {
        ParamSet ref = Nets.copyParams(net, specs);
        ParamSet initial = Nets.copyParams(net, specs);
        Optimizer opt = Optimizers.create(ref, rule, SCHEDULE, options);
        boolean tokens = specs.stream().anyMatch(s -> s.role() == io.hyperp.core.param.ParamRole.EMBEDDING);
        for (int step = 0; step < steps; step++) {
            DataSet ds = tokens
                    ? Nets.tokenBatch(100 + step, 16)
                    : Nets.batch(100 + step, 16, ref.get(0).array().dataType());
            ParamSet grads = gradients(twin, ref, ds);
            opt.step(grads, ref);
            fit(net, ds);
            for (ParamSpec s : specs) {
                Tolerances.assertClose(
                        ref.array(s.name()), Nets.param(net, s), relTol, "step " + step + " " + s.name());
            }
        }
        double worst = 0;
        for (ParamSpec s : specs) {
            INDArray now = Nets.param(net, s);
            double moved = now.sub(initial.array(s.name())).amaxNumber().doubleValue();
            // Every parameter must have moved by far more than the tolerance, or the comparison says nothing.
            assertTrue(
                    moved > 1e3 * relTol * initial.array(s.name()).amaxNumber().doubleValue() || moved > 1e-3,
                    s.name() + " did not move: " + moved);
            worst = Math.max(worst, now.sub(ref.array(s.name())).amaxNumber().doubleValue());
        }
        System.out.printf(
                java.util.Locale.ROOT, "largest difference to hyperp-optim after %d steps: %.3g%n", steps, worst);
    }

    /** DL4J's gradients at the reference parameters, averaged over the batch as DL4J's updater does. */
    private static ParamSet gradients(Model twin, ParamSet ref, DataSet ds) {
        for (ParamSet.Entry e : ref.entries()) {
            INDArray p = twin.getParam(e.name());
            p.assign(e.array().reshape(p.shape()));
        }
        Gradient g;
        if (twin instanceof MultiLayerNetwork m) {
            m.setInput(ds.getFeatures());
            m.setLabels(ds.getLabels());
            m.computeGradientAndScore();
            g = m.gradient();
        } else {
            ComputationGraph c = (ComputationGraph) twin;
            c.setInputs(ds.getFeatures());
            c.setLabels(ds.getLabels());
            c.computeGradientAndScore();
            g = c.gradient();
        }
        long batch = ds.numExamples();
        ParamSet.Builder b = ParamSet.builder();
        for (ParamSet.Entry e : ref.entries()) {
            INDArray gi = g.getGradientFor(e.name());
            b.add(e.spec(), gi.reshape(gi.ordering(), e.spec().shape()).dup('c').divi(batch));
        }
        return b.build();
    }

    private static void fit(Model net, DataSet ds) {
        if (net instanceof MultiLayerNetwork m) {
            m.fit(ds);
        } else {
            ((ComputationGraph) net).fit(ds);
        }
    }
}
