/**
 * Orthogonalization of update directions: {@link io.hyperp.core.orthogonal.NewtonSchulz} with the
 * coefficient schedules of {@link io.hyperp.core.orthogonal.NsSchedule}. Methods ending in
 * {@code Into} overwrite only their {@code out} argument; scratch is allocated at creation.
 */
package io.hyperp.core.orthogonal;
