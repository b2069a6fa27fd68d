package io.hyperp.scaling.transfer;

/**
 * A learning-rate transfer rule: maps a base learning rate tuned at a base scale to a target scale.
 *
 * <p>Implementations are immutable and thread-safe, report each axis's factor separately, hold an axis absent
 * from both scales fixed, and reject an axis they scale that is given for only one of the scales.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); SPEC section 4.
 */
public interface TransferRule {
    /**
     * Returns a short name, such as "hyperp".
     *
     * @return the name
     */
    String name();

    /**
     * Transfers a learning rate.
     *
     * @param baseLr learning rate tuned at {@code base}, positive
     * @param base the base scale
     * @param target the target scale
     * @return eta at the target and the per-axis factors
     * @throws IllegalArgumentException for a non-positive base learning rate or an axis the rule needs given for
     *     only one scale
     */
    TransferResult transfer(double baseLr, Scale base, Scale target);
}
