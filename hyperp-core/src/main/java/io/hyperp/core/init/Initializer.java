package io.hyperp.core.init;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.InitScheme;
import io.hyperp.core.rule.ParameterizationRule;
import java.util.Objects;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Initialization of parameters per their {@link InitScheme}, deterministic for a seed and identical
 * on every backend: values are drawn in Java from a {@link SplittableRandom} seeded by
 * {@code seed} and the parameter's name, in C order, then copied into a new array.
 *
 * <p>For {@link InitScheme.Kind#UNIFORM_FAN_IN} the bound is {@code scale / sqrt(fan_in)}, with the
 * fan-in of one matrix (for a stack, every expert matrix has the same fan-in), so that
 * {@code E ||W_b||_F^2 = scale^2 fan_out / 3} for each matrix {@code b}.
 *
 * <p>Not a hot path: allocates the result and a Java array of the same size. Thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743, section 3 (reference initialization).
 */
public final class Initializer {

    private Initializer() {}

    /**
     * A new array of the spec's shape drawn from {@code scheme}.
     *
     * @param seed the run's seed; combined with the parameter name so parameters differ
     */
    public static INDArray initialize(ParamSpec spec, InitScheme scheme, DataType dataType, long seed) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(dataType, "dataType");
        checkArgument(
                dataType == DataType.FLOAT || dataType == DataType.DOUBLE,
                "%s: dataType must be FLOAT or DOUBLE, found %s",
                spec.name(),
                dataType);
        long n = spec.length();
        checkArgument(n <= Integer.MAX_VALUE, "%s: %s elements is too many to initialize in one array", spec.name(), n);
        SplittableRandom rnd =
                new SplittableRandom(seed * 0x9E3779B97F4A7C15L + spec.name().hashCode());
        double[] v = new double[(int) n];
        switch (scheme.kind()) {
            case UNIFORM_FAN_IN -> {
                double bound = scheme.scale() / Math.sqrt((double) spec.fanIn());
                for (int i = 0; i < v.length; i++) {
                    v[i] = (2 * rnd.nextDouble() - 1) * bound;
                }
            }
            case NORMAL -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = gaussian(rnd) * scheme.scale();
                }
            }
            case CONSTANT -> java.util.Arrays.fill(v, scheme.scale());
        }
        INDArray d = Nd4j.create(v, spec.shape(), 'c');
        return dataType == DataType.DOUBLE ? d : d.castTo(DataType.FLOAT);
    }

    /** A new array initialized as {@code rule} prescribes for {@code spec}. */
    public static INDArray initialize(ParamSpec spec, ParameterizationRule rule, DataType dataType, long seed) {
        Objects.requireNonNull(rule, "rule");
        return initialize(spec, rule.treatment(spec).init(), dataType, seed);
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller; u1 in (0, 1] so the log is finite.
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
