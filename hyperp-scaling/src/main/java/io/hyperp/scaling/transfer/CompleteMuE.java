package io.hyperp.scaling.transfer;

import io.hyperp.scaling.internal.Checks;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Complete-muE (SPEC section 8): tune a dense model once and transfer its AdamW learning rate to any MoE shape
 * through two bridges.
 *
 * <ul>
 *   <li>Width: muP for Adam, \( d_0 / d \) ({@link MupRule}).
 *   <li>Bridge I, dense FFN to dense MoE: muP on the <em>active</em> FFN width \( a = k \, h_e \) (k routed
 *       experts per token, each of width \( h_e \)), with the router output normalized so that the block's output
 *       scale does not depend on k. The expert matrices' rate scales as \( a_0 / a \); the part of a that grows
 *       with d is already in the width factor, so the {@link Axis#TOP_K} factor is \( (a_0/a) (d/d_0) \).
 *   <li>Bridge II, dense MoE to sparse MoE: with E experts of which k are active, each expert sees a fraction k/E
 *       of the tokens; the first-order SDE corrections of learning rate and weight decay for that smaller
 *       per-expert batch cancel, so the {@link Axis#EXPERTS} factor is 1.
 * </ul>
 *
 * <p>A dense model is k = 1, E = 1 with \( h_e \) the dense FFN width. SPEC 8 leaves the expert width open; the
 * {@link ExpertWidth} convention fixes it. The default, {@link ExpertWidth#GRANULAR}, is the library's MoE family
 * (SPEC section 5, {@code MoeShape.reference}): \( h_e = 4d/k \), so the active width stays 4d and the top-k
 * factor is 1. {@link ExpertWidth#FULL} keeps every expert as wide as the dense FFN (\( h_e = 4d \), as in Switch
 * and Mixtral), so the active width grows with k and the top-k factor is \( k_0 / k \). The router scale
 * normalization is a model setting, not a learning-rate factor.
 *
 * <p>The rule moves width, top-k and experts. SPEC 8 gives no depth, token or batch factor, so a change of those
 * is outside it (the rule refuses rather than guess). Immutable and thread-safe.
 *
 * <p>References: Peng et al., Complete-muE: Optimal Hyperparameter Transfer and Scaling for MoE Models (arXiv
 * 2605.23893), bridges I and II; Yang et al., Tensor Programs V (arXiv 2203.03466); SPEC sections 5 and 8.
 *
 * @param expertWidth how an expert's width follows the model width and top-k
 */
public record CompleteMuE(ExpertWidth expertWidth) implements TransferRule {
    /** How one expert's FFN width \( h_e \) follows the model width d and the routed experts per token k. */
    public enum ExpertWidth {
        /** \( h_e = 4d / k \): the active width k h_e = 4d does not change with k (SPEC 5's granularity). */
        GRANULAR,
        /** \( h_e = 4d \): every expert is a full dense FFN, the active width 4dk grows with k. */
        FULL;

        /**
         * Returns the active FFN width k h_e in units of 4d.
         *
         * @param topK routed experts per token, positive
         * @return 1 for {@link #GRANULAR}, k for {@link #FULL}
         */
        public double activeWidthOver4d(double topK) {
            return this == GRANULAR ? 1 : topK;
        }
    }

    /**
     * Validates.
     *
     * @param expertWidth how an expert's width follows the model width and top-k
     * @throws NullPointerException if null
     */
    public CompleteMuE {
        Objects.requireNonNull(expertWidth, "expertWidth");
    }

    /**
     * Returns the rule with the library's MoE family convention, {@link ExpertWidth#GRANULAR}.
     *
     * @return the rule
     */
    public static CompleteMuE reference() {
        return new CompleteMuE(ExpertWidth.GRANULAR);
    }

    @Override
    public String name() {
        return "complete-mue";
    }

    /**
     * Transfers the expert (and hidden) matrices' rate: baseLr times the {@link Axis#WIDTH} factor d0/d, the
     * {@link Axis#TOP_K} factor of bridge I and the {@link Axis#EXPERTS} factor 1 of bridge II. An axis absent
     * from both scales contributes 1.
     *
     * @param baseLr learning rate tuned at {@code base}, positive
     * @param base the base scale
     * @param target the target scale
     * @return the rate at the target and the three factors
     * @throws IllegalArgumentException for a non-positive rate, or width, top-k or experts given for one scale
     *     only, or fewer experts than top-k in a scale
     */
    @Override
    public TransferResult transfer(double baseLr, Scale base, Scale target) {
        Checks.positive(baseLr, "baseLr");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(target, "target");
        for (Axis a : new Axis[] {Axis.WIDTH, Axis.TOP_K, Axis.EXPERTS}) {
            if (base.has(a) != target.has(a)) {
                throw Checks.iae(
                        "%s is given for the %s scale only; give it for both or neither",
                        a.label(), base.has(a) ? "base" : "target");
            }
        }
        for (Scale s : new Scale[] {base, target}) {
            if (s.has(Axis.TOP_K) && s.has(Axis.EXPERTS) && s.get(Axis.EXPERTS) < s.get(Axis.TOP_K)) {
                throw Checks.iae("experts (%s) must be at least top_k (%s)", s.get(Axis.EXPERTS), s.get(Axis.TOP_K));
            }
        }
        Map<Axis, Double> factors = new EnumMap<>(Axis.class);
        double width = base.has(Axis.WIDTH) ? base.get(Axis.WIDTH) / target.get(Axis.WIDTH) : 1;
        double topK = base.has(Axis.TOP_K)
                ? expertWidth.activeWidthOver4d(base.get(Axis.TOP_K))
                        / expertWidth.activeWidthOver4d(target.get(Axis.TOP_K))
                : 1;
        factors.put(Axis.WIDTH, width);
        factors.put(Axis.TOP_K, topK);
        factors.put(Axis.EXPERTS, 1.0);
        return new TransferResult(name(), baseLr, baseLr * width * topK, factors, base, target);
    }
}
