package io.hyperp.scaling.transfer;

import io.hyperp.scaling.internal.Checks;
import java.util.EnumMap;
import java.util.Map;

/**
 * HyperP's transfer rule (SPEC section 4):
 * \( \eta(L, T, B) = \eta_0 \sqrt{B / B_0} \sqrt{d_0 / L} (T / T_0)^{-0.32} \).
 *
 * <p>Width has no factor (the sphere step is relative; in the reference family width grows with depth, so the
 * depth factor covers it); MoE granularity, top-k and sparsity have none either (SqrtGate makes the same eta
 * transfer). The result reports the depth, tokens and batch factors separately. Immutable and thread-safe.
 *
 * <p>References: Ren et al., Rethinking Language Model Scaling under Transferable Hypersphere Optimization
 * (arXiv 2603.28743); SPEC section 4.
 *
 * @param tokenExponent exponent of T / T0 (the reference's empirical -0.32)
 */
public record HyperPRule(double tokenExponent) implements TransferRule {
    /** The reference token exponent. */
    public static final double TOKEN_EXPONENT = -0.32;
    /** Depth exponent (Depth-muP with 1/sqrt(2L) branch multipliers). */
    public static final double DEPTH_EXPONENT = -0.5;
    /** Batch exponent. */
    public static final double BATCH_EXPONENT = 0.5;
    /** Reference base depth d0. */
    public static final int REFERENCE_DEPTH = 8;
    /** Reference base batch B0 in tokens per step (2^21). */
    public static final double REFERENCE_BATCH = 1 << 21;
    /** Reference base token budget T0. */
    public static final double REFERENCE_TOKENS = 10.4e9;
    /** Reference base learning rate for MoE models. */
    public static final double ETA0_MOE = 0.014;
    /** Reference base learning rate for dense models. */
    public static final double ETA0_DENSE = 0.015;
    /** Reference base learning rate for dense models with gated attention and QK-norm. */
    public static final double ETA0_DENSE_GATED = 0.016;

    /**
     * Validates.
     *
     * @param tokenExponent exponent of T / T0 (the reference's empirical -0.32)
     * @throws IllegalArgumentException for a non-finite exponent
     */
    public HyperPRule {
        Checks.finite(tokenExponent, "tokenExponent");
    }

    /**
     * Returns the reference rule (token exponent -0.32).
     *
     * @return the rule
     */
    public static HyperPRule reference() {
        return new HyperPRule(TOKEN_EXPONENT);
    }

    /**
     * Returns the reference base scale: depth 8, 10.4e9 tokens, batch 2^21 tokens.
     *
     * @return the scale
     */
    public static Scale referenceBase() {
        return Scale.of(Axis.DEPTH, REFERENCE_DEPTH)
                .with(Axis.TOKENS, REFERENCE_TOKENS)
                .with(Axis.BATCH, REFERENCE_BATCH);
    }

    /**
     * Returns a copy with another token exponent.
     *
     * @param value the exponent
     * @return the rule
     */
    public HyperPRule withTokenExponent(double value) {
        return new HyperPRule(value);
    }

    @Override
    public String name() {
        return "hyperp";
    }

    @Override
    public TransferResult transfer(double baseLr, Scale base, Scale target) {
        Map<Axis, Double> e = new EnumMap<>(Axis.class);
        e.put(Axis.DEPTH, DEPTH_EXPONENT);
        e.put(Axis.TOKENS, tokenExponent);
        e.put(Axis.BATCH, BATCH_EXPONENT);
        return new CustomExponentRule(name(), e).transfer(baseLr, base, target);
    }
}
