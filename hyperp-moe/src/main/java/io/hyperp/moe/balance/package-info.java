/**
 * Load balancing for MoE routers: the auxiliary losses of {@link io.hyperp.moe.balance.BalanceConfig}
 * (Switch, router z-loss, entropy) computed with their logit gradients by
 * {@link io.hyperp.moe.balance.BalanceLosses}, and auxiliary-loss-free balancing by a selection bias,
 * {@link io.hyperp.moe.balance.LossFreeBalancer}.
 *
 * <p>Package rules: batch statistics pass through a {@link io.hyperp.core.sphere.NormReduction}
 * (hyperp-core's reduction interface) so a distributed caller can make them global. Methods ending in
 * {@code InPlace} modify the arrays they name; {@code compute} overwrites the instance's buffers.
 * Configs are immutable records; the other classes hold buffers and are not thread-safe.
 */
package io.hyperp.moe.balance;
