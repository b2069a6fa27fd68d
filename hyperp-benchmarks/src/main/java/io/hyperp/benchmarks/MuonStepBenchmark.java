package io.hyperp.benchmarks;

import io.hyperp.core.init.Initializer;
import io.hyperp.core.orthogonal.NewtonSchulz;
import io.hyperp.core.orthogonal.NsKernel;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.optim.MuonConfig;
import io.hyperp.optim.Optimizer;
import io.hyperp.optim.Optimizers;
import io.hyperp.optim.ParamSet;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole HyperP optimizer step ({@code Optimizers.create(params, Parameterizations.hyperP(L), ...)},
 * float32) over the parameters of one transformer block of the reference family at width
 * {@code dModel = 128 L} (SPEC section 4): attention q [2d, d], k and v [512, d], out [d, 2d]; SwiGLU
 * gate and up [4d, d], down [d, 4d]; RMSNorm gains [d] x 2 and QK-norm gains [128] x 2. The step
 * includes the gradient checks and copy, the global-norm clip, momentum and Nesterov, Newton-Schulz
 * (HYPERP_5), the sphere step and AdamW for the gains.
 *
 * <ul>
 *   <li>{@code step}: the step alone. With {@code -prof gc}, {@code gc.alloc.rate.norm} is the Java heap
 *       allocated per step.</li>
 *   <li>{@code stepThenNewtonSchulz}: a step, then Newton-Schulz alone on arrays of the same shapes with
 *       the same kernel and schedule. Aux counters {@code stepMs} and {@code newtonSchulzMs} sum both times;
 *       the fraction of the step spent outside Newton-Schulz is {@code 1 - newtonSchulzMs / stepMs}
 *       (target, issue: at most 5%). Each measured iteration also prints that fraction.</li>
 * </ul>
 * Off-heap: each iteration prints the change of ND4J's own allocation counter
 * ({@code Nd4j.getMemoryManager().allocatedMemory(0)}: bytes JavaCPP tracks plus ND4J's allocation
 * tracker) and of the process's physical memory ({@code Pointer.physicalBytes()}).
 *
 * <p>{@code -p kernel=gemm} forces the {@code Nd4j.gemm} fallback (it sets {@code -Dio.hyperp.ns.kernel=gemm}
 * in the forked JVM before anything else runs).
 *
 * <p>Run: {@code java -jar hyperp-benchmarks/target/benchmarks.jar MuonStep -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class MuonStepBenchmark {

    /** The model width d (the reference family has d = 128 L). */
    @Param({"1024"})
    public int dModel;

    /** {@code auto} (the preferred kernel) or {@code gemm} (the fallback). */
    @Param({"auto"})
    public String kernel;

    private ParamSet params;
    private ParamSet grads;
    private Optimizer optimizer;
    private NewtonSchulz[] alone;
    private INDArray[] aloneIn;
    private INDArray[] aloneOut;
    private long trackedAtStart;
    private long physicalAtStart;

    /** Step and Newton-Schulz times, summed over an iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Split {
        /** Milliseconds in optimizer steps. */
        public double stepMs;
        /** Milliseconds in Newton-Schulz alone on the same shapes. */
        public double newtonSchulzMs;

        /** Zeroes the sums. */
        @Setup(Level.Iteration)
        public void reset() {
            stepMs = 0;
            newtonSchulzMs = 0;
        }

        /** Prints this iteration's fraction of the step outside Newton-Schulz. */
        @TearDown(Level.Iteration)
        public void print() {
            if (stepMs > 0) {
                System.out.printf(Locale.ROOT, "%n  outside Newton-Schulz: %.2f%% of the step (step %.1f ms, NS %.1f ms)%n",
                        100 * (1 - newtonSchulzMs / stepMs), stepMs, newtonSchulzMs);
            }
        }
    }

    /** Builds the block's parameters, gradients, the optimizer and the stand-alone Newton-Schulz instances. */
    @Setup(Level.Trial)
    public void setUp() {
        if ("gemm".equals(kernel)) {
            System.setProperty(NsKernel.PROPERTY, "gemm");
        } else if (!"auto".equals(kernel)) {
            throw new IllegalArgumentException("kernel must be auto or gemm, found " + kernel);
        }
        long d = dModel;
        List<ParamSpec> specs = List.of(
                ParamSpec.vector("attn_norm", d, ParamRole.GAIN),
                ParamSpec.matrixOutIn("w_q", 2 * d, d, ParamRole.HIDDEN),
                ParamSpec.matrixOutIn("w_k", 512, d, ParamRole.HIDDEN),
                ParamSpec.matrixOutIn("w_v", 512, d, ParamRole.HIDDEN),
                ParamSpec.vector("q_norm", 128, ParamRole.GAIN),
                ParamSpec.vector("k_norm", 128, ParamRole.GAIN),
                ParamSpec.matrixOutIn("w_o", d, 2 * d, ParamRole.HIDDEN),
                ParamSpec.vector("mlp_norm", d, ParamRole.GAIN),
                ParamSpec.matrixOutIn("w_gate", 4 * d, d, ParamRole.HIDDEN),
                ParamSpec.matrixOutIn("w_up", 4 * d, d, ParamRole.HIDDEN),
                ParamSpec.matrixOutIn("w_down", d, 4 * d, ParamRole.HIDDEN));
        ParameterizationRule rule = Parameterizations.hyperP(Math.max(1, dModel / 128));
        ParamSet.Builder pb = ParamSet.builder();
        ParamSet.Builder gb = ParamSet.builder();
        Nd4j.getRandom().setSeed(7);
        List<ParamSpec> matrices = new ArrayList<>();
        long seed = 1;
        for (ParamSpec s : specs) {
            pb.add(s, Initializer.initialize(s, rule, DataType.FLOAT, seed++));
            gb.add(s, Nd4j.randn(DataType.FLOAT, s.shape()).muli(1e-3));
            if (s.rank() >= 2) {
                matrices.add(s);
            }
        }
        params = pb.build();
        grads = gb.build();
        optimizer = Optimizers.create(params, rule, LrSchedule.constant(0.01));
        alone = new NewtonSchulz[matrices.size()];
        aloneIn = new INDArray[matrices.size()];
        aloneOut = new INDArray[matrices.size()];
        for (int i = 0; i < alone.length; i++) {
            ParamSpec s = matrices.get(i);
            alone[i] = NewtonSchulz.create(s, DataType.FLOAT, MuonConfig.defaults().schedule());
            aloneIn[i] = Nd4j.randn(DataType.FLOAT, s.shape());
            aloneOut[i] = Nd4j.create(DataType.FLOAT, s.shape());
        }
        System.out.printf(Locale.ROOT, "%n  Newton-Schulz kernel: %s (%s)%n", alone[0].kernel(),
                NsKernel.SYMMETRIC_BLAS.availability());
    }

    /** Records ND4J's allocation counter and physical memory at the start of an iteration. */
    @Setup(Level.Iteration)
    public void markMemory() {
        trackedAtStart = Nd4j.getMemoryManager().allocatedMemory(0);
        physicalAtStart = Pointer.physicalBytes();
    }

    /** Prints how both moved during the iteration. */
    @TearDown(Level.Iteration)
    public void printMemory() {
        System.out.printf(Locale.ROOT, "%n  off-heap during iteration: ND4J allocatedMemory %+d B, physical %+d B%n",
                Nd4j.getMemoryManager().allocatedMemory(0) - trackedAtStart, Pointer.physicalBytes() - physicalAtStart);
    }

    /** One HyperP step. */
    @Benchmark
    public ParamSet step() {
        optimizer.step(grads, params);
        return params;
    }

    /** One HyperP step, then Newton-Schulz alone on the same shapes; both timed into {@link Split}. */
    @Benchmark
    public ParamSet stepThenNewtonSchulz(Split split) {
        long t0 = System.nanoTime();
        optimizer.step(grads, params);
        long t1 = System.nanoTime();
        for (int i = 0; i < alone.length; i++) {
            alone[i].orthogonalizeInto(aloneIn[i], aloneOut[i]);
        }
        long t2 = System.nanoTime();
        split.stepMs += (t1 - t0) / 1e6;
        split.newtonSchulzMs += (t2 - t1) / 1e6;
        return params;
    }
}
