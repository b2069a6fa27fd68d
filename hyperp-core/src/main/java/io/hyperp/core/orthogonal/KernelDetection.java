package io.hyperp.core.orthogonal;

import io.hyperp.core.linalg.BlasLibrary;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one-time decision whether {@link NsKernel#SYMMETRIC_BLAS} can run here (see its rules). */
final class KernelDetection {

    static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    static final String OPENBLAS_CLASS = "org.bytedeco.openblas.global.openblas_nolapack";

    private static final Logger LOG = LoggerFactory.getLogger(NewtonSchulz.class);

    /** Whether the symmetric kernel is available, and the sentence saying why. */
    record Result(boolean available, String reason) {}

    /** Builds an engine to check. */
    interface EngineFactory {
        Engine create(Geometry geometry, DataType dataType, NsSchedule schedule);
    }

    private KernelDetection() {}

    private static final class Holder {
        static final Result RESULT = detectAndLog();
    }

    static Result result() {
        return Holder.RESULT;
    }

    private static Result detectAndLog() {
        // HyperP's first use of ND4J: say which BLAS the CPU backend runs on, and warn if it is a slow one.
        BlasLibrary.checkOnce();
        Result r = detect();
        LOG.info("Newton-Schulz matrix products: {}", r.reason());
        return r;
    }

    private static Result detect() {
        String property = System.getProperty(NsKernel.PROPERTY, "auto");
        if ("gemm".equalsIgnoreCase(property.trim())) {
            return new Result(false, "Nd4j.gemm (symmetric BLAS disabled by -D" + NsKernel.PROPERTY + "=gemm)");
        }
        String backend = Nd4j.getBackend().getClass().getName();
        if (!CPU_BACKEND.equals(backend)) {
            return new Result(false, "Nd4j.gemm (backend " + backend + " is not the CPU backend)");
        }
        try {
            Class.forName(OPENBLAS_CLASS, true, KernelDetection.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return new Result(false, "Nd4j.gemm (optional dependency org.bytedeco:openblas not usable: " + e + ")");
        }
        String failure;
        try {
            failure = selfCheck(BlasFactory.INSTANCE);
        } catch (RuntimeException | LinkageError e) {
            failure = "threw " + e;
        }
        if (failure != null) {
            return new Result(false, "Nd4j.gemm (OpenBLAS symmetric self-check failed: " + failure + ")");
        }
        return new Result(
                true, "OpenBLAS ?syrk/?gemm through org.bytedeco.openblas on the CPU backend (self-check passed)");
    }

    /** Keeps the reference to {@link BlasEngine} (and so to OpenBLAS) out of this class's own code. */
    private enum BlasFactory implements EngineFactory {
        INSTANCE;

        @Override
        public Engine create(Geometry geometry, DataType dataType, NsSchedule schedule) {
            return BlasEngines.create(geometry, dataType, schedule);
        }
    }

    /**
     * Runs {@code candidate} and {@link GemmEngine} on small float and double cases (wide, tall and
     * square matrices in both storage orders, a stack of views into an 'f'-order output, the
     * quintic and the cubic schedules, sizes below and above BLAS blocking thresholds) and compares
     * them. Outputs start as NaN, so an engine that writes nothing fails.
     *
     * @return {@code null} if they agree everywhere, else what disagreed
     */
    static String selfCheck(EngineFactory candidate) {
        // Small cases cover every layout branch; the 40 x 70 ones reach the blocked BLAS kernels (OpenBLAS
        // switches kernels around 16: its dsymm is wrong above that on AVX-512 processors).
        ParamSpec[] specs = {
            ParamSpec.matrixOutIn("check_wide", 7, 12, ParamRole.HIDDEN),
            ParamSpec.matrixOutIn("check_tall", 12, 7, ParamRole.HIDDEN),
            ParamSpec.matrixOutIn("check_square", 6, 6, ParamRole.HIDDEN),
            ParamSpec.expertStack("check_stack", 3, 9, 5),
            ParamSpec.matrixOutIn("check_blocked_wide", 40, 70, ParamRole.HIDDEN),
            ParamSpec.matrixOutIn("check_blocked_tall", 70, 40, ParamRole.HIDDEN),
        };
        char[] orders = {'c', 'f', 'c', 'c', 'c', 'f'};
        char[] outOrders = {'c', 'f', 'f', 'f', 'c', 'c'};
        NsSchedule[] schedules = {
            NsSchedule.HYPERP_5,
            NsSchedule.CONVERGENT_30,
            NsSchedule.JORDAN_5,
            NsSchedule.HYPERP_5,
            NsSchedule.HYPERP_5,
            NsSchedule.JORDAN_5
        };
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            // The two kernels round differently; through 5 to 30 iterations on O(1) entries float32 results
            // differ by ~1e-5 and float64 by ~1e-12. A wrong or missing product changes entries by O(0.1).
            double tol = dt == DataType.DOUBLE ? 1e-9 : 1e-3;
            for (int c = 0; c < specs.length; c++) {
                ParamSpec spec = specs[c];
                INDArray g = Nd4j.createUninitialized(dt, spec.shape(), orders[c]);
                long len = g.length();
                for (long i = 0; i < len; i++) {
                    // Deterministic, full-rank, entries of both signs.
                    g.putScalar(i, Math.sin(1.7 * i + 0.3 * c) + 0.1 * Math.cos(0.37 * i * i));
                }
                Geometry geo = new Geometry(spec);
                INDArray expected =
                        Nd4j.createUninitialized(dt, spec.shape(), outOrders[c]).assign(Double.NaN);
                INDArray actual =
                        Nd4j.createUninitialized(dt, spec.shape(), outOrders[c]).assign(Double.NaN);
                new GemmEngine(geo, dt, schedules[c]).orthogonalize(g, expected);
                candidate.create(geo, dt, schedules[c]).orthogonalize(g, actual);
                double diff = maxAbsDiff(expected, actual);
                if (!(diff <= tol)) {
                    return String.format(
                            Locale.ROOT,
                            "%s %s %s: max difference %s to Nd4j.gemm exceeds %s",
                            spec.name(),
                            dt,
                            schedules[c],
                            diff,
                            tol);
                }
            }
        }
        return null;
    }

    private static double maxAbsDiff(INDArray x, INDArray y) {
        double max = 0;
        long len = x.length();
        for (long i = 0; i < len; i++) {
            double d = Math.abs(x.getDouble(i) - y.getDouble(i));
            if (Double.isNaN(d)) {
                return d;
            }
            max = Math.max(max, d);
        }
        return max;
    }
}
