package io.hyperp.benchmarks;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import io.hyperp.core.orthogonal.NewtonSchulz;
import io.hyperp.core.orthogonal.NsKernel;
import io.hyperp.core.orthogonal.NsSchedule;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
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
 * Float32 Newton-Schulz (HYPERP_5) of one {@code rows x cols} matrix, with both kernels, against a
 * bare GEMM of the same size in the same run.
 *
 * <p>Every method reports, besides operations per second, a {@code gflop} counter in GFLOP/s:
 * Newton-Schulz counts the nominal {@code 5 (4 m^2 n + 2 m^3)} flops of general products
 * ({@link NewtonSchulz#nominalFlops()}, m = min, n = max of rows and cols) whichever kernel runs;
 * the baselines count {@code 2 m^2 n}. The baselines are the two products that dominate an
 * iteration, each a general product of the same size: the Gram product \(X X^T\) of the wide
 * \(m \times n\) matrix and \(B X\) with \(B\) of \(m \times m\), through {@code Nd4j.gemm} into
 * preallocated 'f'-order outputs, and the Gram product through OpenBLAS {@code sgemm} directly.
 * Target (issue): Newton-Schulz at least 1.1 times the GEMM rate of the same run on 1024 x 4096.
 *
 * <p>{@code paired} runs both kernels and both Nd4j.gemm baselines back to back in one invocation and
 * prints each iteration's GFLOP/s and ratios: on a shared, noisy machine these ratios are the ones
 * to quote.
 *
 * <p>Input and output are 'c'-order arrays of the stored shape (as an optimizer's buffers are); a
 * tall matrix is processed as its transpose without a copy.
 *
 * <p>Run: {@code java -jar hyperp-benchmarks/target/benchmarks.jar NewtonSchulz -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
public class NewtonSchulzBenchmark {

    /** {@code rows x cols} of the stored matrix. */
    @Param({"1024x1024", "1024x4096", "4096x1024"})
    public String shape;

    private INDArray g;
    private INDArray out;
    private NewtonSchulz symmetric;
    private NewtonSchulz gemm;
    private double nsGflop;
    private double gemmGflop;
    private int gemmRepeats;
    private int m;
    private int n;
    private INDArray wide; // [m, n] 'f'
    private INDArray gram; // [m, m] 'f'
    private INDArray square; // [m, m] 'f'
    private INDArray applied; // [m, n] 'f'
    private FloatPointer pWide;
    private FloatPointer pGram;

    /** GFLOP counted per operation; JMH reports it per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        /** GFLOP done (reported as GFLOP/s). */
        public double gflop;

        /** Zeroes the counter. */
        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    /**
     * Times of the four paired computations, summed over an iteration, and the GFLOP each did; each
     * iteration prints their GFLOP/s and the ratios, which drift on a shared machine far less than
     * rates measured minutes apart.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Paired {
        /** Milliseconds in Newton-Schulz with the symmetric kernel. */
        public double nsSymmetricMs;
        /** Milliseconds in Newton-Schulz with the gemm kernel. */
        public double nsGemmMs;
        /** Milliseconds in the Gram-product baseline. */
        public double gemmGramMs;
        /** Milliseconds in the B X baseline. */
        public double gemmApplyMs;
        /** Nominal GFLOP of one Newton-Schulz kind, summed (EVENTS counters are summed over iterations). */
        public double nsGflop;
        /** GFLOP of one baseline kind (all its repeats), summed. */
        public double gemmGflop;

        /** Zeroes the sums. */
        @Setup(Level.Iteration)
        public void reset() {
            nsSymmetricMs = 0;
            nsGemmMs = 0;
            gemmGramMs = 0;
            gemmApplyMs = 0;
            nsGflop = 0;
            gemmGflop = 0;
        }

        /** Prints this iteration's rates and ratios. */
        @TearDown(Level.Iteration)
        public void print() {
            if (nsGflop == 0) {
                return;
            }
            double sym = nsGflop / nsSymmetricMs * 1e3;
            double gem = nsGflop / nsGemmMs * 1e3;
            double gram = gemmGflop / gemmGramMs * 1e3;
            double apply = gemmGflop / gemmApplyMs * 1e3;
            double best = Math.max(gram, apply);
            System.out.printf(
                    Locale.ROOT,
                    "%n  GFLOP/s: NS symmetric %.1f, NS gemm %.1f, GEMM X X^T %.1f, GEMM B X %.1f;"
                            + " NS symmetric / best GEMM %.3f, NS gemm / best GEMM %.3f%n",
                    sym,
                    gem,
                    gram,
                    apply,
                    sym / best,
                    gem / best);
        }
    }

    /** Allocates every array and both Newton-Schulz instances. */
    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("x", -1);
        long rows = Long.parseLong(parts[0]);
        long cols = Long.parseLong(parts[1]);
        ParamSpec spec = ParamSpec.matrixOutIn("w", rows, cols, ParamRole.HIDDEN);
        Nd4j.getRandom().setSeed(42);
        g = Nd4j.randn(DataType.FLOAT, rows, cols);
        out = Nd4j.create(DataType.FLOAT, rows, cols);
        symmetric = NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.HYPERP_5, NsKernel.SYMMETRIC_BLAS);
        gemm = NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.HYPERP_5, NsKernel.ND4J_GEMM);
        nsGflop = symmetric.nominalFlops() / 1e9;
        m = (int) Math.min(rows, cols);
        n = (int) Math.max(rows, cols);
        gemmGflop = 2.0 * m * m * n / 1e9;
        gemmRepeats = (int) Math.max(1, Math.round(nsGflop / gemmGflop / 2));
        wide = Nd4j.randn(DataType.FLOAT, new long[] {m, n}).dup('f');
        gram = Nd4j.create(DataType.FLOAT, new long[] {m, m}, 'f');
        square = Nd4j.randn(DataType.FLOAT, new long[] {m, m}).dup('f');
        applied = Nd4j.create(DataType.FLOAT, new long[] {m, n}, 'f');
        pWide = new FloatPointer(wide.data().addressPointer());
        pGram = new FloatPointer(gram.data().addressPointer());
    }

    /** Newton-Schulz, OpenBLAS ssyrk + sgemm kernel. */
    @Benchmark
    public INDArray nsSymmetricBlas(Flops flops) {
        symmetric.orthogonalizeInto(g, out);
        flops.gflop += nsGflop;
        return out;
    }

    /** Newton-Schulz, Nd4j.gemm fallback kernel. */
    @Benchmark
    public INDArray nsNd4jGemm(Flops flops) {
        gemm.orthogonalizeInto(g, out);
        flops.gflop += nsGflop;
        return out;
    }

    /** Baseline: the Gram product X X^T through Nd4j.gemm. */
    @Benchmark
    public INDArray gemmGramNd4j(Flops flops) {
        Nd4j.gemm(wide, wide, gram, false, true, 1.0, 0.0);
        flops.gflop += gemmGflop;
        return gram;
    }

    /** Baseline: B X (m x m times m x n) through Nd4j.gemm. */
    @Benchmark
    public INDArray gemmApplyNd4j(Flops flops) {
        Nd4j.gemm(square, wide, applied, false, false, 1.0, 0.0);
        flops.gflop += gemmGflop;
        return applied;
    }

    /**
     * Both Newton-Schulz kernels and both Nd4j.gemm baselines interleaved in one invocation, each
     * timed into {@link Paired}: each baseline is repeated {@code gemmRepeats} times (about half a
     * Newton-Schulz call's flops), so that the four timed windows are of similar length and a
     * burst of load on a shared machine hits them alike.
     */
    @Benchmark
    public INDArray paired(Paired paired) {
        long t0 = System.nanoTime();
        for (int r = 0; r < gemmRepeats; r++) {
            Nd4j.gemm(wide, wide, gram, false, true, 1.0, 0.0);
        }
        long t1 = System.nanoTime();
        symmetric.orthogonalizeInto(g, out);
        long t2 = System.nanoTime();
        for (int r = 0; r < gemmRepeats; r++) {
            Nd4j.gemm(square, wide, applied, false, false, 1.0, 0.0);
        }
        long t3 = System.nanoTime();
        gemm.orthogonalizeInto(g, out);
        long t4 = System.nanoTime();
        paired.gemmGramMs += (t1 - t0) / 1e6;
        paired.nsSymmetricMs += (t2 - t1) / 1e6;
        paired.gemmApplyMs += (t3 - t2) / 1e6;
        paired.nsGemmMs += (t4 - t3) / 1e6;
        paired.nsGflop += nsGflop;
        paired.gemmGflop += gemmGflop * gemmRepeats;
        return out;
    }

    /** Baseline: the Gram product X X^T through OpenBLAS sgemm directly. */
    @Benchmark
    public INDArray gemmGramBlas(Flops flops) {
        openblas_nolapack.cblas_sgemm(
                CblasColMajor, CblasNoTrans, CblasTrans, m, m, n, 1f, pWide.position(0), m, pWide, m, 0f, pGram, m);
        flops.gflop += gemmGflop;
        return gram;
    }
}
