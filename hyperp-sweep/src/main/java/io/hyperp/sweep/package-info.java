/**
 * Learning-rate sweeps as a library: what to run, how one cell trains, where results go, and who runs
 * the cells.
 *
 * <p>A {@link io.hyperp.sweep.SweepPlan} names a {@link io.hyperp.sweep.Trainer} and one or more grids
 * of axis values; its cells ({@link io.hyperp.sweep.SweepCell}) are the union of the grids' cross
 * products, each with a stable id and a seed derived from that id. A trainer turns one cell into a
 * {@link io.hyperp.sweep.CellResult} (final validation loss, loss curve, stability indicators, status,
 * wall time); {@link io.hyperp.sweep.Trainers} finds one by name ({@link java.util.ServiceLoader}) or
 * class name. {@link io.hyperp.sweep.SweepRunner} skips the cells the {@link io.hyperp.sweep.ResultStore}
 * already holds, hands the rest to a {@link io.hyperp.sweep.SweepEngine} (the
 * {@link io.hyperp.sweep.LocalEngine} thread pool here; Apache Spark in hyperp-spark), and merges the
 * cell files into {@code runs.csv} and {@code curves.csv} in plan order. {@link io.hyperp.sweep.PlanFiles}
 * reads plans from JSON or YAML.
 *
 * <p>Package-wide rules: each finished cell is written exactly once (a file per cell, published by an
 * atomic hard link); a cell whose trainer throws is retried up to a limit and then recorded as
 * {@code failed} with its reason; a non-finite loss is a {@code diverged} result and never retried.
 * Results are immutable records; the runner, the store and the engines are thread-safe.
 */
package io.hyperp.sweep;
