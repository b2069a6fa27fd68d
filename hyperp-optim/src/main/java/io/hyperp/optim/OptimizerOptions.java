package io.hyperp.optim;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.sphere.NormReduction;
import java.util.Objects;

/**
 * Options of the optimizers {@link Optimizers} builds. Immutable and thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (defaults: clipping at 1.0, Muon 0.95 with Nesterov,
 * AdamW (0.9, 0.95, 1e-8)).
 *
 * @param muon             the Muon direction (sphere and plain Muon groups)
 * @param adam             the Adam direction (sphere-Adam and AdamW groups)
 * @param muonShapeFactor  the plain Muon baseline's per-matrix LR factor (HyperP's sphere groups use none)
 * @param clipNorm         global gradient-norm clipping threshold; {@code Double.POSITIVE_INFINITY} for none
 * @param nonFinitePolicy  what to do with NaN or infinite gradients
 * @param reduction        how per-matrix norms are completed across shards
 */
public record OptimizerOptions(
        MuonConfig muon,
        AdamConfig adam,
        ShapeFactor muonShapeFactor,
        double clipNorm,
        NonFinitePolicy nonFinitePolicy,
        NormReduction reduction) {

    /** Validates the fields. */
    public OptimizerOptions {
        Objects.requireNonNull(muon, "muon");
        Objects.requireNonNull(adam, "adam");
        Objects.requireNonNull(muonShapeFactor, "muonShapeFactor");
        checkArgument(clipNorm > 0, "clipNorm (%s) must be positive (infinity for no clipping)", clipNorm);
        Objects.requireNonNull(nonFinitePolicy, "nonFinitePolicy");
        Objects.requireNonNull(reduction, "reduction");
    }

    /** HyperP's defaults: Muon 0.95 Nesterov HYPERP_5, Adam (0.9, 0.95, 1e-8), reference shape factor, clip 1.0, throw. */
    public static OptimizerOptions defaults() {
        return new OptimizerOptions(
                MuonConfig.defaults(),
                AdamConfig.defaults(),
                ShapeFactor.REFERENCE,
                1.0,
                NonFinitePolicy.THROW,
                NormReduction.local());
    }

    /** A copy with another Muon config. */
    public OptimizerOptions withMuon(MuonConfig v) {
        return new OptimizerOptions(v, adam, muonShapeFactor, clipNorm, nonFinitePolicy, reduction);
    }

    /** A copy with another Adam config. */
    public OptimizerOptions withAdam(AdamConfig v) {
        return new OptimizerOptions(muon, v, muonShapeFactor, clipNorm, nonFinitePolicy, reduction);
    }

    /** A copy with another shape factor for plain Muon groups. */
    public OptimizerOptions withMuonShapeFactor(ShapeFactor v) {
        return new OptimizerOptions(muon, adam, v, clipNorm, nonFinitePolicy, reduction);
    }

    /** A copy with another clipping threshold. */
    public OptimizerOptions withClipNorm(double v) {
        return new OptimizerOptions(muon, adam, muonShapeFactor, v, nonFinitePolicy, reduction);
    }

    /** A copy with another non-finite policy. */
    public OptimizerOptions withNonFinitePolicy(NonFinitePolicy v) {
        return new OptimizerOptions(muon, adam, muonShapeFactor, clipNorm, v, reduction);
    }

    /** A copy with another norm reduction. */
    public OptimizerOptions withReduction(NormReduction v) {
        return new OptimizerOptions(muon, adam, muonShapeFactor, clipNorm, nonFinitePolicy, v);
    }
}
