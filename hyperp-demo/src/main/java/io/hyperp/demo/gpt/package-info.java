/**
 * The demo language model: {@link io.hyperp.demo.gpt.TinyGpt}, a small byte-level decoder-only
 * transformer (RMSNorm, causal attention with QK-norm, SwiGLU, residual branches scaled by
 * \(1/\sqrt{2L}\), untied head) whose forward and backward passes are written directly in ND4J ops
 * over buffers allocated once, configured by the record {@link io.hyperp.demo.gpt.TinyGptConfig}.
 *
 * <p>Entry points: {@code TinyGpt.create(config)}, then {@code forwardBackward(tokens)} (returns the
 * loss, overwrites every gradient) or {@code loss(tokens)} (forward only); {@code params()} lists every
 * tensor with its {@link io.hyperp.core.param.ParamSpec} (role included) for the optimizer factory,
 * which updates the parameter arrays in place; {@code indicators()} gives the stability indicators of
 * SPEC section 6 for the last forward pass. {@code TinyGpt.create(config, init, moe)} builds the
 * mixture-of-experts variant, with hyperp-moe's layer in place of each block's SwiGLU.
 * {@link io.hyperp.demo.gpt.NdThreads} sets ND4J's thread counts for this workload.
 *
 * <p>Sign convention: gradients are \(+\partial \text{loss}/\partial\theta\); an optimizer subtracts
 * its step. Nothing in this package is thread-safe: one model per thread.
 */
package io.hyperp.demo.gpt;
