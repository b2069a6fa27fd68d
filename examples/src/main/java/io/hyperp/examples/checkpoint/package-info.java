/**
 * Checkpoint and resume: {@link io.hyperp.examples.checkpoint.ResumeExample} stops a HyperP run of the
 * demo's transformer halfway, saves the optimizer state ({@link io.hyperp.optim.Optimizer#save}) and the
 * parameters, resumes from the files in a fresh model, and shows that the continuation is bit-identical
 * and that a damaged checkpoint is refused.
 */
package io.hyperp.examples.checkpoint;
