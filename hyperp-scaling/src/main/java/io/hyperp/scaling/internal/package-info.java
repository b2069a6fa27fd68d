/**
 * Implementation helpers of {@code hyperp-scaling}: argument checks, linear least squares by QR and the
 * bootstrap engine. Not API: anything here may change without notice.
 *
 * <p>All helpers are stateless or immutable after construction and therefore thread-safe.
 */
package io.hyperp.scaling.internal;
