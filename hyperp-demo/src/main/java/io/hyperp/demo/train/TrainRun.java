package io.hyperp.demo.train;

import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.demo.data.ByteCorpus;
import io.hyperp.demo.gpt.NdThreads;
import io.hyperp.demo.gpt.TinyGpt;
import io.hyperp.demo.gpt.TinyGptConfig;
import io.hyperp.moe.layer.MoeLayerConfig;
import io.hyperp.optim.NonFinitePolicy;
import io.hyperp.optim.Optimizer;
import io.hyperp.optim.Optimizers;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One training run of the demo: a {@link TinyGpt} built for a parameterization rule, trained on a
 * {@link ByteCorpus} for a fixed number of steps by the rule's optimizer (hyperp-optim's factory) with
 * HyperP's schedule, evaluated on fixed held-out batches.
 *
 * <p>The model takes the rule's output-logit multiplier and initialization; its residual branches are
 * always scaled by \(1/\sqrt{2L}\), so the rule must agree. Each step: sample a batch, forward and
 * backward, one optimizer step. The run stops early, recorded as diverged, when the training loss is
 * NaN, infinite or above {@link TrainRunConfig#divergenceLoss()}, when the optimizer skips a step for
 * non-finite gradients, or when a validation loss is not finite. Nothing is thrown for divergence.
 *
 * <p>Deterministic: the result (apart from {@link TrainRunResult#seconds()}) is a pure function of the
 * arguments for a given ND4J thread setting. Thread-safety: a run uses only its own model and
 * optimizer, so independent runs may go on in parallel threads (set ND4J's threads with
 * {@link io.hyperp.demo.gpt.NdThreads#parallelModels()} first).
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP), section 4.
 */
public final class TrainRun {

    private TrainRun() {}

    /**
     * Observes a run while it trains, on the training thread. Only {@link #onEval} must be given, so a
     * method reference such as {@code list::add} serves as a listener.
     */
    @FunctionalInterface
    public interface Listener {

        /** Called after every evaluation (and after the last step). */
        void onEval(TrainRunResult.Eval eval);

        /**
         * Called after every optimizer step, and once more when a run ends early.
         *
         * @param done  the steps done so far
         * @param total the steps the run would take without divergence
         */
        default void onStep(int done, int total) {}
    }

    /** As {@link #run(TinyGptConfig, ParameterizationRule, double, TrainRunConfig, ByteCorpus, Listener)} without a listener. */
    public static TrainRunResult run(
            TinyGptConfig model,
            ParameterizationRule rule,
            double learningRate,
            TrainRunConfig config,
            ByteCorpus corpus) {
        return run(model, rule, learningRate, config, corpus, e -> {});
    }

    /**
     * Trains one model.
     *
     * @param model        the model shape and seed (its logit multiplier is replaced by the rule's)
     * @param rule         the parameterization (HyperP, plain Muon, ...)
     * @param learningRate the peak learning rate (finite, > 0)
     * @param config       steps, evaluation and data settings
     * @param corpus       the data
     * @param listener     told of every step and evaluation, on the calling thread
     * @throws IllegalArgumentException if the learning rate is not finite and positive, or the rule's
     *                                  residual-branch multiplier is not the model's \(1/\sqrt{2L}\)
     */
    public static TrainRunResult run(
            TinyGptConfig model,
            ParameterizationRule rule,
            double learningRate,
            TrainRunConfig config,
            ByteCorpus corpus,
            Listener listener) {
        return run(model, null, rule, learningRate, config, corpus, listener);
    }

    /**
     * Trains one model whose blocks use the mixture-of-experts feed-forward {@code moe} (null: the dense
     * SwiGLU); otherwise as {@link #run(TinyGptConfig, ParameterizationRule, double, TrainRunConfig,
     * ByteCorpus, Listener)}. The training losses include the MoE balance losses; validation losses are
     * the cross-entropy alone.
     *
     * @throws IllegalArgumentException as for the dense run, or if {@code moe} does not fit the model
     */
    public static TrainRunResult run(
            TinyGptConfig model,
            MoeLayerConfig moe,
            ParameterizationRule rule,
            double learningRate,
            TrainRunConfig config,
            ByteCorpus corpus,
            Listener listener) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(corpus, "corpus");
        Objects.requireNonNull(listener, "listener");
        if (!(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "learningRate (%s) must be positive and finite", learningRate));
        }
        if (Math.abs(rule.residualBranchMultiplier() - model.residualMultiplier()) > 1e-12) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "rule %s scales residual branches by %s, but the model by 1/sqrt(2L) = %s",
                    rule.name(),
                    rule.residualBranchMultiplier(),
                    model.residualMultiplier()));
        }
        NdThreads.applyToCurrentThread();
        long start = System.nanoTime();
        TinyGptConfig cfg = model.withLogitMultiplier(rule.outputLogitMultiplier());
        TinyGpt net = moe == null
                ? TinyGpt.create(cfg, spec -> rule.treatment(spec).init())
                : TinyGpt.create(cfg, spec -> rule.treatment(spec).init(), moe);
        Optimizer optimizer = Optimizers.create(
                net.values(),
                rule,
                LrSchedule.linearDecay(learningRate, 0, config.steps(), config.floorFraction()),
                config.optimizer().withNonFinitePolicy(NonFinitePolicy.SKIP));

        int window = cfg.batch() * (cfg.context() + 1);
        int[] tokens = new int[window];
        ByteCorpus.Sampler train = corpus.sampler(ByteCorpus.Split.TRAIN, config.dataSeed());
        ByteCorpus.Sampler held = corpus.sampler(ByteCorpus.Split.VALIDATION, config.evalSeed());
        int[][] validation = new int[config.evalBatches()][window];
        for (int[] batch : validation) {
            held.nextBatch(cfg.batch(), cfg.context(), batch);
        }

        double[] losses = new double[config.steps()];
        List<TrainRunResult.Eval> evals = new ArrayList<>();
        int ran = 0;
        int divergedAt = -1;
        double sinceEval = 0;
        int stepsSinceEval = 0;
        double finalValidation = Double.NaN;
        for (int step = 0; step < config.steps(); step++) {
            train.nextBatch(cfg.batch(), cfg.context(), tokens);
            double loss = net.forwardBackward(tokens);
            losses[ran++] = loss;
            if (!(loss <= config.divergenceLoss()) || !optimizer.step(net.grads(), net.values())) {
                divergedAt = step;
                listener.onStep(config.steps(), config.steps());
                break;
            }
            listener.onStep(step + 1, config.steps());
            sinceEval += loss;
            stepsSinceEval++;
            if ((step + 1) % config.evalEvery() == 0 || step + 1 == config.steps()) {
                double val = 0;
                for (int[] batch : validation) {
                    val += net.loss(batch);
                }
                val /= validation.length;
                TrainRunResult.Eval e =
                        new TrainRunResult.Eval(step + 1, sinceEval / stepsSinceEval, val, net.indicators());
                evals.add(e);
                listener.onEval(e);
                sinceEval = 0;
                stepsSinceEval = 0;
                if (!Double.isFinite(val)) {
                    divergedAt = step;
                    listener.onStep(config.steps(), config.steps());
                    break;
                }
                finalValidation = val;
            }
        }
        boolean diverged = divergedAt >= 0;
        double[] ranLosses = Arrays.copyOf(losses, ran);
        return new TrainRunResult(
                rule.name(),
                learningRate,
                cfg.width(),
                cfg.depth(),
                ranLosses,
                evals,
                diverged,
                divergedAt,
                diverged ? Double.NaN : finalValidation,
                (System.nanoTime() - start) / 1e9);
    }
}
