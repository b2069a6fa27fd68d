/**
 * Learning-rate schedules: {@link io.hyperp.optim.schedule.LrSchedule} and its records (constant,
 * linear warmup, linear decay to a floor, cosine, warmup-stable-decay). Schedules are immutable pure
 * functions of the step and are thread-safe.
 */
package io.hyperp.optim.schedule;
