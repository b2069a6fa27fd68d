package io.hyperp.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.factory.Nd4j;

/** Full reductions into preallocated scalars, so that per-step code allocates no result arrays. */
final class Reductions {

    private Reductions() {
    }

    /** One preallocated scalar per tensor of the set, of the tensor's dtype. */
    static INDArray[] scalars(ParamSet set) {
        INDArray[] out = new INDArray[set.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Nd4j.scalar(set.get(i).array().dataType(), 0.0);
        }
        return out;
    }

    /** The sum of squares of {@code x}, computed into {@code scalar} (overwritten). */
    static double sumOfSquares(INDArray x, INDArray scalar) {
        Nd4j.getExecutioner().exec(new SquaredNorm(x, scalar));
        return scalar.getDouble(0);
    }

    /** Whether {@code x} holds a NaN or an infinity. Allocates; for the rare path after a non-finite sum. */
    static boolean hasNonFinite(INDArray x) {
        return x.isNaN().any() || x.isInfinite().any();
    }
}
