package io.hyperp.scaling.transfer;

import io.hyperp.scaling.fit.FittingParadigmLaw;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A predictor from a fitted fitting-paradigm law \( \eta^* = c N^\alpha D^\beta \), reading N from
 * {@link Axis#PARAMS} and D from {@link Axis#TOKENS}.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Zhou et al., arXiv 2601.05049; SPEC section 7.
 *
 * @param law the law
 */
public record FittedLawPredictor(FittingParadigmLaw law) implements LrPredictor {
    /**
     * Validates.
     *
     * @param law the law
     */
    public FittedLawPredictor {
        Objects.requireNonNull(law, "law");
    }

    @Override
    public String name() {
        return "fitted-law";
    }

    @Override
    public double predict(Scale scale) {
        return law.predict(scale.get(Axis.PARAMS), scale.get(Axis.TOKENS));
    }

    @Override
    public TransferRule asRule() {
        Map<Axis, Double> e = new EnumMap<>(Axis.class);
        e.put(Axis.PARAMS, law.alpha());
        e.put(Axis.TOKENS, law.beta());
        return new CustomExponentRule(name(), e);
    }
}
