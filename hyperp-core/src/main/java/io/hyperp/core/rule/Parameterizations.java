package io.hyperp.core.rule;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import java.util.Locale;
import java.util.Objects;

/**
 * The parameterization rules, as data: HyperP, the plain Muon baseline, muP and standard
 * parameterization (both with AdamW).
 *
 * <table>
 *   <caption>Treatments by role</caption>
 *   <tr><th>role</th><th>HyperP</th><th>plain Muon</th><th>muP (AdamW)</th><th>SP (AdamW)</th></tr>
 *   <tr><td>HIDDEN, ROUTER, EXPERT</td><td>sphere Muon, U(1/sqrt(fan_in)), wd 0</td>
 *       <td>Muon, U(1/sqrt(fan_in)), wd</td><td>AdamW, lr x base/width, U(1/sqrt(fan_in))</td>
 *       <td>AdamW, N(0, 0.02^2)</td></tr>
 *   <tr><td>OUTPUT_HEAD</td><td>sphere Adam, N(0, 0.02^2)</td><td>AdamW, N(0, 0.02^2)</td>
 *       <td>AdamW, lr x base/width, N(0, 0.02^2)</td><td>AdamW, N(0, 0.02^2)</td></tr>
 *   <tr><td>EMBEDDING</td><td>AdamW, N(0, 1e-4^2), wd 0</td><td>AdamW, N(0, 1e-4^2)</td>
 *       <td>AdamW, lr x 1, N(0, 0.02^2)</td><td>AdamW, N(0, 0.02^2)</td></tr>
 *   <tr><td>GAIN</td><td>AdamW, 1, wd 0</td><td>AdamW, 1, wd 0</td><td>AdamW, 1, wd 0</td>
 *       <td>AdamW, 1, wd 0</td></tr>
 * </table>
 *
 * <p>Model-level multipliers: HyperP and the plain Muon baseline scale every residual branch by
 * {@code 1/sqrt(2L)} (Depth-muP); the Muon baseline multiplies output logits by {@code d0/L}; muP
 * multiplies output logits by {@code baseWidth/width}; SP uses 1 for both. Gains never get weight
 * decay (common practice; decaying a gain towards 0 is not a regularizer).
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP and its Muon baseline, sections 3-4); Yang et al.,
 * <i>Tensor Programs V</i>, table 3 (muP for Adam); Yang et al., <i>Tensor Programs VI</i> (Depth-muP).
 */
public final class Parameterizations {

    private Parameterizations() {}

    /** HyperP at depth {@code depth} (SPEC sections 1 and 4). */
    public static ParameterizationRule hyperP(int depth) {
        checkDepth("depth", depth);
        return new Rule("hyperp", depth, 1.0 / Math.sqrt(2.0 * depth), 1.0, spec -> switch (spec.role()) {
            case HIDDEN, ROUTER, EXPERT ->
                new ParamTreatment(InitScheme.uniformFanIn(), OptimizerFamily.SPHERE_MUON, 1, 0);
            case OUTPUT_HEAD -> new ParamTreatment(InitScheme.normal(0.02), OptimizerFamily.SPHERE_ADAM, 1, 0);
            case EMBEDDING -> new ParamTreatment(InitScheme.normal(1e-4), OptimizerFamily.ADAMW, 1, 0);
            case GAIN -> new ParamTreatment(InitScheme.constant(1.0), OptimizerFamily.ADAMW, 1, 0);
        });
    }

