/**
 * HyperP inside Deeplearning4j: {@link io.hyperp.dl4j.HyperpDl4j} attaches HyperP's optimizers to an
 * existing {@code MultiLayerNetwork} or {@code ComputationGraph}, {@link io.hyperp.dl4j.RoleTable}
 * shows which role and optimizer each parameter gets, {@link io.hyperp.dl4j.HyperpUpdater} is the
 * per-parameter DL4J updater configuration that carries HyperP through the network's JSON, and
 * {@link io.hyperp.dl4j.HyperpBinding} reads the optimizer state a bound network holds.
 *
 * <p>Package rules: {@code attach} and {@code bind} mutate the network they are given (updater
 * configuration, updater state, and with {@code initializeParameters} the weights); everything else
 * only reads. Bad input throws {@link java.lang.IllegalArgumentException} naming the layer and the
 * parameter, before the network is touched; a network in a state HyperP cannot use throws
 * {@link java.lang.IllegalStateException}. Nothing here is thread-safe except the immutable
 * configurations.
 */
package io.hyperp.dl4j;
