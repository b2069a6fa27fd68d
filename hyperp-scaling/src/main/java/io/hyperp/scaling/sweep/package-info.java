/**
 * Learning-rate sweeps: {@link io.hyperp.scaling.sweep.SweepPoint} (one run: learning rate, final loss and
 * free-form labels such as width, depth, tokens, batch, params, experts, top_k, seed),
 * {@link io.hyperp.scaling.sweep.Sweep} (an immutable list of points with grouping by labels) and
 * {@link io.hyperp.scaling.sweep.SweepCsv} (CSV in and out).
 *
 * <p>Rules: a learning rate is finite and positive; a loss is finite, or NaN / +infinity for a diverged run
 * (never -infinity); labels are strings, read as numbers on demand. Everything here is immutable and
 * thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP), section on learning-rate sweeps.
 */
package io.hyperp.scaling.sweep;
