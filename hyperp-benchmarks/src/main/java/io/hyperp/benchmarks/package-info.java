/**
 * JMH benchmarks of HyperP for Java, built into one runnable jar
 * ({@code java -jar hyperp-benchmarks/target/benchmarks.jar}). Each {@code XxxBenchmark} allocates its
 * arrays in a trial-level setup, returns or sinks its results, and measures a baseline of the same
 * size next to the operation it studies. Benchmarks are not tests: nothing here asserts a time.
 */
package io.hyperp.benchmarks;
