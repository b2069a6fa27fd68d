package io.hyperp.optim;

import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.OptimizerFamily;
import io.hyperp.core.rule.ParamTreatment;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The one factory of optimizers: given the parameters and a parameterization rule (hyperp-core),
 * it partitions the parameters by the rule's treatment and builds, per group,
 * <ul>
 *   <li>{@link OptimizerFamily#SPHERE_MUON}: {@code chain(muon, sphereStep)} (HyperP's matrices),</li>
 *   <li>{@link OptimizerFamily#SPHERE_ADAM}: {@code chain(adam, sphereStep)} (HyperP's head),</li>
 *   <li>{@link OptimizerFamily#MUON}: {@code chain(muon, scaleByShapeFactor, applyDecoupled)} (plain Muon),</li>
 *   <li>{@link OptimizerFamily#ADAMW}: {@code chain(adam, applyDecoupled)},</li>
 * </ul>
 * each with the group's learning-rate multiplier and weight decay, all behind one global
 * gradient-norm clip. So {@code Parameterizations.hyperP(L)} gives HyperP, the plain Muon rule gives
 * the Muon baseline, and muP or standard parameterization give AdamW.
 *
 * <p>The factory is stateless and thread-safe; the optimizers it returns are not.
 *
 * <p>References: Ren et al., arXiv 2603.28743, section 3 and appendix (reference optimizer groups).
 */
public final class Optimizers {

    private Optimizers() {}

    /**
     * The transform for these parameter specs under {@code rule}: a partition by the rule's treatment
     * (family, learning-rate multiplier, weight decay), each group's chain as in the class
     * documentation, behind a global gradient-norm clip unless {@code options.clipNorm()} is infinite.
     *
     * @param specs   the parameters' specs
     * @param rule    the parameterization rule
     * @param options Muon and Adam settings, the plain Muon shape factor, clipping, norm reduction
     * @return a new transform (immutable, thread-safe)
     * @throws IllegalArgumentException if the rule refuses a spec (the message names it)
     */
    public static Transform transform(List<ParamSpec> specs, ParameterizationRule rule, OptimizerOptions options) {
        Objects.requireNonNull(specs, "specs");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(options, "options");
        Map<String, String> labelOf = new HashMap<>();
        Map<String, Transform> stages = new TreeMap<>();
        for (ParamSpec spec : specs) {
            ParamTreatment t = rule.treatment(spec);
            String label = label(t);
            labelOf.put(spec.name(), label);
            stages.computeIfAbsent(label, l -> stage(t, options));
        }
        Transform partition = Transforms.partition(s -> labelOf.get(s.name()), stages);
        return Double.isInfinite(options.clipNorm())
                ? partition
                : Transforms.chain(Transforms.clipByGlobalNorm(options.clipNorm()), partition);
    }

    /**
     * A ready optimizer for {@code params}: {@link #transform} of their specs, its state (sphere radii
     * are measured now, so the parameters must hold their initial values), the schedule and
     * {@code options.nonFinitePolicy()}.
     *
     * @param params   the initialized parameters; read only here
     * @param rule     the parameterization rule, for example {@code Parameterizations.hyperP(depth)}
     * @param schedule the learning rate per step, for example {@code LrSchedule.linearDecay(peak, steps)}
     * @param options  optimizer options
     * @return the optimizer
     * @throws IllegalArgumentException if the rule or a transform refuses a parameter (naming it)
     */
    public static Optimizer create(
            ParamSet params, ParameterizationRule rule, LrSchedule schedule, OptimizerOptions options) {
        Objects.requireNonNull(params, "params");
        Transform t = transform(params.specs(), rule, options);
        return Optimizer.create(t, schedule, params, options.nonFinitePolicy());
    }

    /**
     * A ready optimizer with {@link OptimizerOptions#defaults()} (HyperP's: Muon 0.95 with Nesterov and
     * HYPERP_5, Adam (0.9, 0.95, 1e-8), clipping at 1, throw on non-finite gradients).
     *
     * @param params   the initialized parameters; read only here
     * @param rule     the parameterization rule
     * @param schedule the learning rate per step
     * @return the optimizer
     */
    public static Optimizer create(ParamSet params, ParameterizationRule rule, LrSchedule schedule) {
        return create(params, rule, schedule, OptimizerOptions.defaults());
    }

    private static String label(ParamTreatment t) {
        return String.format(Locale.ROOT, "%s lr x %s wd %s", t.family(), t.lrMultiplier(), t.weightDecay());
    }

    private static Transform stage(ParamTreatment t, OptimizerOptions o) {
        return switch (t.family()) {
            case SPHERE_MUON ->
                Transforms.chain(
                        Transforms.muon(o.muon()),
                        Transforms.sphereStep(t.lrMultiplier(), t.weightDecay(), o.reduction()));
            case SPHERE_ADAM ->
                Transforms.chain(
                        Transforms.adam(o.adam()),
                        Transforms.sphereStep(t.lrMultiplier(), t.weightDecay(), o.reduction()));
            case MUON ->
                Transforms.chain(
                        Transforms.muon(o.muon()),
                        Transforms.scaleByShapeFactor(o.muonShapeFactor()),
                        Transforms.applyDecoupled(t.lrMultiplier(), t.weightDecay()));
            case ADAMW ->
                Transforms.chain(
                        Transforms.adam(o.adam()), Transforms.applyDecoupled(t.lrMultiplier(), t.weightDecay()));
        };
    }
}
