package io.hyperp.optim.samediff;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.init.Initializer;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.optim.Optimizer;
import io.hyperp.optim.OptimizerOptions;
import io.hyperp.optim.Optimizers;
import io.hyperp.optim.ParamSet;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains the variables of any SameDiff graph with an optimizer from {@link Optimizers}: each step
 * computes the loss and the gradients in one pass
 * ({@link SameDiff#calculateGradientsAndOutputs}) and applies the optimizer to the variables' own
 * arrays in place.
 *
 * <p>Roles come from an explicit list of specs (or {@link RoleInference}). With
 * {@code reinitialize}, the variables are first re-drawn from the rule's initialization (HyperP's
 * uniform fan-in for matrices, and so on), then sphere radii are measured. Not thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743.
 */
public final class SameDiffTrainer {

    private final SameDiff sd;
    private final String lossName;
    private final ParamSet params;
    private final List<String> names;
    private final Optimizer optimizer;

    private SameDiffTrainer(SameDiff sd, String lossName, ParamSet params, Optimizer optimizer) {
        this.sd = sd;
        this.lossName = lossName;
        this.params = params;
        this.optimizer = optimizer;
        this.names = params.entries().stream().map(ParamSet.Entry::name).toList();
    }

    /**
     * A trainer.
     *
     * @param sd           the graph; its variables are updated in place
     * @param lossName     the name of the scalar loss variable
     * @param specs        one spec per trained variable (names must be trainable variables of the graph)
     * @param rule         the parameterization rule (for example {@code Parameterizations.hyperP(depth)})
     * @param schedule     the learning-rate schedule
     * @param options      optimizer options
     * @param reinitialize whether to re-draw the variables from the rule's initialization first
     * @param seed         the initialization seed (used only with {@code reinitialize})
     */
    public static SameDiffTrainer create(SameDiff sd, String lossName, List<ParamSpec> specs,
                                         ParameterizationRule rule, LrSchedule schedule, OptimizerOptions options,
                                         boolean reinitialize, long seed) {
        Objects.requireNonNull(sd, "sd");
        Objects.requireNonNull(lossName, "lossName");
        Objects.requireNonNull(specs, "specs");
        Objects.requireNonNull(rule, "rule");
        checkArgument(sd.hasVariable(lossName), "loss variable '%s' is not in the graph", lossName);
        checkArgument(!specs.isEmpty(), "specs must name at least one variable");
        List<ParamSet.Entry> entries = new ArrayList<>();
        for (ParamSpec s : specs) {
            checkArgument(sd.hasVariable(s.name()), "variable '%s' is not in the graph", s.name());
            SDVariable v = sd.getVariable(s.name());
            INDArray arr = v.getArr();
            checkArgument(arr != null, "variable '%s' has no array", s.name());
            s.checkShape("variable", arr.shape());
            entries.add(new ParamSet.Entry(s, arr));
        }
        ParamSet params = ParamSet.of(entries);
        if (reinitialize) {
            for (ParamSet.Entry e : params.entries()) {
                e.array().assign(Initializer.initialize(e.spec(), rule, e.array().dataType(), seed));
            }
        }
        Optimizer opt = Optimizers.create(params, rule, schedule, options);
        return new SameDiffTrainer(sd, lossName, params, opt);
    }

    /**
     * One training step: forward, backward and the optimizer update.
     *
     * @param placeholders the graph's placeholder values for this batch
     * @return the loss of this batch before the update
     */
    public double step(Map<String, INDArray> placeholders) {
        Objects.requireNonNull(placeholders, "placeholders");
        OutAndGrad og = sd.calculateGradientsAndOutputs(placeholders, List.of(lossName), names);
        Map<String, INDArray> grads = og.getGradients();
        ParamSet.Builder g = ParamSet.builder();
        for (ParamSet.Entry e : params.entries()) {
            INDArray grad = grads.get(e.name());
            if (grad == null) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "no gradient for variable '%s': it does not influence loss '%s'", e.name(), lossName));
            }
            g.add(e.spec(), grad);
        }
        double loss = og.getOutputs().get(lossName).getDouble(0);
        optimizer.step(g.build(), params);
        return loss;
    }

    /** The loss of a batch without training. */
    public double loss(Map<String, INDArray> placeholders) {
        return sd.output(placeholders, lossName).get(lossName).getDouble(0);
    }

    /** The trained variables (live arrays of the graph). */
    public ParamSet params() {
        return params;
    }

    /** The optimizer (state, step count, checkpoints). */
    public Optimizer optimizer() {
        return optimizer;
    }
}
