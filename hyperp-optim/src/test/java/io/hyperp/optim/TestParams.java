package io.hyperp.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hyperp.core.init.Initializer;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.core.testing.RandomMatrices;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A small model's worth of parameters of every role, seeded gradients, and exact comparisons. */
final class TestParams {

    static final List<ParamSpec> SPECS = List.of(
            ParamSpec.matrixOutIn("w_q", 8, 6, ParamRole.HIDDEN),
            ParamSpec.matrixOutIn("w_up", 12, 6, ParamRole.HIDDEN),
            ParamSpec.expertStack("experts", 3, 5, 6),
            ParamSpec.matrixOutIn("router", 3, 6, ParamRole.ROUTER),
            ParamSpec.matrixOutIn("head", 10, 6, ParamRole.OUTPUT_HEAD),
            ParamSpec.matrixOutIn("embed", 10, 6, ParamRole.EMBEDDING),
            ParamSpec.vector("gain", 6, ParamRole.GAIN));

    private TestParams() {}

    /** The parameters of {@link #SPECS}, initialized by the rule. */
    static ParamSet params(ParameterizationRule rule, DataType dt, long seed) {
        ParamSet.Builder b = ParamSet.builder();
        for (ParamSpec s : SPECS) {
            b.add(s, Initializer.initialize(s, rule, dt, seed));
        }
        return b.build();
    }

    /** Gradients uniform in [-1, 1) for every tensor of {@code like}, in its dtype. */
    static ParamSet grads(ParamSet like, long seed) {
        ParamSet.Builder b = ParamSet.builder();
        int i = 0;
        for (ParamSet.Entry e : like.entries()) {
            b.add(
                    e.spec(),
                    RandomMatrices.uniform(
                            seed * 31 + i++, e.array().dataType(), e.array().shape()));
        }
        return b.build();
    }

    /** A float32 tensor of the spec's shape, uniform in [-1, 1). */
    static INDArray uniform(ParamSpec spec, long seed) {
        return RandomMatrices.uniform(seed, DataType.FLOAT, spec.shape());
    }

    /** Deep copies. */
    static ParamSet copy(ParamSet p) {
        ParamSet.Builder b = ParamSet.builder();
        for (ParamSet.Entry e : p.entries()) {
            b.add(e.spec(), e.array().dup());
        }
        return b.build();
    }

    /** The Frobenius norm of each matrix (one per expert for a stack), as a vector. */
    static INDArray norms(INDArray w, ParamSpec spec) {
        if (spec.isStack()) {
            return w.norm2(1, 2);
        }
        return Nd4j.scalar(w.norm2Number().doubleValue()).reshape(1);
    }

    /** The state buffer of the optimizer whose hierarchical name ends with {@code suffix}. */
    static INDArray buffer(Optimizer opt, String suffix) {
        return opt.stateBuffers().entrySet().stream()
                .filter(e -> e.getKey().endsWith(suffix))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no state buffer " + suffix));
    }

    /** Same shape, dtype and bits. */
    static void assertBitIdentical(INDArray expected, INDArray actual, String what) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + ": shape");
        assertEquals(expected.dataType(), actual.dataType(), what + ": dtype");
        assertArrayEquals(
                expected.dup('c').data().asDouble(), actual.dup('c').data().asDouble(), 0.0, what);
    }
}
