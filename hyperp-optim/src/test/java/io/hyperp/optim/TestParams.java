package io.hyperp.optim;

import io.hyperp.core.init.Initializer;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParameterizationRule;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A small model's worth of parameters of every role, and seeded gradients for them. */
final class TestParams {

    static final List<ParamSpec> SPECS = List.of(
            ParamSpec.matrixOutIn("w_q", 8, 6, ParamRole.HIDDEN),
            ParamSpec.matrixOutIn("w_up", 12, 6, ParamRole.HIDDEN),
            ParamSpec.expertStack("experts", 3, 5, 6),
            ParamSpec.matrixOutIn("router", 3, 6, ParamRole.ROUTER),
            ParamSpec.matrixOutIn("head", 10, 6, ParamRole.OUTPUT_HEAD),
            ParamSpec.matrixOutIn("embed", 10, 6, ParamRole.EMBEDDING),
            ParamSpec.vector("gain", 6, ParamRole.GAIN));

    private TestParams() {
    }

    static ParamSet params(ParameterizationRule rule, DataType dt, long seed) {
        ParamSet.Builder b = ParamSet.builder();
        for (ParamSpec s : SPECS) {
            b.add(s, Initializer.initialize(s, rule, dt, seed));
        }
        return b.build();
    }

    static ParamSet grads(ParamSet like, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ParamSet.Builder b = ParamSet.builder();
        for (ParamSet.Entry e : like.entries()) {
            double[] v = new double[(int) e.array().length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextDouble() * 2 - 1;
            }
            b.add(e.spec(), Nd4j.create(v, e.array().shape(), 'c').castTo(e.array().dataType()));
        }
        return b.build();
    }

    static ParamSet copy(ParamSet p) {
        ParamSet.Builder b = ParamSet.builder();
        for (ParamSet.Entry e : p.entries()) {
            b.add(e.spec(), e.array().dup());
        }
        return b.build();
    }

    static INDArray norms(INDArray w, ParamSpec spec) {
        if (spec.isStack()) {
            return w.norm2(1, 2);
        }
        return Nd4j.scalar(w.norm2Number().doubleValue()).reshape(1);
    }
}
