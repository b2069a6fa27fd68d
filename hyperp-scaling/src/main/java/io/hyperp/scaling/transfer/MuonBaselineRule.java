package io.hyperp.scaling.transfer;

import io.hyperp.scaling.internal.Checks;
import java.util.EnumMap;
import java.util.Map;

/**
 * The plain Muon baseline's transfer rule: \( \eta = \eta_0 \sqrt{B / B_0} \sqrt{d_0 / L} \), with no token
 * factor (reported as 1). The baseline also multiplies the output logits by d0 / L
 * ({@link #outputLogitMultiplier}); that is a model setting, not a learning-rate factor.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP), baseline setup; Jordan, Muon (2024); SPEC section 4.
 */
public record MuonBaselineRule() implements TransferRule {
    /**
     * Returns the rule.
     *
     * @return the rule
     */
    public static MuonBaselineRule reference() {
        return new MuonBaselineRule();
    }

    /**
     * Returns the baseline's output-logit multiplier d0 / L.
     *
     * @param baseDepth d0, positive
     * @param targetDepth L, positive
     * @return d0 / L
     */
    public static double outputLogitMultiplier(int baseDepth, int targetDepth) {
        if (baseDepth <= 0 || targetDepth <= 0) {
            throw Checks.iae("depths (%d, %d) must be positive", baseDepth, targetDepth);
        }
        return baseDepth / (double) targetDepth;
    }

    @Override
    public String name() {
        return "muon";
    }

    @Override
    public TransferResult transfer(double baseLr, Scale base, Scale target) {
        Map<Axis, Double> e = new EnumMap<>(Axis.class);
        e.put(Axis.DEPTH, HyperPRule.DEPTH_EXPONENT);
        e.put(Axis.TOKENS, 0.0);
        e.put(Axis.BATCH, HyperPRule.BATCH_EXPONENT);
        return new CustomExponentRule(name(), e).transfer(baseLr, base, target);
    }
}
