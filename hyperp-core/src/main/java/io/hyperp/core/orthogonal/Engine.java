package io.hyperp.core.orthogonal;

import org.nd4j.linalg.api.ndarray.INDArray;

/** One way of running Newton-Schulz on checked arguments; holds its own scratch. */
interface Engine {

    /**
     * Orthogonalizes every matrix of {@code g} into {@code out}; both have the spec's shape and the
     * engine's dtype, and are different arrays.
     */
    void orthogonalize(INDArray g, INDArray out);

    /** Which kernel this is. */
    NsKernel kernel();
}
