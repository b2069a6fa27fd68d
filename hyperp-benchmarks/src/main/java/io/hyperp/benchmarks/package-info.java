/**
 * JMH benchmarks, built into {@code hyperp-benchmarks/target/benchmarks.jar}. Each
 * {@code XxxBenchmark} allocates its arrays in a trial-level setup, runs a baseline of the same size
 * in the same run where one applies (a bare GEMM for Newton-Schulz), and returns or sinks its
 * results. Speed is measured here, never in tests.
 */
package io.hyperp.benchmarks;
