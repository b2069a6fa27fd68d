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
 * <p>References: Ren et al., arXiv 2603.28743, section 3 and appendix (reference optimizer groups).
 */
public final class Optimizers {

    private Optimizers() {
    }

    /**
     * The transform for these parameter specs under {@code rule}.
     *
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
     * A ready optimizer for {@code params} (already initialized: sphere radii are measured now).
     */
    public static Optimizer create(ParamSet params, ParameterizationRule rule, LrSchedule schedule,
                                   OptimizerOptions options) {
        Objects.requireNonNull(params, "params");
        Transform t = transform(params.specs(), rule, options);
        return Optimizer.create(t, schedule, params, options.nonFinitePolicy());
    }

    /** A ready optimizer with {@link OptimizerOptions#defaults()}. */
    public static Optimizer create(ParamSet params, ParameterizationRule rule, LrSchedule schedule) {
        return create(params, rule, schedule, OptimizerOptions.defaults());
    }

    private static String label(ParamTreatment t) {
        return String.format(Locale.ROOT, "%s lr x %s wd %s", t.family(), t.lrMultiplier(), t.weightDecay());
    }

    private static Transform stage(ParamTreatment t, OptimizerOptions o) {
        return switch (t.family()) {
            case SPHERE_MUON -> Transforms.chain(Transforms.muon(o.muon()),
                    Transforms.sphereStep(t.lrMultiplier(), t.weightDecay(), o.reduction()));
            case SPHERE_ADAM -> Transforms.chain(Transforms.adam(o.adam()),
                    Transforms.sphereStep(t.lrMultiplier(), t.weightDecay(), o.reduction()));
            case MUON -> Transforms.chain(Transforms.muon(o.muon()), Transforms.scaleByShapeFactor(o.muonShapeFactor()),
                    Transforms.applyDecoupled(t.lrMultiplier(), t.weightDecay()));
            case ADAMW -> Transforms.chain(Transforms.adam(o.adam()),
                    Transforms.applyDecoupled(t.lrMultiplier(), t.weightDecay()));
        };
    }
}
