package io.hyperp.scaling.transfer;

import java.util.Map;

/**
 * The muP learning-rate rule for AdamW (Tensor Programs V): the hidden matrices' rate scales as
 * \( \eta = \eta_0 \, d_0 / d \) with the model width d (Adam's update of a matrix with fan-in n moves its output
 * by O(1) per step only at a rate of order 1/n), while the embedding and gain rates stay at \( \eta_0 \).
 *
 * <p>The rule moves width only: Tensor Programs V fixes depth, training tokens and batch, so a change of any of
 * them is outside it. Keeping the embedding rate fixed rather than scaling it is what Kalra and Barkeshli find
 * carries most of muP's advantage over standard parameterization ({@link #embeddingLr(double)}). The output
 * multiplier d0/d of muP is a model setting, not a learning-rate factor.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Yang et al., Tensor Programs V: Tuning Large Neural Networks via Zero-Shot Hyperparameter
 * Transfer (arXiv 2203.03466), table 3 (Adam); Kalra and Barkeshli, Quantifying Hyperparameter Transfer (arXiv
 * 2605.21486).
 */
public record MupRule() implements TransferRule {
    /** Exponent of d / d0 in the hidden matrices' rate (Adam: 1/fan_in). */
    public static final double WIDTH_EXPONENT = -1;

    /**
     * Returns the rule.
     *
     * @return the rule
     */
    public static MupRule adamW() {
        return new MupRule();
    }

    /**
     * Returns the embedding (and gain) learning rate at any width: the base rate, unchanged.
     *
     * @param baseLr the rate tuned at the base width, positive
     * @return {@code baseLr}
     * @throws IllegalArgumentException for a rate that is not positive and finite
     */
    public static double embeddingLr(double baseLr) {
        return io.hyperp.scaling.internal.Checks.positive(baseLr, "baseLr");
    }

    @Override
    public String name() {
        return "mup";
    }

    /**
     * Transfers the hidden matrices' rate: baseLr * (d / d0)^-1; the width factor is reported under
     * {@link Axis#WIDTH}.
     *
     * @param baseLr learning rate tuned at {@code base}, positive
     * @param base the base scale
     * @param target the target scale
     * @return the hidden matrices' rate at the target
     * @throws IllegalArgumentException for a non-positive rate or a width given for one scale only
     */
    @Override
    public TransferResult transfer(double baseLr, Scale base, Scale target) {
        return new CustomExponentRule(name(), Map.of(Axis.WIDTH, WIDTH_EXPONENT)).transfer(baseLr, base, target);
    }
}
