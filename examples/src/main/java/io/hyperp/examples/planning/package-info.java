/**
 * Planning a learning rate from Java: {@link io.hyperp.examples.planning.PlanningExample} measures (or reads)
 * a learning-rate sweep, fits eta* per width and a law with hyperp-scaling's fitters, and transfers the
 * learning rate to a larger model with HyperP's rule, printing the numbers the {@code hyperp} planning
 * commands print.
 */
package io.hyperp.examples.planning;
