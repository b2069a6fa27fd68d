/**
 * Mixture of experts with HyperP: {@link io.hyperp.examples.moe.SameDiffMoeExample} puts hyperp-moe's
 * SameDiff feed-forward (top-k routing, SqrtGate, balance losses) into a next-byte model, trains it with
 * SqrtGate and with plain gates, and logs the loss, MaxVio and router Z.
 */
package io.hyperp.examples.moe;
