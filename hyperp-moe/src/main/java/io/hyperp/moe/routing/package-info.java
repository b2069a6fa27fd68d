/**
 * Top-k token-choice routing on ND4J tensors.
 *
 * <p>Entry points: {@link io.hyperp.moe.routing.TopKRouter} (selection with deterministic
 * tie-breaking, softmax-over-selected gates, SqrtGate, optional selection bias, and the backward
 * pass to the logits) and {@link io.hyperp.moe.routing.DispatchPlan} (dropless dispatch: tokens per
 * expert, the permutation into expert order, gather, weighted combine and its backward).
 *
 * <p>Package rules: per-(token, slot) arrays are slot-major {@code [k', T]} (slot index
 * {@code j T + t}); dispatched rows are in expert order {@code [T k', ...]}. Methods ending in
 * {@code Into} overwrite the output arrays they name; {@code route} and {@code build} overwrite the
 * instance's own buffers; every argument is checked before anything is written. No method loops in
 * Java over tokens; only per-expert loops (over {@code E}) appear. Instances are not thread-safe.
 */
package io.hyperp.moe.routing;
