package io.hyperp.demo.train;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.InitScheme;
import io.hyperp.core.rule.ParamTreatment;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.demo.gpt.TinyGptConfig;
import io.hyperp.moe.RouterConfig;
import io.hyperp.moe.layer.MoeLayerConfig;
import io.hyperp.scaling.transfer.Axis;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The runs of one demo study: for each method and each scale along one axis, a learning-rate sweep
 * of the same model family at an equal token budget.
 *
 * <p>Output head: the paper initializes it from N(0, 0.02^2), and under HyperP that fixes the
 * head's radius for the whole run at 0.02 sqrt(V d). The logits it can produce then scale like
 * 0.02 d times the final norm's gain: ample at the paper's widths (d >= 1024) but a cap at the demo's
 * (d = 32 to 128), where the gain must grow first, at a speed set by the learning rate, so the best
 * learning rate depends on width for a reason the paper's models do not have. Measured at width 32,
 * learning rate 0.02, 240 steps: validation loss 3.50 with std 0.02 and 2.81 with std 0.08. The demo
 * therefore initializes the head of both methods from N(0, {@code headStd}^2), default
 * {@link #DEFAULT_HEAD_STD}; {@code headStd = 0.02} gives the paper's exact setting.
 *
 * <p>Built by {@link #width}, {@link #depth} or {@link #tiny}; immutable.
 *
 * @param axis    the axis along which the scales differ
 * @param scales  the scales (widths or depths), increasing
 * @param methods the methods compared, each with its learning-rate grid
 * @param base    the model every run starts from (batch, context, head dimension, seed)
 * @param run     steps, evaluation and data settings shared by every run
 * @param headStd standard deviation of the output head's initialization (> 0)
 * @param seeds   how many times each run is repeated, with model and data seeds {@code base.seed() + i},
 *                {@code i = 0 .. seeds-1} (the held-out batches stay those of the base seed), at least 1
 */
public record DemoPlan(
        Axis axis,
        List<Integer> scales,
        List<Method> methods,
        TinyGptConfig base,
        TrainRunConfig run,
        double headStd,
        int seeds) {

    /** The demo's output-head initialization std (the paper's is 0.02; see the class comment). */
    public static final double DEFAULT_HEAD_STD = 0.08;

    /** The plain Muon baseline's decoupled weight decay. */
    public static final double BASELINE_WEIGHT_DECAY = 0.1;

    /**
     * A method of the study: a name, a grid of peak learning rates and how its rule is built.
     *
     * @param name          short label used in files and tables ({@code hyperp}, {@code muon})
     * @param title         the name shown in plots and reports
     * @param learningRates the swept peak learning rates, increasing
     * @param baseline      true for the plain Muon baseline, false for HyperP
     * @param gate          the feed-forward: dense, or a mixture of experts with SqrtGate or plain gates
     */
    public record Method(String name, String title, List<Double> learningRates, boolean baseline, Gate gate) {

        /** Copies the grid. */
        public Method {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(gate, "gate");
            learningRates = List.copyOf(learningRates);
        }

        /** A method with a dense feed-forward. */
        public Method(String name, String title, List<Double> learningRates, boolean baseline) {
            this(name, title, learningRates, baseline, Gate.DENSE);
        }

        /**
         * The method's rule for a model of depth {@code depth}, with the output head initialized from
         * N(0, headStd^2); the baseline's logits refer to {@code baseDepth}.
         */
        public ParameterizationRule rule(int baseDepth, int depth, double headStd) {
            ParameterizationRule r = baseline
                    ? Parameterizations.muonBaseline(baseDepth, depth, BASELINE_WEIGHT_DECAY)
                    : Parameterizations.hyperP(depth);
            return new ParameterizationRule() {
                @Override
                public String name() {
                    return r.name();
                }

                @Override
                public ParamTreatment treatment(ParamSpec spec) {
                    ParamTreatment t = r.treatment(spec);
                    return spec.role() == ParamRole.OUTPUT_HEAD
                            ? new ParamTreatment(
                                    InitScheme.normal(headStd), t.family(), t.lrMultiplier(), t.weightDecay())
                            : t;
                }

                @Override
                public double residualBranchMultiplier() {
                    return r.residualBranchMultiplier();
                }

                @Override
                public double outputLogitMultiplier() {
                    return r.outputLogitMultiplier();
                }
            };
        }
    }

    /** The feed-forward of a method's models. */
    public enum Gate {
        /** The dense SwiGLU. */
        DENSE,
        /** A mixture of experts whose routed outputs are weighted by the square root of their gates. */
        SQRT_GATE,
        /** A mixture of experts with plain softmax gates. */
        PLAIN_GATE
    }

    /**
     * One run of the plan.
     *
     * @param moe          the mixture-of-experts layer of every block, or null for the dense model
     * @param learningRate the swept (base) learning rate; the run's peak learning rate is
     *                     {@link #peakLearningRate()}
     * @param depthFactor  the rule's depth factor on the learning rate, \(\sqrt{L_0 / L}\) in a depth
     *                     study (both methods scale the learning rate so with depth, SPEC section 4), else 1
     */
    public record Cell(
            Method method,
            int scale,
            TinyGptConfig model,
            MoeLayerConfig moe,
            ParameterizationRule rule,
            double learningRate,
            double depthFactor) {

        /** The run's peak learning rate: the swept one times the depth factor. */
        public double peakLearningRate() {
            return learningRate * depthFactor;
        }

        /** Trainable scalars: the dense count, with each block's SwiGLU replaced by router and experts. */
        public long parameterCount() {
            if (moe == null) {
                return model.parameterCount();
            }
            long d = model.width();
            long perBlock =
                    (long) moe.router().experts() * d + 3L * moe.router().experts() * moe.expertWidth() * d;
            return model.parameterCount() + model.depth() * (perBlock - 3L * d * model.ffn());
        }
    }

    /** Copies the lists. */
    public DemoPlan {
        Objects.requireNonNull(axis, "axis");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(run, "run");
        scales = List.copyOf(scales);
        methods = List.copyOf(methods);
        if (!(headStd > 0 && Double.isFinite(headStd))) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "headStd (%s) must be positive and finite", headStd));
        }
        if (seeds < 1) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "seeds (%d) must be at least 1; use 1 for a single run per cell", seeds));
        }
    }

    /** A plan with one seed. */
    public DemoPlan(
            Axis axis,
            List<Integer> scales,
            List<Method> methods,
            TinyGptConfig base,
            TrainRunConfig run,
            double headStd) {
        this(axis, scales, methods, base, run, headStd, 1);
    }

    /** This plan with another output-head initialization std. */
    public DemoPlan withHeadStd(double v) {
        return new DemoPlan(axis, scales, methods, base, run, v, seeds);
    }

    /** This plan with every run repeated for {@code n} seeds (see {@link #seeds()}). */
    public DemoPlan withSeeds(int n) {
        return new DemoPlan(axis, scales, methods, base, run, headStd, n);
    }

    /** The seeds of the plan's runs: {@code base.seed() + i}, {@code i = 0 .. seeds-1}. */
    public List<Long> seedList() {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            out.add(base.seed() + i);
        }
        return out;
    }

    /** The settings of one cell's run: the plan's, with the cell's data seed. */
    public TrainRunConfig run(Cell cell) {
        return run.withDataSeed(cell.model().seed());
    }

    /** Learning rates {@code first * 2^i}, {@code i = 0 .. n-1}. */
    static List<Double> grid(double first, int n) {
        List<Double> g = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            g.add(first * Math.pow(2, i));
        }
        return g;
    }

    /**
     * The width study: widths {@code 64, 96, 128} (with {@code full}, {@code 64, 128, 256}), depth 2, head
     * dimension 32, FFN 4d, batch 16 x context 64; HyperP and the Muon baseline each over learning rates a
     * factor 2 apart. The widths start at 64 because below it the optimum of both methods still drifts for
     * reasons the paper's models do not have (a longer study put the drift between widths 32 and 64).
     */
    public static DemoPlan width(boolean full, int steps, long seed) {
        List<Integer> widths = full ? List.of(64, 128, 256) : List.of(64, 96, 128);
        return new DemoPlan(
                Axis.WIDTH,
                widths,
                methods(full),
                TinyGptConfig.defaults().withSeed(seed),
                runConfig(steps, seed),
                DEFAULT_HEAD_STD);
    }

    /**
     * The depth study: depths {@code 1, 2, 4} (with {@code full}, also 8) at width 64. Both methods
     * scale the learning rate by \(\sqrt{L_0 / L}\) with depth (SPEC section 4, Depth-muP), so the study
     * sweeps the base learning rate \(\eta_0\) and each run trains at \(\eta_0 \sqrt{L_0 / L}\) with
     * \(L_0\) the smallest depth: transfer means the optimal \(\eta_0\) stays put.
     */
    public static DemoPlan depth(boolean full, int steps, long seed) {
        List<Integer> depths = full ? List.of(1, 2, 4, 8) : List.of(1, 2, 4);
        return new DemoPlan(
                Axis.DEPTH,
                depths,
                methods(full),
                TinyGptConfig.defaults().withWidth(64).withFfn(256).withSeed(seed),
                runConfig(steps, seed),
                DEFAULT_HEAD_STD);
    }

    /** Routed experts per unit of top-k in the MoE study: {@code E = 8 k}. */
    public static final int EXPERTS_PER_TOP_K = 8;

    /**
     * The MoE study: SqrtGate against plain gates, both under HyperP, across top-k 1, 2, 4 (with
     * {@code full}, also 8) at width 64, depth 2. Granularity grows with k at fixed total and active
     * parameters: {@code E = 8 k} routed experts of width {@code 4 d / k}, no shared expert.
     */
    public static DemoPlan moe(boolean full, int steps, long seed) {
        List<Integer> ks = full ? List.of(1, 2, 4, 8) : List.of(1, 2, 4);
        List<Double> lrs = full ? grid(0.00375, 7) : grid(0.0075, 5);
        return new DemoPlan(
                Axis.TOP_K,
                ks,
                List.of(
                        new Method("sqrtgate", "SqrtGate", lrs, false, Gate.SQRT_GATE),
                        new Method("plain", "plain gates", lrs, false, Gate.PLAIN_GATE)),
                TinyGptConfig.defaults().withWidth(64).withFfn(256).withSeed(seed),
                runConfig(steps, seed),
                DEFAULT_HEAD_STD);
    }

    /** A seconds-long study for tests: widths 16 and 32 at context 16, batch 4, three learning rates. */
    public static DemoPlan tiny(int steps, long seed) {
        List<Method> m = List.of(
                new Method("hyperp", "HyperP", grid(0.01, 3), false),
                new Method("muon", "Muon baseline", grid(0.005, 3), true));
        TinyGptConfig base = TinyGptConfig.defaults()
                .withHeadDim(8)
                .withContext(16)
                .withBatch(4)
                .withSeed(seed);
        return new DemoPlan(
                Axis.WIDTH,
                List.of(16, 32),
                m,
                base,
                runConfig(steps, seed).withEvalEvery(Math.max(1, steps / 2)).withEvalBatches(1),
                DEFAULT_HEAD_STD);
    }

    /** The MoE study in seconds, for tests: top-k 1 and 2 at width 16, context 16, batch 4. */
    public static DemoPlan tinyMoe(int steps, long seed) {
        List<Double> lrs = grid(0.01, 3);
        TinyGptConfig base = TinyGptConfig.defaults()
                .withHeadDim(8)
                .withContext(16)
                .withBatch(4)
                .withWidth(16)
                .withFfn(64)
                .withSeed(seed);
        return new DemoPlan(
                Axis.TOP_K,
                List.of(1, 2),
                List.of(
                        new Method("sqrtgate", "SqrtGate", lrs, false, Gate.SQRT_GATE),
                        new Method("plain", "plain gates", lrs, false, Gate.PLAIN_GATE)),
                base,
                runConfig(steps, seed).withEvalEvery(Math.max(1, steps / 2)).withEvalBatches(1),
                DEFAULT_HEAD_STD);
    }

    private static List<Method> methods(boolean full) {
        return full
                ? List.of(
                        new Method("hyperp", "HyperP", grid(0.00375, 7), false),
                        new Method("muon", "Muon baseline", grid(0.0025, 7), true))
                : List.of(
                        new Method("hyperp", "HyperP", grid(0.0075, 5), false),
                        new Method("muon", "Muon baseline", grid(0.005, 5), true));
    }

    private static TrainRunConfig runConfig(int steps, long seed) {
        return TrainRunConfig.defaults()
                .withSteps(steps)
                .withEvalEvery(Math.max(1, steps / 4))
                .withEvalBatches(6)
                .withDataSeed(seed)
                .withEvalSeed(seed + 1000);
    }

    /** The model at one scale. */
    public TinyGptConfig model(int scale) {
        return switch (axis) {
            case WIDTH -> base.withWidth(scale).withFfn(4 * scale);
            case DEPTH -> base.withDepth(scale);
            case TOP_K -> base;
            default -> throw new IllegalStateException("no model for axis " + axis);
        };
    }

    /** The mixture-of-experts layer of a method at one scale, or null for a dense method. */
    public MoeLayerConfig moe(Method m, int scale) {
        if (m.gate() == Gate.DENSE) {
            return null;
        }
        if (axis != Axis.TOP_K) {
            throw new IllegalStateException("MoE methods are swept across top-k, not " + axis.label());
        }
        RouterConfig router = new RouterConfig(
                EXPERTS_PER_TOP_K * scale,
                scale,
                false,
                m.gate() == Gate.SQRT_GATE,
                RouterConfig.DEFAULT_SHARED_WEIGHT);
        return MoeLayerConfig.granular(base.width(), router);
    }

    /** The depth the baseline's output multiplier refers to: the smallest model's. */
    public int baseDepth() {
        return model(scales.get(0)).depth();
    }

    /** Every run (each seed's), the most expensive first (so that parallel workers finish together). */
    public List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        for (long seed : seedList()) {
            for (Method m : methods) {
                for (int s : scales) {
                    TinyGptConfig model = model(s).withSeed(seed);
                    ParameterizationRule rule = m.rule(baseDepth(), model.depth(), headStd);
                    double depthFactor = axis == Axis.DEPTH ? Math.sqrt((double) baseDepth() / model.depth()) : 1.0;
                    for (double lr : m.learningRates()) {
                        cells.add(new Cell(m, s, model, moe(m, s), rule, lr, depthFactor));
                    }
                }
            }
        }
        cells.sort(Comparator.comparingLong((Cell c) -> -c.parameterCount()));
        return cells;
    }

    /** Training tokens of every run: steps x batch x context. */
    public long tokensPerRun() {
        return (long) run.steps() * base.batch() * base.context();
    }

    /** A one-line description for logs. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%s %s, %d steps per run (batch %d x context %d, %,d tokens), head init std %s, %d seed%s, %d runs",
                axis.label(),
                scales,
                run.steps(),
                base.batch(),
                base.context(),
                tokensPerRun(),
                headStd,
                seeds,
                seeds == 1 ? "" : "s",
                seeds
                        * scales.size()
                        * methods.stream()
                                .mapToInt(m -> m.learningRates().size())
                                .sum());
    }
}
