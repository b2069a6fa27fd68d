/**
 * Routing metrics: {@link io.hyperp.moe.metrics.RoutingStats} (one layer, one step: loads, MaxVio,
 * router Z, routed output RMS, auxiliary losses) and {@link io.hyperp.moe.metrics.RouterMetrics}, a
 * mutable accumulator over layers and steps that hands out immutable snapshots.
 *
 * <p>Package rules: records are immutable (arrays copied in and out); the accumulator is mutable and
 * not thread-safe. No ND4J here: statistics arrive as host numbers.
 */
package io.hyperp.moe.metrics;
