package io.hyperp.core.sphere;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How per-matrix sums (of squares, of products) computed on this worker's shard become sums over
 * the whole matrix. A caller holding only a shard of a sharded matrix supplies an all-reduce; a
 * caller holding whole matrices uses {@link #local()}, which does nothing.
 *
 * <p>Every norm and inner product the sphere geometry computes goes through this interface: it
 * reduces a vector with one entry per matrix (one per expert for a stack) before any square root or
 * division, so sharded and unsharded runs agree (SPEC section 2, last bullet).
 *
 * <p>Implementations must be safe to call from the thread that runs the optimizer step; the local
 * one is stateless and thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743, appendix on distributed MuonH.
 */
@FunctionalInterface
public interface NormReduction {

    /**
     * Replaces each entry of {@code partialSums} with its sum over all workers.
     *
     * @param partialSums a vector of this worker's partial sums, one per matrix; overwritten
     */
    void allReduceSumInPlace(INDArray partialSums);

    /** The reduction for a caller that holds whole matrices: leaves the sums as they are. */
    static NormReduction local() {
        return LocalNormReduction.INSTANCE;
    }
}

/** The no-op reduction of {@link NormReduction#local()}. */
enum LocalNormReduction implements NormReduction {
    INSTANCE;

    @Override
    public void allReduceSumInPlace(INDArray partialSums) {
        // Whole matrices are local: nothing to add.
    }

    @Override
    public String toString() {
        return "NormReduction.local()";
    }
}
