package io.hyperp.scaling.transfer;

import io.hyperp.scaling.fit.FittingParadigmLaw;
import io.hyperp.scaling.internal.Checks;

/**
 * The Step Law, a published AdamW reference: \( \eta^* = 1.79 N^{-0.713} D^{0.307} \) and
 * \( B^* = 0.58 D^{0.571} \), with N the non-embedding parameter count ({@link Axis#PARAMS}) and D the
 * training tokens ({@link Axis#TOKENS}). Fitted for AdamW, not for Muon or HyperP: use it as a comparison.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Li et al., Predictable Scale: Part I, Step Law (arXiv 2503.04715); SPEC section 7.
 */
public final class StepLaw implements LrPredictor {
    /** The learning-rate law as a fitting-paradigm law. */
    public static final FittingParadigmLaw LEARNING_RATE = new FittingParadigmLaw(1.79, -0.713, 0.307);
    /** Batch-size coefficient. */
    public static final double BATCH_COEFFICIENT = 0.58;
    /** Batch-size exponent of D. */
    public static final double BATCH_EXPONENT = 0.571;

    private static final StepLaw INSTANCE = new StepLaw();

    private StepLaw() {}

    /**
     * Returns the Step Law.
     *
     * @return the predictor
     */
    public static StepLaw create() {
        return INSTANCE;
    }

    /**
     * Returns the optimal AdamW learning rate.
     *
     * @param nonEmbeddingParams N, positive
     * @param tokens D, positive
     * @return 1.79 N^-0.713 D^0.307
     */
    public static double learningRate(double nonEmbeddingParams, double tokens) {
        return LEARNING_RATE.predict(nonEmbeddingParams, tokens);
    }

    /**
     * Returns the optimal batch size in tokens.
     *
     * @param tokens D, positive
     * @return 0.58 D^0.571
     */
    public static double batchTokens(double tokens) {
        Checks.positive(tokens, "tokens");
        return BATCH_COEFFICIENT * Math.pow(tokens, BATCH_EXPONENT);
    }

    @Override
    public String name() {
        return "step-law";
    }

    @Override
    public double predict(Scale scale) {
        return learningRate(scale.get(Axis.PARAMS), scale.get(Axis.TOKENS));
    }

    @Override
    public TransferRule asRule() {
        return new CustomExponentRule(
                name(), java.util.Map.of(Axis.PARAMS, LEARNING_RATE.alpha(), Axis.TOKENS, LEARNING_RATE.beta()));
    }

    @Override
    public String toString() {
        return "StepLaw[eta* = 1.79 N^-0.713 D^0.307, B* = 0.58 D^0.571]";
    }
}
