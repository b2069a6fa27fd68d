package io.hyperp.scaling.transfer;

/**
 * An absolute learning-rate predictor: eta as a function of scale, with no base run. Any power-law predictor
 * can also act as a {@link TransferRule} anchored at a base run ({@link #asRule()}).
 *
 * <p>Implementations are immutable and thread-safe.
 *
 * <p>References: Zhou et al., arXiv 2601.05049; Li et al., arXiv 2503.04715 (Step Law).
 */
public interface LrPredictor {
    /**
     * Returns a short name.
     *
     * @return the name
     */
    String name();

    /**
     * Predicts the optimal learning rate at a scale.
     *
     * @param scale the scale (must hold the axes the predictor needs)
     * @return eta*
     * @throws IllegalArgumentException if a needed axis is missing
     */
    double predict(Scale scale);

    /**
     * Returns the predictor's exponents as a rule, so that eta = baseLr * prod (x / x0)^e; the predictor's
     * coefficient cancels.
     *
     * @return the anchored rule
     */
    TransferRule asRule();
}
