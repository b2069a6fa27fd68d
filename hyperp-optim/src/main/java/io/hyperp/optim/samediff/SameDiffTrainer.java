package io.hyperp.optim.samediff;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.init.Initializer;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.optim.Optimizer;
import io.hyperp.optim.OptimizerOptions;
import io.hyperp.optim.Optimizers;
import io.hyperp.optim.ParamSet;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains the variables of any SameDiff graph with an optimizer from {@link Optimizers}: each step
 * computes the loss and the gradients in one pass
 * ({@link SameDiff#calculateGradientsAndOutputs}) and applies the optimizer to the variables' own
 * arrays in place.
 *
 * <p>Roles come from an explicit list of specs, an explicit map of roles, or {@link RoleInference}
 * (which guesses from names and shapes and prints what it guessed). With
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
     * A trainer for the variables named in {@code specs}.
     *
     * <p>Every trainable variable of the graph ({@link VariableType#VARIABLE}) must have a spec: a
     * variable left out would silently stay fixed. To keep a variable fixed, make it a constant first
     * ({@link SameDiff#convertToConstant(SDVariable)}).
     *
     * <p>SameDiff differentiates the graph's loss variables, so the trainer makes {@code lossName} the
     * only one ({@link SameDiff#setLossVariables(String...)}) once everything else is checked.
     *
     * @param sd           the graph; its variables' arrays are updated in place by {@link #step}
     * @param lossName     the name of the scalar loss variable
     * @param specs        one spec per trainable variable (names, shapes and roles)
     * @param rule         the parameterization rule (for example {@code Parameterizations.hyperP(depth)})
     * @param schedule     the learning-rate schedule
     * @param options      optimizer options
     * @param reinitialize whether to re-draw the variables from the rule's initialization first
     * @param seed         the initialization seed (used only with {@code reinitialize})
     * @throws IllegalArgumentException naming the variable if a spec names no variable or disagrees
     *                                  with its shape, if a trainable variable has no spec, or if the
     *                                  loss is not in the graph
     */
    public static SameDiffTrainer create(
            SameDiff sd,
            String lossName,
            List<ParamSpec> specs,
            ParameterizationRule rule,
            LrSchedule schedule,
            OptimizerOptions options,
            boolean reinitialize,
            long seed) {
        Objects.requireNonNull(sd, "sd");
        Objects.requireNonNull(lossName, "lossName");
        Objects.requireNonNull(specs, "specs");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(options, "options");
        checkArgument(sd.hasVariable(lossName), "loss variable '%s' is not in the graph", lossName);
        SDVariable loss = sd.getVariable(lossName);
        checkArgument(
                loss.getVariableType() == VariableType.ARRAY && loss.dataType().isFPType(),
                "loss '%s' must be a floating-point value computed by the graph, found a %s of type %s",
                lossName,
                loss.getVariableType(),
                loss.dataType());
        checkArgument(!specs.isEmpty(), "specs must name at least one variable");
        Set<String> trainable = new LinkedHashSet<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                trainable.add(v.name());
            }
        }
        List<ParamSet.Entry> entries = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (ParamSpec s : specs) {
            checkArgument(
                    trainable.contains(s.name()),
                    "'%s' is not a trainable variable of the graph (variables: %s)",
                    s.name(),
                    trainable);
            INDArray arr = sd.getVariable(s.name()).getArr();
            checkArgument(arr != null, "variable '%s' has no array", s.name());
            s.checkShape("variable", arr.shape());
            entries.add(new ParamSet.Entry(s, arr));
            covered.add(s.name());
        }
        Set<String> missing = new LinkedHashSet<>(trainable);
        missing.removeAll(covered);
        checkArgument(
                missing.isEmpty(),
                "trainable variables %s have no spec; give each a role, or make it a "
                        + "constant (SameDiff.convertToConstant) to keep it fixed",
                missing);
        ParamSet params = ParamSet.of(entries);
        if (reinitialize) {
            for (ParamSet.Entry e : params.entries()) {
                e.array()
                        .assign(Initializer.initialize(e.spec(), rule, e.array().dataType(), seed));
            }
        }
        Optimizer opt = Optimizers.create(params, rule, schedule, options);
        if (!sd.getLossVariables().equals(List.of(lossName))) {
            sd.setLossVariables(lossName);
        }
        return new SameDiffTrainer(sd, lossName, params, opt);
    }

    /**
     * A trainer with one explicit role per trainable variable: each variable's spec follows the layout
     * conventions of {@link RoleInference} (matrices {@code [in, out]} as used by {@code x.mmul(W)},
     * stacks {@code [E, out, in]}, vectors). For another layout pass specs to
     * {@link #create(SameDiff, String, List, ParameterizationRule, LrSchedule, OptimizerOptions, boolean, long)}.
     *
     * @param roles the role of every trainable variable, by name
     * @throws IllegalArgumentException as the spec-based factory, or if a role does not fit the
     *                                  variable's rank
     */
    public static SameDiffTrainer create(
            SameDiff sd,
            String lossName,
            Map<String, ParamRole> roles,
            ParameterizationRule rule,
            LrSchedule schedule,
            OptimizerOptions options,
            boolean reinitialize,
            long seed) {
        Objects.requireNonNull(sd, "sd");
        Objects.requireNonNull(roles, "roles");
        List<ParamSpec> specs = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            ParamRole role = roles.get(v.name());
            if (v.getVariableType() == VariableType.VARIABLE && role != null) {
                specs.add(RoleInference.specFor(v.name(), v.getArr().shape(), role));
            }
        }
        for (String name : roles.keySet()) {
            checkArgument(
                    specs.stream().anyMatch(s -> s.name().equals(name)),
                    "'%s' is not a trainable variable of the graph",
                    name);
        }
        return create(sd, lossName, specs, rule, schedule, options, reinitialize, seed);
    }

    /**
     * One training step: forward and backward in one pass
     * ({@link SameDiff#calculateGradientsAndOutputs}), then {@link Optimizer#step} on the variables'
     * arrays in place.
     *
     * @param placeholders the graph's placeholder values for this batch
     * @return the loss of this batch before the update
     * @throws IllegalStateException if a variable gets no gradient (it does not influence the loss), or
     *                               for non-finite gradients under the default policy (nothing is
     *                               modified)
     */
    public double step(Map<String, INDArray> placeholders) {
        Objects.requireNonNull(placeholders, "placeholders");
        OutAndGrad og = sd.calculateGradientsAndOutputs(placeholders, List.of(lossName), names);
        Map<String, INDArray> grads = og.getGradients();
        ParamSet.Builder g = ParamSet.builder();
        for (ParamSet.Entry e : params.entries()) {
            INDArray grad = grads.get(e.name());
            if (grad == null) {
                throw new IllegalStateException(String.format(
                        Locale.ROOT,
                        "no gradient for variable '%s': it does not influence loss '%s'",
                        e.name(),
                        lossName));
            }
            g.add(e.spec(), grad);
        }
        double loss = og.getOutputs().get(lossName).getDouble(0);
        optimizer.step(g.build(), params);
        return loss;
    }

    /** The loss of a batch without training (forward pass only; modifies nothing). */
    public double loss(Map<String, INDArray> placeholders) {
        return sd.output(placeholders, lossName).get(lossName).getDouble(0);
    }

    /** The trained variables: their specs and the graph's live arrays. */
    public ParamSet params() {
        return params;
    }

    /** The optimizer (state, step count, checkpoints). */
    public Optimizer optimizer() {
        return optimizer;
    }
}
