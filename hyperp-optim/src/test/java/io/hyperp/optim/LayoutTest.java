package io.hyperp.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.schedule.LrSchedule;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The same steps whatever the memory layout of parameters and gradients. Dense arrays take the host
 * path of {@code DenseOps} (OpenBLAS calls and Adam's host loop); strided views of wider arrays are
 * not dense and take the portable path (ND4J ops) in every transform. Both must give the same
 * parameters, so each path checks the other.
 */
class LayoutTest {

    private static final ParameterizationRule HYPERP = Parameterizations.hyperP(2);

    /** Each tensor as the first half (along its last axis) of a tensor twice as wide: a strided view. */
    private static ParamSet stridedCopy(ParamSet dense) {
        ParamSet.Builder b = ParamSet.builder();
        for (ParamSet.Entry e : dense.entries()) {
            INDArray a = e.array();
            int last = a.rank() - 1;
            INDArray wide = Nd4j.concat(last, a, Nd4j.zeros(a.dataType(), a.shape()));
            NDArrayIndex[] index = new NDArrayIndex[0];
            org.nd4j.linalg.indexing.INDArrayIndex[] idx = new org.nd4j.linalg.indexing.INDArrayIndex[a.rank()];
            for (int d = 0; d < a.rank(); d++) {
                idx[d] = d == last ? NDArrayIndex.interval(0, a.size(last)) : NDArrayIndex.all();
            }
            INDArray view = wide.get(idx);
            assertEquals(a, view);
            b.add(e.spec(), view);
        }
        return b.build();
    }

    @Test
    void hyperPSteps_onStridedViews_equalTheStepsOnDenseArrays() {
        ParamSet dense = TestParams.params(HYPERP, DataType.DOUBLE, 3);
        ParamSet strided = stridedCopy(dense);
        Optimizer a = Optimizers.create(dense, HYPERP, LrSchedule.linearDecay(0.02, 50));
        Optimizer b = Optimizers.create(strided, HYPERP, LrSchedule.linearDecay(0.02, 50));
        for (int s = 0; s < 6; s++) {
            ParamSet g = TestParams.grads(dense, 40 + s);
            a.step(g, dense);
            b.step(stridedCopy(g), strided);
        }
        for (int i = 0; i < dense.size(); i++) {
            INDArray x = dense.get(i).array();
            INDArray y = strided.get(i).array();
            // Float64; the two paths sum in different orders, and six Newton-Schulz steps amplify rounding
            // by well under 1e3: 1e-11 absolute on O(1) entries.
            double diff = x.sub(y).amaxNumber().doubleValue();
            assertEquals(0.0, diff, 1e-11, dense.get(i).name());
        }
    }
}
