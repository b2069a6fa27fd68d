/**
 * JMH benchmarks of the library and the demo, built into one runnable jar
 * ({@code java -jar hyperp-benchmarks/target/benchmarks.jar}). Each {@code XxxBenchmark} allocates its
 * arrays in a trial-level setup and returns or sinks its results; none asserts anything about time.
 */
package io.hyperp.benchmarks;
