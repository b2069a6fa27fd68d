/**
 * Mixture-of-experts routing for HyperP (SPEC 5): {@link io.hyperp.moe.Router} (top-k with lowest-index
 * ties, softmax over the selected logits, SqrtGate, shared-expert mix), {@link io.hyperp.moe.Dispatcher}
 * (dropless dispatch and combine as ND4J gather / segment-sum ops), {@link io.hyperp.moe.BalanceLosses}
 * (Switch, z-loss, entropy) and {@link io.hyperp.moe.LossFreeBalancer}, {@link io.hyperp.moe.MoeMetrics}
 * (loads, MaxVio, router Z, output RMS) and the layer {@link io.hyperp.moe.MoeFeedForward} with an
 * explicit forward and backward pass.
 *
 * <p>Package rules: routers, dispatchers and layers own preallocated buffers for a fixed token count;
 * accessors return those live buffers, overwritten by the next call. Gradient methods accumulate into
 * or overwrite the arrays their documentation names. Batch statistics go through
 * {@link io.hyperp.core.sphere.NormReduction} so distributed callers can supply an all-reduce.
 * Nothing here is thread-safe.
 */
package io.hyperp.moe;
