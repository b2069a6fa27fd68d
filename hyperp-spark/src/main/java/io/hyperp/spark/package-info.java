/**
 * The Apache Spark engine of the sweep runner: {@link io.hyperp.spark.SparkEngine}, registered as the
 * {@code spark} engine of {@link io.hyperp.sweep.SweepEngine#create}.
 *
 * <p>Each cell is one Spark task; Spark's task retries ({@code spark.task.maxFailures}) retry a cell
 * whose trainer throws or whose executor dies, and each task publishes its cell through the
 * {@link io.hyperp.sweep.ResultStore}, so a re-executed task never duplicates a cell. The output
 * directory must be visible to the driver and every executor (one machine, or a shared file system).
 * On Java 17 the driver JVM needs Spark's {@code --add-opens} flags (see the README).
 */
package io.hyperp.spark;
