/**
 * HyperP's optimizers in the shape of optax, with Java's memory discipline.
 *
 * <p>Entry points: {@link io.hyperp.optim.Optimizers} builds HyperP, the plain Muon baseline and AdamW
 * (muP, standard parameterization) from parameter specs and a parameterization rule of hyperp-core,
 * and returns an {@link io.hyperp.optim.Optimizer} (transform, state, schedule, non-finite checks,
 * checkpoints). Underneath, {@link io.hyperp.optim.Transform}s with explicit
 * {@link io.hyperp.optim.TransformState} are composed by {@link io.hyperp.optim.Transforms#chain} and
 * {@link io.hyperp.optim.Transforms#partition}; parameters and gradients travel as
 * {@link io.hyperp.optim.ParamSet}s.
 *
 * <p><b>Sign convention</b> (stated here once, applied only by the terminal stages): the update
 * buffers hold a <em>descent direction</em> \(U\) that starts as a copy of the gradient and is
 * rewritten in place by direction stages (clipping, Muon, Adam, shape factors). Parameters move
 * against it: \(W \leftarrow (1-\eta\lambda)W - \eta U\) ({@code Transforms.applyDecoupled}), or the
 * sphere step of SPEC section 2 with \(U\) ({@code Transforms.sphereStep}), which is a retraction and
 * so is applied by the stage itself rather than returned as an additive update.
 *
 * <p><b>Mutation</b>: {@code init} allocates every buffer; {@code update} overwrites the update buffers,
 * the state (buffers and count) and, in terminal stages, the parameters, in place through
 * {@link io.hyperp.core.linalg.DenseOps} and no per-step array allocation (on the CPU backend with
 * OpenBLAS, no per-step allocation of any kind after the first step). Every argument is checked before anything is modified. Nothing here is
 * thread-safe except the immutable transforms, configs and schedules. Geometry (sphere step,
 * Newton-Schulz) comes from hyperp-core and is never reimplemented here.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); DeepMind optax.
 */
package io.hyperp.optim;
