/**
 * Whole-array level-1 linear algebra for the per-step code of optimizers and geometry:
 * {@link io.hyperp.core.linalg.DenseOps} (sums of squares, inner products, scaling, {@code axpy},
 * copies) on preallocated ND4J arrays.
 *
 * <p>Entry point: {@code DenseOps.create()} once per owner (an optimizer stage, a sphere), then its
 * methods every step. On the CPU backend with the optional {@code org.bytedeco:openblas} dependency
 * the operations run as OpenBLAS level-1 calls on the arrays' host memory and allocate nothing once
 * an array has been seen; everywhere else (other backends, non-contiguous views) they run as ND4J
 * ops. Methods name what they overwrite; every other argument is read only. Instances are not
 * thread-safe.
 *
 * <p>{@link io.hyperp.core.linalg.BlasLibrary} says which OpenBLAS the CPU backend runs on (version and
 * chosen core), logged once at first use, with a warning and its fix when that combination is known
 * to be slow.
 */
package io.hyperp.core.linalg;
