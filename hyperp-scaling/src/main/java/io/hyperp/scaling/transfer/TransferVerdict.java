package io.hyperp.scaling.transfer;

/**
 * Whether the optimal learning rate stayed put across the scales of a study, measured in sweep steps (the
 * ratio between neighbouring swept learning rates): the practical test of a transfer claim such as "tune at the
 * smallest width, and the same learning rate stays optimal as the width grows".
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); SPEC sections 4 and 7.
 */
public enum TransferVerdict {
    /**
     * Every scale's optimum was accepted and the whole interval of their spread lies within one sweep step.
     */
    WITHIN_ONE_STEP,
    /** The accepted optima spread over more than one sweep step, with the whole interval of the spread beyond. */
    BEYOND_ONE_STEP,
    /**
     * The data cannot decide: fewer than two accepted optima, no sweep step could be read, a scale was refused or
     * unresolved while the accepted ones do not already spread beyond one step, an accepted optimum has no
     * interval, or the interval of the spread straddles one step.
     */
    UNDETERMINED
}
