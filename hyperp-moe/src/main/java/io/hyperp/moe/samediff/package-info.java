/**
 * The MoE feed-forward layer for SameDiff graphs: {@link io.hyperp.moe.samediff.SameDiffMoe} adds the
 * layer's variables and ops (dense-dispatch form, automatic differentiation) and returns its output,
 * auxiliary loss, router Z, per-expert loads (for MaxVio) and parameter specs.
 *
 * <p>Package rules: methods add to the graph they are given and hold no state; bad arguments raise
 * {@link java.lang.IllegalArgumentException} naming the layer.
 */
package io.hyperp.moe.samediff;
