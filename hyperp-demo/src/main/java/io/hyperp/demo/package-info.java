/**
 * The demo's model, corpus and training run, as a library: what {@code hyperp demo} trains, usable by
 * any program (a sweep trainer, a benchmark) without the command line.
 *
 * <p>Subpackages: {@link io.hyperp.demo.gpt} (the model), {@link io.hyperp.demo.data} (the embedded
 * corpus) and {@link io.hyperp.demo.train} (one run, and the plan of a study).
 */
package io.hyperp.demo;
