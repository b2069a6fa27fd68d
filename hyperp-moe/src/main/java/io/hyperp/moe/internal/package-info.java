/**
 * Non-API helpers of the MoE module: thin wrappers around the ND4J custom operations the router,
 * the dispatch plan and the layer run ({@code gather}, {@code scatter_upd}, {@code bincount},
 * {@code floormod}, arg-max along rows, row-wise dot products, shape and dtype checks).
 *
 * <p>Nothing here is part of the public API; signatures may change without notice. Every wrapper
 * writes into an output array its caller preallocated and allocates no tensor buffer.
 */
package io.hyperp.moe.internal;
