/**
 * SameDiff integration: {@link io.hyperp.optim.samediff.SameDiffTrainer} trains any SameDiff graph's
 * variables with HyperP, the plain Muon baseline or AdamW; {@link io.hyperp.optim.samediff.RoleInference}
 * guesses roles from names and shapes and prints what it guessed. The trainer updates the graph's
 * variable arrays in place and is not thread-safe.
 */
package io.hyperp.optim.samediff;
