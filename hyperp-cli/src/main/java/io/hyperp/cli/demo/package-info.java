/**
 * The learning-rate transfer demonstration behind {@code hyperp demo}.
 *
 * <p>{@link io.hyperp.cli.demo.DemoCommand} runs the cells of a {@link io.hyperp.demo.train.DemoPlan}
 * (each one {@link io.hyperp.demo.train.TrainRun} of the demo model) on parallel threads with progress
 * and ETA; {@code DemoReport} fits each sweep's optimum with hyperp-scaling and writes the table, the
 * transfer verdicts, CSV, JSON, PNG plots and an HTML report.
 */
package io.hyperp.cli.demo;
