/**
 * The learning-rate transfer demonstration: {@link io.hyperp.examples.demo.TrainRun} trains one
 * {@link io.hyperp.examples.gpt.TinyGpt} on the embedded corpus under a parameterization rule and a peak
 * learning rate ({@link io.hyperp.examples.demo.TrainRunConfig}) and returns its loss curve and whether
 * it diverged ({@link io.hyperp.examples.demo.TrainRunResult}); sweeps over learning rates and widths
 * are sets of such runs.
 *
 * <p>Runs are deterministic for their seeds; a diverged run is a result, never an exception. Nothing
 * here is shared between runs, so runs may execute on parallel threads.
 */
package io.hyperp.examples.demo;
