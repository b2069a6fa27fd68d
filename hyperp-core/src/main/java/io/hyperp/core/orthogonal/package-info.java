/**
 * Orthogonalization of update directions: {@link io.hyperp.core.orthogonal.NewtonSchulz} with the
 * coefficient schedules of {@link io.hyperp.core.orthogonal.NsSchedule}, computed by one of the
 * {@link io.hyperp.core.orthogonal.NsKernel}s (OpenBLAS symmetric rank-k updates on the CPU backend
 * when the optional {@code org.bytedeco:openblas} dependency is present and passes a self-check,
 * {@code Nd4j.gemm} everywhere else).
 *
 * <p>Entry point: {@code NewtonSchulz.create(spec, dataType, schedule)} once per parameter, then
 * {@code orthogonalizeInto(g, out)} every step. Methods ending in {@code Into} overwrite only their
 * {@code out} argument and never modify their inputs; all scratch is allocated at creation.
 * Instances are not thread-safe; schedules and kernels are immutable enums.
 */
package io.hyperp.core.orthogonal;
