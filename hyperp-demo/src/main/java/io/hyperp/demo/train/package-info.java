/**
 * One training run of the demo model and the plan of a demo study.
 *
 * <p>{@link io.hyperp.demo.train.DemoPlan} lists the runs of a study (one learning-rate sweep per
 * method and scale: widths, depths with the rules' depth factor, or MoE top-k with SqrtGate or plain
 * gates); {@link io.hyperp.demo.train.TrainRun} trains one {@link io.hyperp.demo.gpt.TinyGpt} on the
 * embedded corpus under a parameterization rule and a peak learning rate
 * ({@link io.hyperp.demo.train.TrainRunConfig}) and returns its loss curve, stability indicators and
 * whether it diverged ({@link io.hyperp.demo.train.TrainRunResult}). {@link io.hyperp.demo.train.DemoTrainer}
 * is the same run as a sweep trainer of hyperp-sweep (name {@code demo}).
 *
 * <p>Runs are deterministic for their seeds; a diverged run is a result, never an exception. Nothing
 * is shared between runs, so runs may execute on parallel threads.
 */
package io.hyperp.demo.train;
