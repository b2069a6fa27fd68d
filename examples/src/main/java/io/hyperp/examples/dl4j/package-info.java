/**
 * Deeplearning4j with HyperP: {@link io.hyperp.examples.dl4j.Dl4jNextByteExample} trains an ordinary
 * DL4J MultiLayerNetwork on the demo corpus with HyperP through {@code hyperp-dl4j}, next to the same
 * network under DL4J's Adam, and shows that saving, loading and continuing keeps the optimizer state.
 */
package io.hyperp.examples.dl4j;
