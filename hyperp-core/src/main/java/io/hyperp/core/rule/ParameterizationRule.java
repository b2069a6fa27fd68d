package io.hyperp.core.rule;

import io.hyperp.core.param.ParamSpec;

/**
 * A parameterization: for any parameter spec, its initialization, whether it lives on a sphere, its
 * optimizer family, learning-rate multiplier and weight decay; and for the model, the residual-branch
 * multiplier and the output-logit multiplier.
 *
 * <p>A rule is immutable and bound to the model it describes (depth, width and the base model it
 * transfers from), so it can answer model-level questions without further arguments.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); Yang et al., <i>Tensor Programs V</i> (muP);
 * Bordelon et al. / Yang et al., <i>Depth-muP</i>.
 */
public interface ParameterizationRule {

    /** A short name, such as {@code "hyperp"}, {@code "muon"}, {@code "mup"} or {@code "sp"}. */
    String name();

    /**
     * The treatment of one parameter.
     *
     * @throws IllegalArgumentException if the rule cannot treat this spec (for example a rank-1
     *                                  tensor given a Muon role), with a message naming it
     */
    ParamTreatment treatment(ParamSpec spec);

    /** The multiplier of every residual-branch output, such as {@code 1/sqrt(2L)}. */
    double residualBranchMultiplier();

    /** The multiplier of the output logits, such as {@code d0/L} for the plain Muon baseline. */
    double outputLogitMultiplier();
}
