/**
 * Model shapes and their parameter and FLOP counts (SPEC section 4): {@link
 * io.hyperp.core.shape.ModelShape} with the reference family preset, and {@link
 * io.hyperp.core.shape.MoeShape}. Immutable records, validated on construction.
 */
package io.hyperp.core.shape;
