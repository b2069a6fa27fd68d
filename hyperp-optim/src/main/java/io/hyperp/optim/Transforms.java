package io.hyperp.optim;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSortedMap;
import io.hyperp.core.orthogonal.NewtonSchulz;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.sphere.NormReduction;
import io.hyperp.core.sphere.Sphere;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Factories of the optimizer stages and their composition.
 *
 * <p>Direction stages ({@link #muon}, {@link #adam}, {@link #scaleByShapeFactor},
 * {@link #clipByGlobalNorm}, {@link #identity}) rewrite the descent direction in place; terminal
 * stages ({@link #sphereStep}, {@link #applyDecoupled}) write the parameters. HyperP is
 * {@code chain(clipByGlobalNorm(1), partition(family, {sphere matrices: chain(muon, sphereStep),
 * head: chain(adam, sphereStep), rest: chain(adam, applyDecoupled)}))}; {@link Optimizers} builds it
 * from a parameterization rule.
 *
 * <p>References: DeepMind optax (the transform algebra); Ren et al., arXiv 2603.28743 (HyperP);
 * Jordan, <i>Muon</i> (2024); Loshchilov and Hutter, <i>Decoupled Weight Decay Regularization</i>.
 */
public final class Transforms {

    private Transforms() {
    }

    /** The stage that leaves everything as it is. */
    public static Transform identity() {
        return Identity.INSTANCE;
    }

    /** Applies the stages in order on the same updates. */
    public static Transform chain(Transform... stages) {
        Objects.requireNonNull(stages, "stages");
        checkArgument(stages.length > 0, "chain needs at least one stage");
        for (int i = 0; i < stages.length; i++) {
            Objects.requireNonNull(stages[i], "stages[" + i + "]");
        }
        return new Chain(ImmutableList.copyOf(stages));
    }

    /**
     * Routes each parameter to the stage of its label. Every parameter must get a label that has a
     * stage; each parameter is updated by exactly one stage.
     *
     * @param labeler maps a parameter spec to its label
     * @param stages  the stage of each label
     */
    public static Transform partition(Function<ParamSpec, String> labeler, Map<String, Transform> stages) {
        Objects.requireNonNull(labeler, "labeler");
        Objects.requireNonNull(stages, "stages");
        checkArgument(!stages.isEmpty(), "partition needs at least one stage");
        return new Partition(labeler, ImmutableSortedMap.copyOf(stages));
    }

    /**
     * Scales all updates together so that their global Frobenius norm is at most {@code maxNorm}.
     */
    public static Transform clipByGlobalNorm(double maxNorm) {
        checkArgument(maxNorm > 0 && Double.isFinite(maxNorm), "maxNorm (%s) must be finite and positive", maxNorm);
        return new Clip(maxNorm);
    }

    /** The Muon direction: momentum, optional Nesterov, Newton-Schulz; matrices and stacks only. */
    public static Transform muon(MuonConfig config) {
        return new Muon(Objects.requireNonNull(config, "config"));
    }

    /** The bias-corrected Adam direction \(\hat m/(\sqrt{\hat v}+\epsilon)\). */
    public static Transform adam(AdamConfig config) {
        return new Adam(Objects.requireNonNull(config, "config"));
    }

    /** Multiplies each matrix's direction by its {@link ShapeFactor}. */
    public static Transform scaleByShapeFactor(ShapeFactor factor) {
        return new ShapeScale(Objects.requireNonNull(factor, "factor"));
    }

    /**
     * Terminal: the sphere step of SPEC section 2 with the radius measured from the parameters at
     * {@link Transform#init} and kept in the state; relative learning rate {@code lr * lrMultiplier}.
     */
    public static Transform sphereStep(double lrMultiplier, double weightDecay) {
        return sphereStep(lrMultiplier, weightDecay, NormReduction.local());
    }

    /** As {@link #sphereStep(double, double)}, with a norm reduction for sharded matrices. */
    public static Transform sphereStep(double lrMultiplier, double weightDecay, NormReduction reduction) {
        checkMultiplier(lrMultiplier);
        checkArgument(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay (%s) must be finite and >= 0",
                weightDecay);
        return new SphereStep(lrMultiplier, weightDecay, Objects.requireNonNull(reduction, "reduction"));
    }

    /**
     * Terminal: {@code W <- (1 - lr m lambda) W - lr m U} with {@code m = lrMultiplier}, decoupled weight
     * decay {@code lambda}.
     */
    public static Transform applyDecoupled(double lrMultiplier, double weightDecay) {
        checkMultiplier(lrMultiplier);
        checkArgument(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay (%s) must be finite and >= 0",
                weightDecay);
        return new ApplyDecoupled(lrMultiplier, weightDecay);
    }

    private static void checkMultiplier(double m) {
        checkArgument(m > 0 && Double.isFinite(m), "lrMultiplier (%s) must be finite and positive", m);
    }

    // ---------------------------------------------------------------------------------------------

    private enum Identity implements Transform {
        INSTANCE;

        @Override
        public TransformState init(ParamSet params) {
            return TransformState.of(fingerprint(), Map.of(), List.of(), null).builtBy(this);
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, StepContext context) {
            Transform.checkState(this, state);
        }

        @Override
        public String fingerprint() {
            return "identity";
        }
    }

    private record Chain(ImmutableList<Transform> stages) implements Transform {
        @Override
        public TransformState init(ParamSet params) {
            List<TransformState> children = new ArrayList<>();
            for (Transform t : stages) {
                children.add(t.init(params));
            }
            return TransformState.of(fingerprint(), Map.of(), children, null).builtBy(this);
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, StepContext context) {
            Transform.checkState(this, state);
            for (int i = 0; i < stages.size(); i++) {
                stages.get(i).update(updates, state.children().get(i), params, context);
            }
        }

        @Override
        public String fingerprint() {
            StringBuilder sb = new StringBuilder("chain(");
            for (int i = 0; i < stages.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(stages.get(i).fingerprint());
            }
            return sb.append(')').toString();
        }
    }

    /** Partition scratch: which names go where, and cached subsets of the last-seen sets. */
    private static final class PartitionScratch {
        final ImmutableMap<String, Set<String>> namesByLabel;
        ParamSet lastUpdates;
        ParamSet lastParams;
        final Map<String, ParamSet> updateSubsets = new HashMap<>();
        final Map<String, ParamSet> paramSubsets = new HashMap<>();

        PartitionScratch(Map<String, Set<String>> namesByLabel) {
            this.namesByLabel = ImmutableMap.copyOf(namesByLabel);
        }
    }

    private record Partition(Function<ParamSpec, String> labeler, ImmutableSortedMap<String, Transform> stages)
            implements Transform {
        @Override
        public TransformState init(ParamSet params) {
            Map<String, Set<String>> names = new LinkedHashMap<>();
            for (String label : stages.keySet()) {
                names.put(label, new LinkedHashSet<>());
            }
            for (ParamSet.Entry e : params.entries()) {
                String label = labeler.apply(e.spec());
                checkArgument(label != null && stages.containsKey(label),
                        "%s: label '%s' has no stage in the partition (labels: %s)", e.name(), label, stages.keySet());
                names.get(label).add(e.name());
            }
            List<TransformState> children = new ArrayList<>();
            for (Map.Entry<String, Transform> s : stages.entrySet()) {
                children.add(s.getValue().init(params.subset(names.get(s.getKey()))));
            }
            return TransformState.of(fingerprint() + names, Map.of(), children, new PartitionScratch(names)).builtBy(this);
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, StepContext context) {
            checkArgument(state.fingerprint().startsWith(fingerprint()) && state.scratch() instanceof PartitionScratch,
                    "state was built by a different transform: expected %s, found %s", fingerprint(),
                    state.fingerprint());
            PartitionScratch ps = (PartitionScratch) state.scratch();
            if (updates != ps.lastUpdates || params != ps.lastParams) {
                ps.updateSubsets.clear();
                ps.paramSubsets.clear();
                for (Map.Entry<String, Set<String>> e : ps.namesByLabel.entrySet()) {
                    ps.updateSubsets.put(e.getKey(), updates.subset(e.getValue()));
                    ps.paramSubsets.put(e.getKey(), params.subset(e.getValue()));
                }
                ps.lastUpdates = updates;
                ps.lastParams = params;
            }
            int i = 0;
            for (Map.Entry<String, Transform> s : stages.entrySet()) {
                s.getValue().update(ps.updateSubsets.get(s.getKey()), state.children().get(i++),
                        ps.paramSubsets.get(s.getKey()), context);
            }
        }

        @Override
        public String fingerprint() {
            StringBuilder sb = new StringBuilder("partition{");
            boolean first = true;
            for (Map.Entry<String, Transform> s : stages.entrySet()) {
                sb.append(first ? "" : ", ").append(s.getKey()).append(": ").append(s.getValue().fingerprint());
                first = false;
            }
            return sb.append('}').toString();
        }
    }

    private record Clip(double maxNorm) implements Transform {
        @Override
        public TransformState init(ParamSet params) {
            return TransformState.of(fingerprint(), Map.of(), List.of(), Reductions.scalars(params)).builtBy(this);
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, StepContext context) {
            Transform.checkState(this, state);
            INDArray[] scalars = (INDArray[]) state.scratch();
            double total = 0;
            for (int i = 0; i < updates.size(); i++) {
                total += Reductions.sumOfSquares(updates.get(i).array(), scalars[i]);
            }
            double norm = Math.sqrt(total);
            if (norm > maxNorm) {
                double f = maxNorm / norm;
                for (ParamSet.Entry e : updates.entries()) {
                    e.array().muli(f);
                }
            }
        }

        @Override
        public String fingerprint() {
            return String.format(Locale.ROOT, "clip(%s)", maxNorm);
        }
    }

    /** Muon scratch per parameter: the Nesterov input and the Newton-Schulz workspace. */
    private record MuonScratch(INDArray[] nesterovInput, NewtonSchulz[] ns) {
    }

    private record Muon(MuonConfig config) implements Transform {
        @Override
        public TransformState init(ParamSet params) {
            Map<String, INDArray> buffers = new LinkedHashMap<>();
            INDArray[] nest = new INDArray[params.size()];
            NewtonSchulz[] ns = new NewtonSchulz[params.size()];
            for (int i = 0; i < params.size(); i++) {
                ParamSet.Entry e = params.get(i);
                checkArgument(e.spec().rank() >= 2,
                        "%s: the Muon direction needs a matrix or a stack of matrices, found rank %s", e.name(),
                        e.spec().rank());
                INDArray a = e.array();
                buffers.put(e.name() + "/momentum", Nd4j.zeros(a.dataType(), a.shape()));
                nest[i] = Nd4j.create(a.dataType(), a.shape());
                ns[i] = NewtonSchulz.create(e.spec(), a.dataType(), config.schedule());
            }
            return TransformState.of(fingerprint(), buffers, List.of(), new MuonScratch(nest, ns)).builtBy(this);
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, StepContext context) {
            Transform.checkState(this, state);
            MuonScratch s = (MuonScratch) state.scratch();
            double mu = config.momentum();
            for (int i = 0; i < updates.size(); i++) {
                ParamSet.Entry e = updates.get(i);
                INDArray g = e.array();
                INDArray m = state.buffers().get(e.name() + "/momentum");
                m.muli(mu).addi(g);
                INDArray in;
                if (config.nesterov()) {
                    in = s.nesterovInput()[i];
                    in.assign(m).muli(mu).addi(g);
                } else {
                    in = m;
                }
                s.ns()[i].orthogonalizeInto(in, g);
            }
        }

        @Override
        public String fingerprint() {
            return String.format(Locale.ROOT, "muon(mu=%s, nesterov=%s, %s)", config.momentum(), config.nesterov(),
                    config.schedule());
        }
    }

    private record Adam(AdamConfig config) implements Transform {
        @Override
        public TransformState init(ParamSet params) {
            Map<String, INDArray> buffers = new LinkedHashMap<>();
            INDArray[] scratch = new INDArray[params.size()];
            for (int i = 0; i < params.size(); i++) {
                ParamSet.Entry e = params.get(i);
                INDArray a = e.array();
                buffers.put(e.name() + "/m", Nd4j.zeros(a.dataType(), a.shape()));
                buffers.put(e.name() + "/v", Nd4j.zeros(a.dataType(), a.shape()));
                scratch[i] = Nd4j.create(a.dataType(), a.shape());
            }
            return TransformState.of(fingerprint(), buffers, List.of(), scratch).builtBy(this);
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, StepContext context) {
            Transform.checkState(this, state);
            INDArray[] scratch = (INDArray[]) state.scratch();
            double b1 = config.beta1();
            double b2 = config.beta2();
            long t = context.step() + 1;
            double c1 = 1 - Math.pow(b1, t);
            double c2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < updates.size(); i++) {
                ParamSet.Entry e = updates.get(i);
                INDArray g = e.array();
                INDArray m = state.buffers().get(e.name() + "/m");
                INDArray v = state.buffers().get(e.name() + "/v");
                INDArray s = scratch[i];
                // m <- b1 m + (1 - b1) g ; v <- b2 v + (1 - b2) g^2
                s.assign(g).muli(1 - b1);
                m.muli(b1).addi(s);
                s.assign(g).muli(g).muli(1 - b2);
                v.muli(b2).addi(s);
                // U = (m / c1) / (sqrt(v / c2) + eps)
                g.assign(v).muli(1.0 / c2);
                org.nd4j.linalg.ops.transforms.Transforms.sqrt(g, false);
                g.addi(config.epsilon());
                s.assign(m).muli(1.0 / c1);
                g.rdivi(s);
            }
        }

        @Override
        public String fingerprint() {
            return String.format(Locale.ROOT, "adam(%s, %s, %s)", config.beta1(), config.beta2(), config.epsilon());
        }
    }

    private record ShapeScale(ShapeFactor factor) implements Transform {
        @Override
        public TransformState init(ParamSet params) {
            for (ParamSet.Entry e : params.entries()) {
                checkArgument(e.spec().rank() >= 2, "%s: a shape factor needs a matrix, found rank %s", e.name(),
                        e.spec().rank());
            }
            return TransformState.of(fingerprint(), Map.of(), List.of(), null).builtBy(this);
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, StepContext context) {
            Transform.checkState(this, state);
            for (ParamSet.Entry e : updates.entries()) {
                double f = factor.factor(e.spec());
                if (f != 1.0) {
                    e.array().muli(f);
                }
            }
        }

        @Override
        public String fingerprint() {
            return "shapeFactor(" + factor + ")";
        }
    }

    private record SphereStep(double lrMultiplier, double weightDecay, NormReduction reduction) implements Transform {
        @Override
        public TransformState init(ParamSet params) {
            Map<String, INDArray> buffers = new LinkedHashMap<>();
            Sphere[] spheres = new Sphere[params.size()];
            for (int i = 0; i < params.size(); i++) {
                ParamSet.Entry e = params.get(i);
                spheres[i] = Sphere.create(e.spec(), e.array().dataType(), reduction);
                buffers.put(e.name() + "/radius", spheres[i].measureRadius(e.array()));
            }
            return TransformState.of(fingerprint(), buffers, List.of(), spheres).builtBy(this);
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, StepContext context) {
            Transform.checkState(this, state);
            Sphere[] spheres = (Sphere[]) state.scratch();
            double eta = context.learningRate() * lrMultiplier;
            for (int i = 0; i < updates.size(); i++) {
                ParamSet.Entry u = updates.get(i);
                spheres[i].stepInPlace(params.get(i).array(), u.array(), eta, weightDecay,
                        state.buffers().get(u.name() + "/radius"));
            }
        }

        @Override
        public String fingerprint() {
            return String.format(Locale.ROOT, "sphereStep(lr x %s, wd %s)", lrMultiplier, weightDecay);
        }
    }

    private record ApplyDecoupled(double lrMultiplier, double weightDecay) implements Transform {
        @Override
        public TransformState init(ParamSet params) {
            return TransformState.of(fingerprint(), Map.of(), List.of(), null).builtBy(this);
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, StepContext context) {
            Transform.checkState(this, state);
            double lr = context.learningRate() * lrMultiplier;
            for (int i = 0; i < updates.size(); i++) {
                INDArray w = params.get(i).array();
                if (weightDecay > 0) {
                    w.muli(1 - lr * weightDecay);
                }
                w.subi(updates.get(i).array().muli(lr));
            }
        }

        @Override
        public String fingerprint() {
            return String.format(Locale.ROOT, "applyDecoupled(lr x %s, wd %s)", lrMultiplier, weightDecay);
        }
    }

}
