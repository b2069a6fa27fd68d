/**
 * Mixture-of-experts routing for HyperP: top-k token-choice routing with SqrtGate and shared experts,
 * load-balancing losses and loss-free balancing, balance metrics, and an MoE feed-forward layer.
 *
 * <p>Entry points: {@link io.hyperp.moe.RouterConfig} (what to route and how),
 * {@link io.hyperp.moe.routing} (router and dispatch plan), {@link io.hyperp.moe.balance} (auxiliary
 * losses, loss-free balancing), {@link io.hyperp.moe.metrics} (MaxVio, router Z, routed RMS),
 * {@link io.hyperp.moe.layer} (the SwiGLU MoE layer with explicit forward and backward) and
 * {@link io.hyperp.moe.samediff} (the same layer built into a SameDiff graph).
 *
 * <p>Package-wide rules: configs are immutable records validated on construction; bad arguments
 * raise {@link java.lang.IllegalArgumentException} naming the layer and the argument, before anything
 * is modified. Per-(token, slot) arrays are slot-major {@code [k', T]}. Hot paths are ND4J ops into
 * buffers allocated at creation, with no Java loop over tokens. Instances holding buffers are not
 * thread-safe.
 *
 * <p>References: Ren et al., <i>Rethinking Language Model Scaling under Transferable Hypersphere
 * Optimization</i> (arXiv 2603.28743).
 */
package io.hyperp.moe;
