package io.hyperp.optim;

import java.util.function.Supplier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Helpers for allocating state outside workspaces and for the rare non-finite path. */
final class Reductions {

    private Reductions() {}

    /**
     * Runs {@code allocation} with every ND4J workspace switched off, so that the arrays it creates
     * are not attached to a workspace the caller happens to have open (they must outlive it).
     */
    static <T> T outsideWorkspaces(Supplier<T> allocation) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return allocation.get();
        }
    }

    /** One preallocated scalar per tensor of the set, of the tensor's dtype. */
    static INDArray[] scalars(ParamSet set) {
        INDArray[] out = new INDArray[set.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Nd4j.scalar(set.get(i).array().dataType(), 0.0);
        }
        return out;
    }

    /** Whether {@code x} holds a NaN or an infinity. Allocates; for the rare path after a non-finite sum. */
    static boolean hasNonFinite(INDArray x) {
        return x.isNaN().any() || x.isInfinite().any();
    }
}
