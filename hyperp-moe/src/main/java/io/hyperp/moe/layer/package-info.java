/**
 * The SwiGLU mixture-of-experts feed-forward layer, {@link io.hyperp.moe.layer.MoeFeedForward}, with
 * an explicit forward and backward pass into preallocated buffers, for models written by hand in ND4J
 * ops; its shape is a {@link io.hyperp.moe.layer.MoeLayerConfig}, its tensors are
 * {@link io.hyperp.moe.layer.LayerParam}s carrying the ROUTER, EXPERT and HIDDEN roles an optimizer
 * needs.
 *
 * <p>Package rules: {@code forward} and {@code backward} overwrite the layer's own buffers and return
 * them; {@code backward} overwrites the gradient buffers; arguments are checked before anything is
 * written. Layers are not thread-safe.
 */
package io.hyperp.moe.layer;
