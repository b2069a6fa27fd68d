/**
 * The {@code hyperp} command line ({@link io.hyperp.cli.HyperpCli}, the main class of
 * {@code hyperp-cli/target/hyperp.jar}): {@code optimum}, {@code fit-law}, {@code transfer}, {@code plan} and
 * {@code leverage}, each printing a readable table, or JSON with {@code --json}. {@code optimum --across AXIS} also
 * reports, per study, how far the optimal learning rate moves along a scaling axis (see
 * {@link io.hyperp.scaling.transfer.TransferQuality}). {@code transfer} moves a base learning rate along every axis
 * under every rule of {@link io.hyperp.scaling.transfer.PlanningRule} ({@code --compare} for all of them);
 * {@code plan} goes from sweep CSVs at base scales to a target ({@link io.hyperp.scaling.transfer.LrPlanner}).
 * {@code sweep} ({@link io.hyperp.cli.SweepCommand}) runs a sweep plan through the sweep runner of hyperp-sweep on
 * the local engine or on Apache Spark, with {@link io.hyperp.cli.SweepProgressBar} as its progress display.
 *
 * <p>Exit status: 0 on success; 1 when a sweep's optimum was refused (the output says why) or on an internal
 * error; 2 on bad input (missing option or column, non-numeric or negative value, too few points, unknown rule),
 * with one line on standard error and never a stack trace. Subcommands are registered in one place,
 * {@link io.hyperp.cli.HyperpCli#subcommands()}.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); SPEC sections 4, 7 and 8.
 */
package io.hyperp.cli;
