package io.hyperp.scaling.fit;

import io.hyperp.scaling.internal.Checks;
import java.util.List;

/**
 * The fitting paradigm's optimal-learning-rate law \( \eta^*(N, D) = c N^{\alpha} D^{\beta} \), fitted as
 * \( \ln\eta^* = \ln c + \alpha \ln N + \beta \ln D \) by least squares ({@link PowerLaw}).
 *
 * <p>N is the parameter count and D the training tokens of each point; eta* comes from one
 * {@link OptimalLr} fit per (N, D). Immutable and thread-safe.
 *
 * <p>References: Zhou et al., How to Set the Learning Rate for Large-Scale Pre-training? (arXiv 2601.05049):
 * eta* = 38.4588 N^-0.2219 D^-0.3509 for MoE, R^2 ~ 0.96; SPEC section 7.
 *
 * @param c the coefficient, positive
 * @param alpha the parameter-count exponent
 * @param beta the token exponent
 */
public record FittingParadigmLaw(double c, double alpha, double beta) {
    /** Predictor name of the parameter count in fits. */
    public static final String PARAMS = "params";
    /** Predictor name of the token count in fits. */
    public static final String TOKENS = "tokens";
    /** The law fitted in arXiv 2601.05049 for MoE models. */
    public static final FittingParadigmLaw ZHOU_2026_MOE = new FittingParadigmLaw(38.4588, -0.2219, -0.3509);

    /**
     * Validates.
     *
     * @param c the coefficient, positive
     * @param alpha the parameter-count exponent
     * @param beta the token exponent
     * @throws IllegalArgumentException for a non-positive or non-finite c, or non-finite exponents
     */
    public FittingParadigmLaw {
        Checks.positive(c, "c");
        Checks.finite(alpha, "alpha");
        Checks.finite(beta, "beta");
    }

    /**
     * Fits the law to optimal learning rates measured at several (N, D).
     *
     * @param params parameter counts N, positive
     * @param tokens token counts D, positive
     * @param etaStar optimal learning rates, positive
     * @param options bootstrap settings
     * @return the fit, predictors named {@value #PARAMS} and {@value #TOKENS}
     * @throws IllegalArgumentException for bad values, fewer than 3 points, or N and D collinear on the log
     *     scale (for example a fixed tokens-per-parameter ratio: then only one exponent can be fitted)
     */
    public static PowerLawFit fit(double[] params, double[] tokens, double[] etaStar, BootstrapOptions options) {
        Checks.sameLength(params.length, "params", tokens.length, "tokens");
        double[][] x = new double[params.length][];
        for (int i = 0; i < params.length; i++) {
            x[i] = new double[] {params[i], tokens[i]};
        }
        return PowerLaw.fit(x, etaStar, List.of(PARAMS, TOKENS), options);
    }

    /**
     * Takes the law out of a fit made by {@link #fit}.
     *
     * @param fit a fit with predictors {@value #PARAMS} and {@value #TOKENS} and no offset
     * @return the law
     * @throws IllegalArgumentException for any other fit
     */
    public static FittingParadigmLaw from(PowerLawFit fit) {
        if (fit.hasOffset() || !fit.names().equals(List.of(PARAMS, TOKENS))) {
            throw Checks.iae(
                    "a fitting-paradigm law needs predictors [%s, %s] and no offset, found %s%s",
                    PARAMS, TOKENS, fit.names(), fit.hasOffset() ? " with offset" : "");
        }
        return new FittingParadigmLaw(fit.coefficient(), fit.exponent(PARAMS), fit.exponent(TOKENS));
    }

    /**
     * Predicts the optimal learning rate.
     *
     * @param params N, positive
     * @param tokens D, positive
     * @return c N^alpha D^beta
     * @throws IllegalArgumentException for non-positive inputs
     */
    public double predict(double params, double tokens) {
        Checks.positive(params, "params");
        Checks.positive(tokens, "tokens");
        return c * Math.pow(params, alpha) * Math.pow(tokens, beta);
    }
}
