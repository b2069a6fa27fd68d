package io.hyperp.scaling.transfer;

import io.hyperp.scaling.fit.OptimalLrResult;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One scale of a transfer study and the optimal-learning-rate fit of its sweep, with the optimum's shift from
 * the smallest accepted scale.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); SPEC section 7.
 *
 * @param scale the scale of the sweep
 * @param value the scale's value on the study's axis
 * @param optimum the sweep's fit, accepted or refused
 * @param stepsFromSmallest \( (\ln\eta^* - \ln\eta^*_{0}) / s \), with \( \eta^*_0 \) the optimum of the smallest
 *     accepted scale and s the study's sweep step in ln(lr); NaN when this fit was refused or no step is known
 * @param seeds the per-seed fits of this scale ({@link SeedOptima#NONE} with one seed); {@code optimum} is the fit
 *     of all seeds' runs together
 */
public record ScaleOptimum(
        Scale scale, double value, OptimalLrResult optimum, double stepsFromSmallest, SeedOptima seeds) {
    /**
     * Validates.
     *
     * @param scale the scale of the sweep
     * @param value the scale's value on the study's axis
     * @param optimum the sweep's fit, accepted or refused
     * @param stepsFromSmallest shift from the smallest accepted scale, in sweep steps, or NaN
     * @param seeds the per-seed fits, or {@link SeedOptima#NONE}
     * @throws NullPointerException if the scale, the fit or the seeds are null
     */
    public ScaleOptimum {
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(optimum, "optimum");
        Objects.requireNonNull(seeds, "seeds");
    }

    /**
     * Returns the scale and its fit as an ordered map for {@link io.hyperp.scaling.io.Json}: {@code value},
     * {@code status}, {@code eta_star}, {@code ci_low}, {@code ci_high}, {@code loss_min}, {@code points},
     * {@code steps_from_smallest}, {@code refusal} (null when accepted), {@code note} (why a local fit was used,
     * or null), {@code seeds}, {@code seed_eta_star} (each seed's eta*, null where refused), {@code seed_sd_ln}.
     * NaN becomes JSON null.
     *
     * @return a new mutable map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", value);
        m.put("status", optimum.status().name().toLowerCase(Locale.ROOT));
        m.put("eta_star", optimum.etaStar());
        m.put("ci_low", optimum.interval().low());
        m.put("ci_high", optimum.interval().high());
        m.put("loss_min", optimum.lossMin());
        m.put("points", optimum.used().size());
        m.put("steps_from_smallest", stepsFromSmallest);
        m.put("refusal", optimum.isOk() ? null : optimum.message());
        m.put("note", optimum.isOk() && !optimum.message().isEmpty() ? optimum.message() : null);
        m.put("seeds", Math.max(1, seeds.count()));
        m.put(
                "seed_eta_star",
                seeds.perSeed().stream()
                        .map(r -> r.isOk() ? r.etaStar() : Double.NaN)
                        .toList());
        m.put("seed_sd_ln", seeds.sdLn());
        return m;
    }
}
