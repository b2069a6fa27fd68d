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
 *   <li>{@code newtonSchulzOnly}: the Newton-Schulz calls of a step alone, on arrays of the same shapes
 *       with the same kernel and schedule.</li>
 * </ul>
 * The fraction of the step spent outside Newton-Schulz (target, issue: at most 5%) is read from one run
 * of {@code step} with {@code -prof stack}: among the benchmark thread's RUNNABLE samples, Newton-Schulz
 * is the share in OpenBLAS {@code cblas_ssyrk}, {@code cblas_sgemm}, {@code cblas_scopy} (its
 * symmetrization) and {@code cblas_snrm2} frames and in {@code io.hyperp.core.orthogonal} code; the rest
 * of the step (gradient check and copy, clipping, momentum, the sphere step, Adam for the gains) is the
 * share in {@code cblas_sdot}, {@code cblas_saxpy}, {@code cblas_sscal}, {@code Pointer.memcpy} and the
 * other Java frames. On a quiet machine {@code 1 - newtonSchulzOnly / step} gives the same figure; on a
 * shared machine, where the load changes within seconds, the sampled split of a single run is the
 * figure to quote. (The stack profiler allocates; read allocation from a run with {@code -prof gc} only.
 * JMH's own bookkeeping adds the same few bytes per operation to both benchmarks; the step's
 * allocation is its excess over {@code newtonSchulzOnly}, which allocates nothing itself.)
 *
 * Off-heap: each iteration prints the change of ND4J's own allocation counter
 * ({@code Nd4j.getMemoryManager().allocatedMemory(0)}: bytes JavaCPP tracks plus ND4J's allocation
 * tracker) and of the process's physical memory ({@code Pointer.physicalBytes()}).
 *
 * <p>{@code -p kernel=gemm} forces the {@code Nd4j.gemm} fallback (it sets {@code -Dio.hyperp.ns.kernel=gemm}
 * in the forked JVM before anything else runs).
 *
 * <p>Run: {@code java -jar hyperp-benchmarks/target/benchmarks.jar MuonStep -prof gc}, then
 * {@code java -jar hyperp-benchmarks/target/benchmarks.jar MuonStepBenchmark.step -prof stack}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
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
            alone[i] =
                    NewtonSchulz.create(s, DataType.FLOAT, MuonConfig.defaults().schedule());
            aloneIn[i] = Nd4j.randn(DataType.FLOAT, s.shape());
            aloneOut[i] = Nd4j.create(DataType.FLOAT, s.shape());
        }
        System.out.printf(
                Locale.ROOT,
                "%n  Newton-Schulz kernel: %s (%s)%n",
                alone[0].kernel(),
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
        System.out.printf(
                Locale.ROOT,
                "%n  off-heap during iteration: ND4J allocatedMemory %+d B, physical %+d B%n",
                Nd4j.getMemoryManager().allocatedMemory(0) - trackedAtStart,
                Pointer.physicalBytes() - physicalAtStart);
    }

    /** One HyperP step. */
    @Benchmark
    public ParamSet step() {
        optimizer.step(grads, params);
        return params;
    }

    /** The Newton-Schulz calls of one step alone (same shapes, kernel and schedule). */
    @Benchmark
    public INDArray[] newtonSchulzOnly() {
        for (int i = 0; i < alone.length; i++) {
            alone[i].orthogonalizeInto(aloneIn[i], aloneOut[i]);
        }
        return aloneOut;
    }
}
