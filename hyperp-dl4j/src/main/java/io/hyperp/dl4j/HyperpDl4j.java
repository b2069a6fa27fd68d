package io.hyperp.dl4j;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import io.hyperp.core.init.Initializer;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParamTreatment;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.dl4j.internal.NetworkAccess;
import io.hyperp.dl4j.internal.NetworkBinding;
import io.hyperp.optim.OptimizerOptions;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Trains an existing Deeplearning4j {@link MultiLayerNetwork} or {@link ComputationGraph} with
 * HyperP, without rewriting the model: Muon on the sphere for hidden weight matrices, Adam on the
 * sphere for the output layer, AdamW for embeddings, biases and normalization gains (under
 * {@code Parameterizations.hyperP}; any other parameterization rule gives its own optimizers).
 *
 * <pre>{@code
 * HyperpDl4j hyperp = HyperpDl4j.builder(Parameterizations.hyperP(2), LrSchedule.linearDecay(0.02, 0, 1000, 0.1))
 *         .build();
 * System.out.print(hyperp.roles(net).table());   // what each parameter gets, and why
 * hyperp.attach(net);                              // then train as usual: net.fit(...)
 * ModelSerializer.writeModel(net, file, true);     // saves the HyperP state with the updater
 * MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(file, true);
 * HyperpDl4j.bind(back);                           // after every load or clone
 * }</pre>
 *
 * <p><b>Roles</b> are inferred from the layer type: {@link DenseLayer} weights are
 * {@link ParamRole#HIDDEN}; {@link OutputLayer} and {@link RnnOutputLayer} weights are the
 * {@link ParamRole#OUTPUT_HEAD}; {@link EmbeddingLayer} and {@link EmbeddingSequenceLayer} weights
 * are an {@link ParamRole#EMBEDDING}; every bias and the {@link BatchNormalization} gain and shift
 * are {@link ParamRole#GAIN} (AdamW). Batch-norm running statistics stay with DL4J. Any other layer
 * with parameters is refused with an {@link IllegalArgumentException} naming the layer and its
 * parameters. {@link Builder#role} overrides the role of one parameter (by its network key, for
 * example {@code "2_W"} or {@code "dense_W"}).
 *
 * <p><b>Mechanism.</b> {@link #attach} installs a {@link HyperpUpdater} as the updater of every
 * parameter slot and rebuilds the network's updater. DL4J then calls the updater blocks in order
 * during {@code fit}; the first one runs the whole HyperP step (global gradient clipping, the
 * directions, the sphere retraction) on the network's live parameter and gradient views, writing
 * the parameters in place, and every block hands DL4J a zero update. The optimizer state (moments,
 * sphere radii, step count) lives in the network's updater state view, so ModelSerializer,
 * {@code clone()} and {@code save}/{@code load} carry it; after any of them, call {@link #bind} on
 * the new network (an unbound network fails on its first update, it never trains silently with
 * something else). Listeners, early stopping and DL4J's per-layer gradient normalization work as
 * usual; the learning rate follows the schedule given here, indexed by HyperP's step count.
 *
 * <p><b>Not supported</b> (refused with a message): DL4J regularization (l1, l2, weight decay) or
 * constraints on a HyperP parameter, optimization algorithms other than stochastic gradient
 * descent, data types other than float32 and float64, external gradients (parallel and shared
 * training), and model-level multipliers of the rule (residual-branch and output-logit
 * multipliers are the model's business; the role table names them).
 *
 * <p>Instances are immutable and thread-safe; attaching mutates the network.
 *
 * <p>References: Ren et al., <i>Rethinking Language Model Scaling under Transferable Hypersphere
 * Optimization</i> (arXiv 2603.28743), section 3.
 */
public final class HyperpDl4j {

    private static final String SUPPORTED = "DenseLayer, OutputLayer, RnnOutputLayer, EmbeddingLayer, "
            + "EmbeddingSequenceLayer, BatchNormalization and layers without parameters";

    private final ParameterizationRule rule;
    private final LrSchedule schedule;
    private final OptimizerOptions options;
    private final Map<String, ParamRole> overrides;
    private final OptionalLong initSeed;

    private HyperpDl4j(Builder b) {
        this.rule = b.rule;
        this.schedule = b.schedule;
        this.options = b.options;
        this.overrides = Map.copyOf(b.overrides);
        this.initSeed = b.initSeed;
    }

    /**
     * A builder for the given rule and learning-rate schedule, with {@link OptimizerOptions#defaults()}.
     *
     * @param rule     the parameterization rule, such as {@code Parameterizations.hyperP(depth)}
     * @param schedule the learning-rate schedule, indexed by HyperP's step count
     */
    public static Builder builder(ParameterizationRule rule, LrSchedule schedule) {
        return new Builder(Objects.requireNonNull(rule, "rule"), Objects.requireNonNull(schedule, "schedule"));
    }

    /** Collects the configuration of a {@link HyperpDl4j}. Not thread-safe. */
    public static final class Builder {
        private final ParameterizationRule rule;
        private final LrSchedule schedule;
        private OptimizerOptions options = OptimizerOptions.defaults();
        private final Map<String, ParamRole> overrides = new LinkedHashMap<>();
        private OptionalLong initSeed = OptionalLong.empty();

        private Builder(ParameterizationRule rule, LrSchedule schedule) {
            this.rule = rule;
            this.schedule = schedule;
        }

        /** The optimizer options (Muon, Adam, clipping, non-finite policy); the reduction must be local. */
        public Builder options(OptimizerOptions v) {
            Objects.requireNonNull(v, "options");
            checkArgument(
                    v.reduction() == io.hyperp.core.sphere.NormReduction.local(),
                    "options.reduction (%s) must be NormReduction.local(): a DL4J network holds whole matrices",
                    v.reduction());
            this.options = v;
            return this;
        }

        /**
         * Gives one parameter a role instead of the inferred one.
         *
         * @param param the network's key of the parameter, such as {@code "2_W"} or {@code "dense_W"}
         */
        public Builder role(String param, ParamRole role) {
            Objects.requireNonNull(param, "param");
            Objects.requireNonNull(role, "role");
            overrides.put(param, role);
            return this;
        }

        /**
         * Re-initializes the weight matrices (rank-2 parameters: hidden, head, embedding) as the rule
         * prescribes when attaching, so their sphere radii are the rule's; biases and gains keep
         * their DL4J values. Without this, the network's current weights are kept.
         */
        public Builder initializeParameters(long seed) {
            this.initSeed = OptionalLong.of(seed);
            return this;
        }

        /** The adapter. */
        public HyperpDl4j build() {
            return new HyperpDl4j(this);
        }
    }

    /**
     * The roles this adapter would give the parameters of {@code net}, without changing it.
     *
     * @throws IllegalArgumentException for an unsupported layer or an invalid override, naming it
     * @throws IllegalStateException    if the network is not initialized or not trainable by HyperP
     */
    public RoleTable roles(MultiLayerNetwork net) {
        return plan(NetworkAccess.of(net)).table();
    }

    /** As {@link #roles(MultiLayerNetwork)}, for a ComputationGraph. */
    public RoleTable roles(ComputationGraph net) {
        return plan(NetworkAccess.of(net)).table();
    }

    /**
     * Configures every parameter of {@code net} for HyperP, rebuilds its updater (discarding the
     * previous optimizer state), measures the sphere radii from the current (or re-initialized)
     * weights and binds the optimizer. Everything is checked before the network is changed.
     *
     * @throws IllegalArgumentException for an unsupported layer, an invalid override, or DL4J
     *                                  regularization or constraints on a parameter, naming it
     * @throws IllegalStateException    if the network is not initialized or not trainable by HyperP
     */
    public HyperpBinding attach(MultiLayerNetwork net) {
        return attach(NetworkAccess.of(net));
    }

    /** As {@link #attach(MultiLayerNetwork)}, for a ComputationGraph. */
    public HyperpBinding attach(ComputationGraph net) {
        return attach(NetworkAccess.of(net));
    }

    /**
     * Binds the HyperP optimizer to a network whose configuration already holds HyperP updaters:
     * after {@code ModelSerializer.restoreMultiLayerNetwork}, {@code MultiLayerNetwork.load},
     * {@code clone()}, or a network built from a saved JSON configuration. Optimizer state found in
     * the updater view (moments, radii, step) is used as it is; a fresh view is filled from the
     * current weights. The whole stored state is checked before anything is written or bound.
     *
     * @throws IllegalStateException    if no parameter uses HyperP, if some use another updater, or if
     *                                  the state view has another length than the configuration needs
     * @throws IllegalArgumentException if the stored state is corrupted or inadmissible (a bad header,
     *                                  parameters that disagree on the step, a non-finite or negative
     *                                  second moment, a value whose square would overflow); the network
     *                                  and its updater state are left untouched
     */
    public static HyperpBinding bind(MultiLayerNetwork net) {
        return bind(NetworkAccess.of(net));
    }

    /** As {@link #bind(MultiLayerNetwork)}, for a ComputationGraph. */
    public static HyperpBinding bind(ComputationGraph net) {
        return bind(NetworkAccess.of(net));
    }

    private static HyperpBinding bind(NetworkAccess access) {
        access.checkUsable();
        return HyperpBinding.of(NetworkBinding.bind(access.updater().getUpdaterBlocks(), access.prefixOf()));
    }

    private HyperpBinding attach(NetworkAccess access) {
        Plan plan = plan(access);
        DataType dt = access.dataType();
        // Everything is checked; now change the network.
        if (initSeed.isPresent()) {
            for (Planned p : plan.planned()) {
                if (p.spec().rank() == 2) {
                    INDArray init =
                            Initializer.initialize(p.spec(), p.treatment().init(), dt, initSeed.getAsLong());
                    p.array().assign(init);
                }
            }
        }
        for (Slot s : plan.slots()) {
            if (s.bias()) {
                s.conf().setBiasUpdater(s.updater());
            } else {
                s.conf().setIUpdater(s.updater());
            }
        }
        access.resetUpdater();
        return bind(access);
    }

    /** One parameter HyperP will train. */
    private record Planned(String key, ParamSpec spec, ParamTreatment treatment, INDArray array) {}

    /** One updater slot of a layer configuration and the updater it gets. */
    private record Slot(BaseLayer conf, boolean bias, HyperpUpdater updater, String firstKey) {}

    private record Plan(RoleTable table, List<Planned> planned, List<Slot> slots) {}

    private Plan plan(NetworkAccess access) {
        access.checkUsable();
        List<RoleTable.Row> rows = new ArrayList<>();
        List<Planned> planned = new ArrayList<>();
        List<Slot> slots = new ArrayList<>();
        Set<String> trainable = new java.util.LinkedHashSet<>();
        List<String> allKeys = new ArrayList<>();
        for (NetworkAccess.LayerInfo layer : access.layers()) {
            for (String p : layer.params().keySet()) {
                allKeys.add(layer.prefix() + "_" + p);
            }
        }
        for (String key : overrides.keySet()) {
            checkArgument(
                    allKeys.contains(key),
                    "role override '%s' names no parameter of this network (parameters: %s)",
                    key,
                    allKeys);
        }
        for (NetworkAccess.LayerInfo layer : access.layers()) {
            if (layer.params().isEmpty()) {
                continue;
            }
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf();
            String type = conf.getClass().getSimpleName();
            String layerName = conf.getLayerName() == null ? layer.prefix() : conf.getLayerName();
            Map<String, Inferred> inferred = infer(layer, type);
            Map<Boolean, Slot> layerSlots = new LinkedHashMap<>();
            for (Map.Entry<String, INDArray> e : layer.params().entrySet()) {
                String name = e.getKey();
                String key = layer.prefix() + "_" + name;
                INDArray arr = e.getValue();
                List<Long> shape = Arrays.stream(arr.shape()).boxed().toList();
                Inferred inf = inferred.get(name);
                if (inf.role() == null) {
                    checkArgument(
                            !overrides.containsKey(key),
                            "%s (layer '%s', %s) is kept by DL4J (%s) and cannot get a HyperP role",
                            key,
                            layerName,
                            type,
                            inf.reason());
                    rows.add(new RoleTable.Row(key, layerName, type, shape, null, null, inf.reason()));
                    continue;
                }
                ParamRole role = overrides.getOrDefault(key, inf.role());
                String reason = overrides.containsKey(key) ? "given" : inf.reason();
                ParamSpec spec;
                ParamTreatment treatment;
                try {
                    spec = NetworkBinding.specFor(key, arr.shape(), role);
                    treatment = rule.treatment(spec);
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(
                            String.format(
                                    Locale.ROOT,
                                    "%s (layer '%s', %s, shape %s): %s",
                                    key,
                                    layerName,
                                    type,
                                    shape,
                                    ex.getMessage()),
                            ex);
                }
                List<Regularization> regs = conf.getRegularizationByParam(name);
                checkArgument(
                        regs == null || regs.isEmpty(),
                        "%s (layer '%s', %s) has DL4J regularization %s, which would act after HyperP's step; remove it "
                                + "(weight decay comes from the parameterization rule)",
                        key,
                        layerName,
                        type,
                        regs);
                checkArgument(
                        conf.getConstraints() == null || conf.getConstraints().isEmpty(),
                        "%s (layer '%s', %s) has DL4J constraints %s, which would move it after HyperP's step; remove them",
                        key,
                        layerName,
                        type,
                        conf.getConstraints());
                rows.add(new RoleTable.Row(key, layerName, type, shape, role, treatment, reason));
                planned.add(new Planned(key, spec, treatment, arr));
                trainable.add(key);
                HyperpUpdater u = HyperpUpdater.of(role, treatment, schedule, options);
                boolean bias = inf.biasSlot();
                Slot prev = layerSlots.get(bias);
                if (prev == null) {
                    layerSlots.put(bias, new Slot((BaseLayer) conf, bias, u, key));
                } else {
                    checkArgument(
                            prev.updater().equals(u),
                            "%s and %s share one DL4J updater slot of layer '%s' (%s) and need the same role and treatment; found %s and %s",
                            prev.firstKey(),
                            key,
                            layerName,
                            type,
                            prev.updater(),
                            u);
                }
            }
            slots.addAll(layerSlots.values());
        }
        checkArgument(!trainable.isEmpty(), "the network has no parameter HyperP can train");
        String ruleName = String.format(
                Locale.ROOT,
                "%s (residual-branch multiplier %s and output-logit multiplier %s "
                        + "are the model's, not applied here)",
                rule.name(),
                rule.residualBranchMultiplier(),
                rule.outputLogitMultiplier());
        return new Plan(new RoleTable(ruleName, ImmutableList.copyOf(rows)), planned, slots);
    }

    /** The inferred role of one DL4J parameter; a null role means DL4J keeps it. */
    private record Inferred(ParamRole role, String reason, boolean biasSlot) {}

    private static Map<String, Inferred> infer(NetworkAccess.LayerInfo layer, String type) {
        org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf();
        Map<String, Inferred> out = new LinkedHashMap<>();
        Class<?> c = conf.getClass();
        List<String> refused = new ArrayList<>();
        for (String name : layer.params().keySet()) {
            if (c == BatchNormalization.class) {
                switch (name) {
                    case "gamma" -> out.put(name, new Inferred(ParamRole.GAIN, "batch-norm gain", false));
                    case "beta" -> out.put(name, new Inferred(ParamRole.GAIN, "batch-norm shift", false));
                    case "mean", "var", "log10stdev" ->
                        out.put(name, new Inferred(null, "batch-norm running statistic", false));
                    default -> refused.add(name);
                }
                continue;
            }
            boolean known = c == DenseLayer.class
                    || c == OutputLayer.class
                    || c == RnnOutputLayer.class
                    || c == EmbeddingLayer.class
                    || c == EmbeddingSequenceLayer.class;
            if (!known) {
                refused.add(name);
                continue;
            }
            BaseLayer base = (BaseLayer) conf;
            if (base.initializer().isBiasParam(base, name)) {
                out.put(name, new Inferred(ParamRole.GAIN, "bias", true));
            } else if (base.initializer().isWeightParam(base, name)) {
                if (c == DenseLayer.class) {
                    out.put(name, new Inferred(ParamRole.HIDDEN, "dense weights", false));
                } else if (c == OutputLayer.class || c == RnnOutputLayer.class) {
                    out.put(name, new Inferred(ParamRole.OUTPUT_HEAD, "output-layer weights", false));
                } else {
                    out.put(name, new Inferred(ParamRole.EMBEDDING, "embedding table", false));
                }
            } else {
                refused.add(name);
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "layer '%s' (%s): parameters %s cannot be trained by HyperP yet; supported: %s",
                    conf.getLayerName() == null ? layer.prefix() : conf.getLayerName(),
                    type,
                    refused.stream().map(n -> layer.prefix() + "_" + n).toList(),
                    SUPPORTED));
        }
        return out;
    }
}
