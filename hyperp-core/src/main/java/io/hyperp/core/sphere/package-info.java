/**
 * Frobenius-sphere geometry on ND4J tensors: {@link io.hyperp.core.sphere.Sphere} (norms, the
 * retraction step of SPEC section 2, tangent projection, renormalization) for one matrix or one
 * sphere per matrix of a stack, and {@link io.hyperp.core.sphere.NormReduction}, through which every
 * per-matrix sum passes so that sharded callers can supply an all-reduce.
 *
 * <p>Package rules: methods ending in {@code InPlace} overwrite the arrays their documentation names;
 * all other methods only read. Arguments are checked before anything is written. Instances hold
 * scratch and are not thread-safe.
 */
package io.hyperp.core.sphere;
