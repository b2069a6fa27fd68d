package io.hyperp.optim;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSortedMap;
import io.hyperp.core.linalg.DenseOps;
import io.hyperp.core.orthogonal.NewtonSchulz;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.sphere.NormReduction;
import io.hyperp.core.sphere.Sphere;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.same.AMax;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Factories of the optimizer stages and their composition.
 *
 * <p><b>Direction stages</b> rewrite the descent direction \(U\) in place and never touch parameters:
 * {@link #muon}, {@link #adam}, {@link #scaleByShapeFactor}, {@link #clipByGlobalNorm},
 * {@link #identity}. <b>Terminal stages</b> move the parameters against \(U\): {@link #sphereStep}
 * (the retraction of SPEC section 2, which cannot be written as "add an update") and
 * {@link #applyDecoupled} (\(W \leftarrow (1-\eta\lambda)W - \eta U\)). <b>Combinators</b>:
 * {@link #chain} and {@link #partition}.
 *
 * <p>HyperP is {@code chain(clipByGlobalNorm(1), partition(family, {sphere matrices: chain(muon,
 * sphereStep), head: chain(adam, sphereStep), rest: chain(adam, applyDecoupled)}))};
 * {@link Optimizers} builds it from a parameterization rule.
 *
 * <p>Every stage allocates its buffers in {@code init}; {@code update} uses only in-place ND4J ops
 * into them (no per-step array allocation). Transforms are immutable and thread-safe; their states
 * are not. The factories are pure.
 *
 * <p>References: DeepMind optax (the transform algebra); Ren et al., arXiv 2603.28743 (HyperP);
 * Jordan, <i>Muon</i> (2024); Kingma and Ba, <i>Adam</i>; Loshchilov and Hutter, <i>Decoupled Weight
 * Decay Regularization</i>; Pascanu et al., <i>On the difficulty of training recurrent neural
 * networks</i> (global norm clipping).
 */
public final class Transforms {

    private Transforms() {}

    /** The stage that leaves everything as it is (its state only counts updates). */
    public static Transform identity() {
        return Identity.INSTANCE;
    }

    /**
     * Applies the stages in order to the same updates: {@code chain(a, b)} runs {@code a.update}, then
     * {@code b.update} on what {@code a} left. Every stage's {@code checkUpdate} runs before any stage
     * modifies anything.
     *
     * @throws IllegalArgumentException for an empty chain
     */
    public static Transform chain(Transform... stages) {
        Objects.requireNonNull(stages, "stages");
        checkArgument(stages.length > 0, "chain needs at least one stage");
        for (int i = 0; i < stages.length; i++) {
            Objects.requireNonNull(stages[i], "stages[" + i + "]");
        }
        return new Chain(ImmutableList.copyOf(stages));
    }

    /**
     * {@code transform.update(...)} for updates that are an exact copy of gradients whose total sum
     * of squares the caller has already computed ({@link Optimizer#step} does, to check them): a
     * global-norm clip at the head of the transform (alone or first in a chain) uses that sum
     * instead of summing the updates again. Any other transform runs {@code Transform.update}.
     */
    static void updateWithKnownSumOfSquares(
            Transform transform,
            ParamSet updates,
            TransformState state,
            ParamSet params,
            double learningRate,
            double sumOfSquares) {
        if (transform instanceof Clip clip) {
            clip.update(updates, state, params, learningRate, sumOfSquares);
        } else if (transform instanceof Chain chain && chain.stages.get(0) instanceof Clip) {
            chain.update(updates, state, params, learningRate, sumOfSquares);
        } else {
            transform.update(updates, state, params, learningRate);
        }
    }

    /**
     * Routes each parameter to the stage of its label: at {@code init}, {@code labeler} gives every
     * parameter spec a label, and the stage of that label receives (and alone updates) that parameter.
     * A label with no parameters gets a state for an empty set. Stages are visited in label order.
     *
     * @param labeler maps a parameter spec to its label; must be deterministic
     * @param stages  the stage of each label (at least one)
     * @throws IllegalArgumentException at {@code init} if a parameter's label has no stage (the message
     *                                  names the parameter and its label)
     */
    public static Transform partition(Function<ParamSpec, String> labeler, Map<String, Transform> stages) {
        Objects.requireNonNull(labeler, "labeler");
        Objects.requireNonNull(stages, "stages");
        checkArgument(!stages.isEmpty(), "partition needs at least one stage");
        stages.forEach((k, v) -> {
            Objects.requireNonNull(k, "stage label");
            Objects.requireNonNull(v, "stages[" + k + "]");
        });
        return new Partition(labeler, ImmutableSortedMap.copyOf(stages));
    }

    /**
     * Global norm clipping: with \(n = \sqrt{\sum_i \|U_i\|_F^2}\) over all tensors,
     * \(U_i \leftarrow U_i \cdot \min(1, c/n)\). The sum of squares goes into preallocated scalars; if
     * it overflows (float32 entries above ~1e19), the norm is recomputed on the updates scaled by their
     * largest magnitude. NaN entries make the norm NaN and leave the updates as they are.
     *
     * @param maxNorm the threshold c, finite and > 0 (HyperP: 1.0)
     */
    public static Transform clipByGlobalNorm(double maxNorm) {
        checkArgument(maxNorm > 0 && Double.isFinite(maxNorm), "maxNorm (%s) must be finite and positive", maxNorm);
        return new Clip(maxNorm);
    }

    /**
     * The Muon direction of SPEC section 3, per matrix (each matrix of an expert stack separately):
     * \(M \leftarrow \mu M + G\); the Newton-Schulz input is \(\mu M + G\) with Nesterov, else \(M\);
     * \(U \leftarrow \mathrm{NS}(\text{input})\). The momentum is a persistent buffer
     * ({@code name/momentum}); the Nesterov input and the Newton-Schulz workspace are scratch.
     *
     * @throws IllegalArgumentException at {@code init} for a rank-1 parameter
     */
    public static Transform muon(MuonConfig config) {
        return new Muon(Objects.requireNonNull(config, "config"));
    }

    /**
     * The bias-corrected Adam direction: with \(t\) the state's count plus one,
     * \(m \leftarrow \beta_1 m + (1-\beta_1) g\), \(v \leftarrow \beta_2 v + (1-\beta_2) g^2\),
     * \(U = (m/(1-\beta_1^t)) / (\sqrt{v/(1-\beta_2^t)} + \epsilon)\). Moments are persistent buffers
     * ({@code name/m}, {@code name/v}).
     */
    public static Transform adam(AdamConfig config) {
        return new Adam(Objects.requireNonNull(config, "config"));
    }

    /**
     * Multiplies each matrix's direction by its {@link ShapeFactor} (the plain Muon baseline's
     * per-matrix learning-rate factor).
     *
     * @throws IllegalArgumentException at {@code init} for a rank-1 parameter
     */
    public static Transform scaleByShapeFactor(ShapeFactor factor) {
        return new ShapeScale(Objects.requireNonNull(factor, "factor"));
    }

    /**
     * Terminal: the sphere step of SPEC section 2 through {@link Sphere#stepInPlace}, with relative
     * learning rate \(\eta = \) {@code learningRate * lrMultiplier}, decoupled weight decay
     * \(\lambda\) and the radius \(R\) of each matrix (each expert of a stack) measured at
     * {@code init} and kept in the state ({@code name/radius}), never re-measured:
     * \(W' = (1-\eta\lambda)W - \eta R\, U/\max(\|U\|_F, \epsilon)\),
     * \(W \leftarrow R\, W'/\max(\|W'\|_F, \epsilon)\). The direction buffer is overwritten with the
     * scaled step. Requires \(\eta\lambda \lt 1\).
     *
     * @throws IllegalArgumentException at {@code init} for a rank-1 parameter or a matrix of zero or
     *                                  non-finite norm (it defines no sphere)
     */
    public static Transform sphereStep(double lrMultiplier, double weightDecay) {
        return sphereStep(lrMultiplier, weightDecay, NormReduction.local());
    }

    /** As {@link #sphereStep(double, double)}, with a norm reduction for matrices sharded over workers. */
    public static Transform sphereStep(double lrMultiplier, double weightDecay, NormReduction reduction) {
        checkMultiplier(lrMultiplier);
        checkDecay(weightDecay);
        return new SphereStep(lrMultiplier, weightDecay, Objects.requireNonNull(reduction, "reduction"));
    }

    /**
     * Terminal: \(W \leftarrow (1 - \eta\lambda) W - \eta U\) with \(\eta = \) {@code learningRate *
     * lrMultiplier} and decoupled weight decay \(\lambda\) (AdamW's update after the Adam direction;
     * the plain Muon baseline's after Muon). The direction buffer is left as it is.
     * Requires \(\eta\lambda \lt 1\).
     */
    public static Transform applyDecoupled(double lrMultiplier, double weightDecay) {
        checkMultiplier(lrMultiplier);
        checkDecay(weightDecay);
        return new ApplyDecoupled(lrMultiplier, weightDecay);
    }

    private static void checkMultiplier(double m) {
        checkArgument(m > 0 && Double.isFinite(m), "lrMultiplier (%s) must be finite and positive", m);
    }

    private static void checkDecay(double wd) {
        checkArgument(wd >= 0 && Double.isFinite(wd), "weightDecay (%s) must be finite and >= 0", wd);
    }

    private static void checkDecayProduct(String stage, double eta, double weightDecay) {
        if (!(eta * weightDecay < 1)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "%s: learning rate x weight decay (%s x %s) must be < 1", stage, eta, weightDecay));
        }
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    // ---------------------------------------------------------------------------------------------

    private enum Identity implements Transform {
        INSTANCE;

        @Override
        public TransformState init(ParamSet params) {
            return TransformState.of(this, params, Map.of(), List.of(), null);
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            checkUpdate(updates, state, params, learningRate);
            state.recordUpdate();
        }

        @Override
        public String fingerprint() {
            return "identity";
        }
    }

    private static final class Chain implements Transform {
        private final ImmutableList<Transform> stages;
        private final String fingerprint;

        Chain(ImmutableList<Transform> stages) {
            this.stages = stages;
            StringBuilder sb = new StringBuilder("chain(");
            for (int i = 0; i < stages.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(stages.get(i).fingerprint());
            }
            this.fingerprint = sb.append(')').toString();
        }

        @Override
        public TransformState init(ParamSet params) {
            List<TransformState> children = new ArrayList<>();
            for (Transform t : stages) {
                children.add(t.init(params));
            }
            return TransformState.of(this, params, Map.of(), children, null);
        }

        @Override
        public void checkUpdate(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            Transform.super.checkUpdate(updates, state, params, learningRate);
            for (int i = 0; i < stages.size(); i++) {
                stages.get(i).checkUpdate(updates, state.children().get(i), params, learningRate);
            }
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            checkUpdate(updates, state, params, learningRate);
            for (int i = 0; i < stages.size(); i++) {
                stages.get(i).update(updates, state.children().get(i), params, learningRate);
            }
            state.recordUpdate();
        }

        /** As {@link #update}, the first stage being a clip given the updates' sum of squares. */
        void update(ParamSet updates, TransformState state, ParamSet params, double learningRate, double sumOfSquares) {
            checkUpdate(updates, state, params, learningRate);
            ((Clip) stages.get(0)).update(updates, state.children().get(0), params, learningRate, sumOfSquares);
            for (int i = 1; i < stages.size(); i++) {
                stages.get(i).update(updates, state.children().get(i), params, learningRate);
            }
            state.recordUpdate();
        }

        @Override
        public String fingerprint() {
            return fingerprint;
        }
    }

    /** Partition scratch: which names go to which label, and the subsets of the last-seen sets. */
    private static final class PartitionScratch {
        final ImmutableMap<String, Set<String>> namesByLabel;
        ParamSet lastUpdates;
        ParamSet lastParams;
        final Map<String, ParamSet> updateSubsets = new LinkedHashMap<>();
        final Map<String, ParamSet> paramSubsets = new LinkedHashMap<>();

        PartitionScratch(Map<String, Set<String>> namesByLabel) {
            this.namesByLabel = ImmutableMap.copyOf(namesByLabel);
        }

        /** Builds the subsets when the sets differ (by identity) from the last call. */
        void split(ParamSet updates, ParamSet params) {
            if (updates == lastUpdates && params == lastParams) {
                return;
            }
            updateSubsets.clear();
            paramSubsets.clear();
            for (Map.Entry<String, Set<String>> e : namesByLabel.entrySet()) {
                updateSubsets.put(e.getKey(), updates.subset(e.getValue()));
                paramSubsets.put(e.getKey(), params.subset(e.getValue()));
            }
            lastUpdates = updates;
            lastParams = params;
        }
    }

    private static final class Partition implements Transform {
        private final Function<ParamSpec, String> labeler;
        private final ImmutableSortedMap<String, Transform> stages;
        private final String[] labels; // the stages' labels and transforms in order, iterated per step
        private final Transform[] children; // without an iterator
        private final String fingerprint;

        Partition(Function<ParamSpec, String> labeler, ImmutableSortedMap<String, Transform> stages) {
            this.labeler = labeler;
            this.stages = stages;
            this.labels = stages.keySet().toArray(new String[0]);
            this.children = stages.values().toArray(new Transform[0]);
            StringBuilder sb = new StringBuilder("partition{");
            boolean first = true;
            for (Map.Entry<String, Transform> s : stages.entrySet()) {
                sb.append(first ? "" : ", ")
                        .append(s.getKey())
                        .append(": ")
                        .append(s.getValue().fingerprint());
                first = false;
            }
            this.fingerprint = sb.append('}').toString();
        }

        @Override
        public TransformState init(ParamSet params) {
            Map<String, Set<String>> names = new LinkedHashMap<>();
            for (String label : stages.keySet()) {
                names.put(label, new LinkedHashSet<>());
            }
            for (ParamSet.Entry e : params.entries()) {
                String label = labeler.apply(e.spec());
                checkArgument(
                        label != null && stages.containsKey(label),
                        "%s: label '%s' has no stage in the partition (labels: %s)",
                        e.name(),
                        label,
                        stages.keySet());
                names.get(label).add(e.name());
            }
            List<TransformState> children = new ArrayList<>();
            for (Map.Entry<String, Transform> s : stages.entrySet()) {
                children.add(s.getValue().init(params.subset(names.get(s.getKey()))));
            }
            return TransformState.of(this, params, Map.of(), children, new PartitionScratch(names));
        }

        @Override
        public void checkUpdate(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            Transform.super.checkUpdate(updates, state, params, learningRate);
            PartitionScratch ps = state.scratch(PartitionScratch.class);
            ps.split(updates, params);
            for (int i = 0; i < labels.length; i++) {
                children[i].checkUpdate(
                        ps.updateSubsets.get(labels[i]),
                        state.children().get(i),
                        ps.paramSubsets.get(labels[i]),
                        learningRate);
            }
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            checkUpdate(updates, state, params, learningRate);
            PartitionScratch ps = state.scratch(PartitionScratch.class);
            for (int i = 0; i < labels.length; i++) {
                children[i].update(
                        ps.updateSubsets.get(labels[i]),
                        state.children().get(i),
                        ps.paramSubsets.get(labels[i]),
                        learningRate);
            }
            state.recordUpdate();
        }

        @Override
        public String fingerprint() {
            return fingerprint;
        }
    }

    /** Clip scratch: the level-1 operations and one preallocated scalar per tensor for its largest magnitude. */
    // A private holder of per-parameter buffers: never compared, hashed or handed out.
    @SuppressWarnings("ArrayRecordComponent")
    private record ClipScratch(DenseOps ops, INDArray[] maxima) {}

    private static final class Clip implements Transform {
        private final double maxNorm;
        private final String fingerprint;

        Clip(double maxNorm) {
            this.maxNorm = maxNorm;
            this.fingerprint = fmt("clipByGlobalNorm(%s)", maxNorm);
        }

        @Override
        public TransformState init(ParamSet params) {
            return Reductions.outsideWorkspaces(() -> initDetached(params));
        }

        private TransformState initDetached(ParamSet params) {
            return TransformState.of(
                    this,
                    params,
                    Map.of(),
                    List.of(),
                    new ClipScratch(DenseOps.create(2 * params.size() + 2), Reductions.scalars(params)));
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            checkUpdate(updates, state, params, learningRate);
            ClipScratch s = state.scratch(ClipScratch.class);
            double total = 0;
            for (int i = 0; i < updates.size(); i++) {
                total += s.ops().sumOfSquares(updates.get(i).array());
            }
            clip(updates, s, total);
            state.recordUpdate();
        }

        /** As {@link #update}, given the updates' total sum of squares. */
        void update(ParamSet updates, TransformState state, ParamSet params, double learningRate, double sumOfSquares) {
            checkUpdate(updates, state, params, learningRate);
            clip(updates, state.scratch(ClipScratch.class), sumOfSquares);
            state.recordUpdate();
        }

        private void clip(ParamSet updates, ClipScratch s, double total) {
            if (total == Double.POSITIVE_INFINITY) {
                clipOverflowing(updates, s);
            } else if (total > maxNorm * maxNorm) {
                // total is finite here (NaN fails the comparison and leaves the updates as they are).
                double f = maxNorm / Math.sqrt(total);
                for (int i = 0; i < updates.size(); i++) {
                    s.ops().scaleInPlace(updates.get(i).array(), f);
                }
            }
        }

        /** The sum of squares overflowed: divide by the largest magnitude first, then clip. */
        private void clipOverflowing(ParamSet updates, ClipScratch s) {
            double amax = 0;
            for (int i = 0; i < updates.size(); i++) {
                Nd4j.getExecutioner().exec(new AMax(updates.get(i).array(), s.maxima()[i]));
                amax = Math.max(amax, s.maxima()[i].getDouble(0));
            }
            if (!(amax > 0 && Double.isFinite(amax))) {
                return; // infinite entries: nothing meaningful to clip to
            }
            double total = 0;
            for (int i = 0; i < updates.size(); i++) {
                INDArray u = updates.get(i).array();
                u.divi(amax);
                total += s.ops().sumOfSquares(u);
            }
            // norm = amax * sqrt(total) > maxNorm whenever the unscaled sum overflowed.
            double f = Math.min(amax, maxNorm / Math.sqrt(total));
            for (int i = 0; i < updates.size(); i++) {
                updates.get(i).array().muli(f);
            }
        }

        @Override
        public String fingerprint() {
            return fingerprint;
        }
    }

    /** Muon scratch: per parameter the momentum and the Newton-Schulz workspace; the level-1 operations. */
    // A private holder of per-parameter buffers: never compared, hashed or handed out.
    @SuppressWarnings("ArrayRecordComponent")
    private record MuonScratch(INDArray[] momentum, NewtonSchulz[] ns, DenseOps ops) {}

    private static final class Muon implements Transform {
        private final MuonConfig config;
        private final String fingerprint;

        Muon(MuonConfig config) {
            this.config = config;
            this.fingerprint =
                    fmt("muon(momentum %s, nesterov %s, %s)", config.momentum(), config.nesterov(), config.schedule());
        }

        @Override
        public TransformState init(ParamSet params) {
            return Reductions.outsideWorkspaces(() -> initDetached(params));
        }

        private TransformState initDetached(ParamSet params) {
            Map<String, INDArray> buffers = new LinkedHashMap<>();
            INDArray[] mom = new INDArray[params.size()];
            NewtonSchulz[] ns = new NewtonSchulz[params.size()];
            for (int i = 0; i < params.size(); i++) {
                ParamSet.Entry e = params.get(i);
                checkArgument(
                        e.spec().rank() >= 2,
                        "%s: the Muon direction needs a matrix or a stack of matrices, found rank %s",
                        e.name(),
                        e.spec().rank());
                INDArray a = e.array();
                mom[i] = Nd4j.zeros(a.dataType(), a.shape());
                buffers.put(e.name() + "/momentum", mom[i]);
                ns[i] = NewtonSchulz.create(e.spec(), a.dataType(), config.schedule());
            }
            return TransformState.of(
                    this, params, buffers, List.of(), new MuonScratch(mom, ns, DenseOps.create(2 * params.size() + 2)));
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            checkUpdate(updates, state, params, learningRate);
            MuonScratch s = state.scratch(MuonScratch.class);
            double mu = config.momentum();
            for (int i = 0; i < updates.size(); i++) {
                INDArray g = updates.get(i).array();
                INDArray m = s.momentum()[i];
                // M <- mu M + G
                s.ops().scaleAndAddInPlace(m, mu, g);
                if (config.nesterov()) {
                    // Nesterov: the direction of G + mu M, orthogonalized in place
                    s.ops().axpyInPlace(mu, m, g);
                    s.ns()[i].orthogonalizeInto(g, g);
                } else {
                    s.ns()[i].orthogonalizeInto(m, g);
                }
            }
            state.recordUpdate();
        }

        @Override
        public String fingerprint() {
            return fingerprint;
        }
    }

    /**
     * Adam scratch: per parameter the moments and a parameter-sized temporary, made on first use by the
     * portable path only (the host loop needs none); the level-1 operations.
     */
    // A private holder of per-parameter buffers: never compared, hashed or handed out.
    @SuppressWarnings("ArrayRecordComponent")
    private record AdamScratch(INDArray[] m, INDArray[] v, INDArray[] tmp, DenseOps ops) {}

    private static final class Adam implements Transform {
        private final AdamConfig config;
        private final String fingerprint;

        Adam(AdamConfig config) {
            this.config = config;
            this.fingerprint =
                    fmt("adam(beta1 %s, beta2 %s, eps %s)", config.beta1(), config.beta2(), config.epsilon());
        }

        @Override
        public TransformState init(ParamSet params) {
            return Reductions.outsideWorkspaces(() -> initDetached(params));
        }

        private TransformState initDetached(ParamSet params) {
            Map<String, INDArray> buffers = new LinkedHashMap<>();
            INDArray[] m = new INDArray[params.size()];
            INDArray[] v = new INDArray[params.size()];
            INDArray[] tmp = new INDArray[params.size()];
            for (int i = 0; i < params.size(); i++) {
                ParamSet.Entry e = params.get(i);
                INDArray a = e.array();
                m[i] = Nd4j.zeros(a.dataType(), a.shape());
                v[i] = Nd4j.zeros(a.dataType(), a.shape());
                buffers.put(e.name() + "/m", m[i]);
                buffers.put(e.name() + "/v", v[i]);
            }
            return TransformState.of(
                    this,
                    params,
                    buffers,
                    List.of(),
                    new AdamScratch(m, v, tmp, DenseOps.create(3 * params.size() + 2)));
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            checkUpdate(updates, state, params, learningRate);
            AdamScratch s = state.scratch(AdamScratch.class);
            double b1 = config.beta1();
            double b2 = config.beta2();
            long t = state.count() + 1;
            double c1 = 1 - Math.pow(b1, (double) t);
            double c2 = 1 - Math.pow(b2, (double) t);
            for (int i = 0; i < updates.size(); i++) {
                INDArray g = updates.get(i).array();
                INDArray m = s.m()[i];
                INDArray v = s.v()[i];
                if (HostAdam.step(s.ops(), g, m, v, b1, b2, c1 / Math.sqrt(c2), c1 * config.epsilon())) {
                    continue;
                }
                if (s.tmp()[i] == null) {
                    s.tmp()[i] = Reductions.outsideWorkspaces(() -> Nd4j.create(g.dataType(), g.shape()));
                }
                INDArray tmp = s.tmp()[i];
                // m <- b1 m + (1 - b1) g
                m.muli(b1);
                Nd4j.getExecutioner().exec(new Axpy(g, m, m, 1 - b1));
                // v <- b2 v + (1 - b2) g^2
                g.muli(g, tmp);
                v.muli(b2);
                Nd4j.getExecutioner().exec(new Axpy(tmp, v, v, 1 - b2));
                // U = (m / c1) / (sqrt(v / c2) + eps) = m / ((c1 / sqrt(c2)) sqrt(v) + c1 eps)
                Nd4j.getExecutioner().exec(new Sqrt(v, g));
                g.muli(c1 / Math.sqrt(c2)).addi(c1 * config.epsilon());
                m.divi(g, g);
            }
            state.recordUpdate();
        }

        @Override
        public String fingerprint() {
            return fingerprint;
        }
    }

    /** Shape-factor scratch: the factor per parameter and the level-1 operations. */
    // A private holder of per-parameter buffers: never compared, hashed or handed out.
    @SuppressWarnings("ArrayRecordComponent")
    private record ShapeScratch(double[] factors, DenseOps ops) {}

    private static final class ShapeScale implements Transform {
        private final ShapeFactor factor;
        private final String fingerprint;

        ShapeScale(ShapeFactor factor) {
            this.factor = factor;
            this.fingerprint = "scaleByShapeFactor(" + factor + ")";
        }

        @Override
        public TransformState init(ParamSet params) {
            double[] f = new double[params.size()];
            for (int i = 0; i < params.size(); i++) {
                ParamSet.Entry e = params.get(i);
                checkArgument(
                        e.spec().rank() >= 2,
                        "%s: a shape factor needs a matrix, found rank %s",
                        e.name(),
                        e.spec().rank());
                f[i] = factor.factor(e.spec());
            }
            return TransformState.of(
                    this, params, Map.of(), List.of(), new ShapeScratch(f, DenseOps.create(params.size() + 2)));
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            checkUpdate(updates, state, params, learningRate);
            ShapeScratch s = state.scratch(ShapeScratch.class);
            for (int i = 0; i < updates.size(); i++) {
                s.ops().scaleInPlace(updates.get(i).array(), s.factors()[i]);
            }
            state.recordUpdate();
        }

        @Override
        public String fingerprint() {
            return fingerprint;
        }
    }

    /** Sphere-step scratch: the geometry per parameter and the stored radii. */
    // A private holder of per-parameter buffers: never compared, hashed or handed out.
    @SuppressWarnings("ArrayRecordComponent")
    private record SphereScratch(Sphere[] spheres, INDArray[] radii) {}

    private static final class SphereStep implements Transform {
        private final double lrMultiplier;
        private final double weightDecay;
        private final NormReduction reduction;
        private final String fingerprint;

        SphereStep(double lrMultiplier, double weightDecay, NormReduction reduction) {
            this.lrMultiplier = lrMultiplier;
            this.weightDecay = weightDecay;
            this.reduction = reduction;
            this.fingerprint = fmt("sphereStep(lr x %s, weightDecay %s)", lrMultiplier, weightDecay);
        }

        @Override
        public TransformState init(ParamSet params) {
            return Reductions.outsideWorkspaces(() -> initDetached(params));
        }

        private TransformState initDetached(ParamSet params) {
            Map<String, INDArray> buffers = new LinkedHashMap<>();
            Sphere[] spheres = new Sphere[params.size()];
            INDArray[] radii = new INDArray[params.size()];
            for (int i = 0; i < params.size(); i++) {
                ParamSet.Entry e = params.get(i);
                spheres[i] = Sphere.create(e.spec(), e.array().dataType(), reduction);
                radii[i] = spheres[i].measureRadius(e.array());
                buffers.put(e.name() + "/radius", radii[i]);
            }
            return TransformState.of(this, params, buffers, List.of(), new SphereScratch(spheres, radii));
        }

        @Override
        public void checkUpdate(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            Transform.super.checkUpdate(updates, state, params, learningRate);
            checkDecayProduct(fingerprint, learningRate * lrMultiplier, weightDecay);
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            checkUpdate(updates, state, params, learningRate);
            SphereScratch s = state.scratch(SphereScratch.class);
            double eta = learningRate * lrMultiplier;
            for (int i = 0; i < updates.size(); i++) {
                s.spheres()[i].stepInPlace(
                        params.get(i).array(), updates.get(i).array(), eta, weightDecay, s.radii()[i]);
            }
            state.recordUpdate();
        }

        @Override
        public String fingerprint() {
            return fingerprint;
        }
    }

    private static final class ApplyDecoupled implements Transform {
        private final double lrMultiplier;
        private final double weightDecay;
        private final String fingerprint;

        ApplyDecoupled(double lrMultiplier, double weightDecay) {
            this.lrMultiplier = lrMultiplier;
            this.weightDecay = weightDecay;
            this.fingerprint = fmt("applyDecoupled(lr x %s, weightDecay %s)", lrMultiplier, weightDecay);
        }

        @Override
        public TransformState init(ParamSet params) {
            return TransformState.of(this, params, Map.of(), List.of(), DenseOps.create(2 * params.size() + 2));
        }

        @Override
        public void checkUpdate(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            Transform.super.checkUpdate(updates, state, params, learningRate);
            checkDecayProduct(fingerprint, learningRate * lrMultiplier, weightDecay);
        }

        @Override
        public void update(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
            checkUpdate(updates, state, params, learningRate);
            DenseOps ops = state.scratch(DenseOps.class);
            double lr = learningRate * lrMultiplier;
            for (int i = 0; i < updates.size(); i++) {
                INDArray w = params.get(i).array();
                if (weightDecay > 0) {
                    ops.scaleInPlace(w, 1 - lr * weightDecay);
                }
                // W <- W - lr U
                ops.axpyInPlace(-lr, updates.get(i).array(), w);
            }
            state.recordUpdate();
        }

        @Override
        public String fingerprint() {
            return fingerprint;
        }
    }
}
