/**
 * SameDiff with HyperP: {@link io.hyperp.examples.samediff.SameDiffNextByteExample} trains a next-byte
 * model written as a SameDiff graph on the demo corpus through hyperp-optim's
 * {@link io.hyperp.optim.samediff.SameDiffTrainer}, with the roles guessed and printed by
 * {@link io.hyperp.optim.samediff.RoleInference}.
 */
package io.hyperp.examples.samediff;
