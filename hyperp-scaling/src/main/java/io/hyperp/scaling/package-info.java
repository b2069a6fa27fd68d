/**
 * HyperP scaling: turn a small learning-rate sweep into the learning rate of a large run.
 *
 * <p>Subpackages:
 * <ul>
 *   <li>{@link io.hyperp.scaling.sweep}: sweep points with their labels, grouping, CSV in and out;</li>
 *   <li>{@link io.hyperp.scaling.io}: a small JSON writer and a CSV table reader;</li>
 *   <li>{@link io.hyperp.scaling.fit}: the optimal learning rate of a sweep, power laws, the fitting-paradigm
 *       law, loss against tokens and compute, compute leverage and a generic nonlinear least-squares fitter;</li>
 *   <li>{@link io.hyperp.scaling.transfer}: learning-rate transfer rules (HyperP, plain Muon, custom exponents,
 *       fitted laws, the Step Law) and the transfer-quality report.</li>
 * </ul>
 *
 * <p>Module-wide rules: this module has no tensor-library dependency; every result is an immutable record;
 * every fitted quantity carries a seeded bootstrap interval and the data it used; bad arguments raise
 * {@link java.lang.IllegalArgumentException} whose message names the argument and what was wrong, and NaN
 * never passes a check. All classes are thread-safe unless documented otherwise.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); Zhou et al., arXiv 2601.05049 (fitting paradigm);
 * Kalra and Barkeshli, arXiv 2605.21486 (transfer quality).
 */
package io.hyperp.scaling;
