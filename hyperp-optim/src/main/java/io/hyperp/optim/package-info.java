/**
 * HyperP's optimizers in the shape of optax: {@link io.hyperp.optim.Transform}s with explicit
 * {@link io.hyperp.optim.TransformState}, composed by {@link io.hyperp.optim.Transforms#chain} and
 * {@link io.hyperp.optim.Transforms#partition}; the factory {@link io.hyperp.optim.Optimizers} that
 * builds HyperP, the plain Muon baseline and AdamW from a parameterization rule; and the
 * {@link io.hyperp.optim.Optimizer} facade with schedule, non-finite checks and checkpoints.
 *
 * <p><b>Sign convention</b> (stated here once, applied in the terminal stages only): the update
 * buffers hold a descent direction {@code U} that starts as a copy of the gradient; parameters move
 * against it, {@code W <- W - lr * U}, or by the sphere step of SPEC section 2 with {@code U}.
 *
 * <p><b>Mutation</b>: {@code init} allocates every buffer; {@code update} overwrites the update
 * buffers and the state in place, and terminal stages overwrite parameters. Nothing here is
 * thread-safe. Geometry (sphere step, Newton-Schulz) comes from hyperp-core and is never
 * reimplemented here.
 */
package io.hyperp.optim;
