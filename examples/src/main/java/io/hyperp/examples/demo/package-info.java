/**
 * The learning-rate transfer demonstration behind {@code hyperp demo}.
 *
 * <p>{@link io.hyperp.examples.demo.DemoPlan} lists the runs of a study (one learning-rate sweep per
 * method and scale: widths, depths with the rules' depth factor, or MoE top-k with SqrtGate or plain
 * gates); {@link io.hyperp.examples.demo.TrainRun} trains one {@link io.hyperp.examples.gpt.TinyGpt} on
 * the embedded corpus under a parameterization rule and a peak learning rate
 * ({@link io.hyperp.examples.demo.TrainRunConfig}) and returns its loss curve, stability indicators and
 * whether it diverged ({@link io.hyperp.examples.demo.TrainRunResult});
 * {@link io.hyperp.examples.demo.DemoCommand} runs a plan's cells on parallel threads with progress and
 * ETA; {@code DemoReport} fits each sweep's optimum with hyperp-scaling and writes the table, the
 * transfer verdicts, CSV, JSON, PNG plots and an HTML report.
 *
 * <p>Runs are deterministic for their seeds; a diverged run is a result, never an exception. Nothing
 * is shared between runs, so runs may execute on parallel threads.
 */
package io.hyperp.examples.demo;