    /**
     * The plain Muon baseline (SPEC 4, last bullet): Muon without the sphere, decoupled weight decay,
     * output logits multiplied by {@code baseDepth / depth}.
     */
    public static ParameterizationRule muonBaseline(int baseDepth, int depth, double weightDecay) {
        checkDepth("baseDepth", baseDepth);
        checkDepth("depth", depth);
        checkDecay(weightDecay);
        return new Rule(
                "muon", depth, 1.0 / Math.sqrt(2.0 * depth), (double) baseDepth / depth, spec -> switch (spec.role()) {
                    case HIDDEN, ROUTER, EXPERT ->
                        new ParamTreatment(InitScheme.uniformFanIn(), OptimizerFamily.MUON, 1, weightDecay);
                    case OUTPUT_HEAD ->
                        new ParamTreatment(InitScheme.normal(0.02), OptimizerFamily.ADAMW, 1, weightDecay);
                    case EMBEDDING ->
                        new ParamTreatment(InitScheme.normal(1e-4), OptimizerFamily.ADAMW, 1, weightDecay);
                    case GAIN -> new ParamTreatment(InitScheme.constant(1.0), OptimizerFamily.ADAMW, 1, 0);
                });
    }

    /**
     * muP with AdamW (Tensor Programs V, table 3): hidden and output learning rates scale as
     * {@code baseWidth / width}, the embedding's does not; output logits are multiplied by
     * {@code baseWidth / width}; residual branches by 1.
     */
    public static ParameterizationRule muP(int baseWidth, int width, int depth, double weightDecay) {
        checkDepth("baseWidth", baseWidth);
        checkDepth("width", width);
        checkDepth("depth", depth);
        checkDecay(weightDecay);
        double ratio = (double) baseWidth / width;
        return new Rule("mup", depth, 1.0, ratio, spec -> switch (spec.role()) {
            case HIDDEN, ROUTER, EXPERT ->
                new ParamTreatment(InitScheme.uniformFanIn(), OptimizerFamily.ADAMW, ratio, weightDecay);
            case OUTPUT_HEAD -> new ParamTreatment(InitScheme.normal(0.02), OptimizerFamily.ADAMW, ratio, weightDecay);
            case EMBEDDING -> new ParamTreatment(InitScheme.normal(0.02), OptimizerFamily.ADAMW, 1, weightDecay);
            case GAIN -> new ParamTreatment(InitScheme.constant(1.0), OptimizerFamily.ADAMW, 1, 0);
        });
    }

    /** Standard parameterization with AdamW: every learning rate and multiplier 1, N(0, 0.02^2) init. */
    public static ParameterizationRule standard(double weightDecay) {
        checkDecay(weightDecay);
        return new Rule("sp", 0, 1.0, 1.0, spec -> switch (spec.role()) {
            case GAIN -> new ParamTreatment(InitScheme.constant(1.0), OptimizerFamily.ADAMW, 1, 0);
            default -> new ParamTreatment(InitScheme.normal(0.02), OptimizerFamily.ADAMW, 1, weightDecay);
        });
    }

    private static void checkDepth(String what, int v) {
        checkArgument(v >= 1, "%s (%s) must be >= 1", what, v);
    }

    private static void checkDecay(double wd) {
        checkArgument(wd >= 0 && Double.isFinite(wd), "weightDecay (%s) must be finite and >= 0", wd);
    }

    /** A rule defined by a treatment function and two model-level multipliers. */
    private record Rule(
            String name,
            int depth,
            double residualBranchMultiplier,
            double outputLogitMultiplier,
            java.util.function.Function<ParamSpec, ParamTreatment> byRole)
            implements ParameterizationRule {
        @Override
        public ParamTreatment treatment(ParamSpec spec) {
            Objects.requireNonNull(spec, "spec");
            ParamTreatment t = byRole.apply(spec);
            if (t.family().usesMuon() || t.onSphere() || spec.role() == ParamRole.OUTPUT_HEAD) {
                checkArgument(
                        spec.rank() >= 2,
                        "%s: rule %s treats role %s as a matrix, found rank %s",
                        spec.name(),
                        name,
                        spec.role(),
                        spec.rank());
            }
            return t;
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%s(depth=%d, residual x %.6g, logits x %.6g)",
                    name,
                    depth,
                    residualBranchMultiplier,
                    outputLogitMultiplier);
        }
    }
}
