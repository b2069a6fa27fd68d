package io.hyperp.demo.gpt;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Thread counts of ND4J's CPU backend for small-model training.
 *
 * <p>ND4J runs element-wise ops and reductions on its own native thread pool and matrix products on
 * OpenBLAS's threads. With both pools at the core count, the two pools compete for the same cores
 * between consecutive ops; on the demo model (hundreds of small ops per step) that roughly doubled the
 * step time on a 2-core machine. Element-wise ops on these tensors are memory-bound and gain little from
 * a second thread, so the fast settings are: one thread for ND4J's own ops and all cores for BLAS when
 * one model trains at a time ({@link #singleModel()}), or one thread for everything when independent
 * models train in parallel, one per core ({@link #parallelModels()}).
 *
 * <p>BLAS's thread count is a process-wide setting. The thread count of ND4J's own ops is OpenMP's, which
 * is a per-thread setting: {@link #configure} sets it for the calling thread and records it, and every
 * other thread that trains applies the recorded count with {@link #applyToCurrentThread()} (the demo's
 * {@link io.hyperp.demo.train.TrainRun} does so). A thread that never applies it runs ND4J's ops on as
 * many OpenMP threads as there are cores: with one model per core, each model's spare OpenMP thread
 * then competes with the other models for the cores. These settings are meant to be made once by a program's entry point (never by a
 * library), before work starts. Not thread-safe with concurrent ND4J work.
 */
public final class NdThreads {

    /** The configured thread count of ND4J's own ops; 0 until {@link #configure} is called. */
    private static volatile int opThreads;

    private NdThreads() {}

    /**
     * Sets the number of threads of ND4J's own ops and of BLAS.
     *
     * @throws IllegalArgumentException if either is below 1
     */
    public static void configure(int opThreads, int blasThreads) {
        if (opThreads < 1 || blasThreads < 1) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "opThreads (%d) and blasThreads (%d) must be >= 1", opThreads, blasThreads));
        }
        Nd4j.getExecutioner(); // loads the backend, and with it the native library
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(opThreads);
        Nd4j.factory().blas().setMaxThreads(blasThreads);
        NdThreads.opThreads = opThreads;
    }

    /**
     * Applies the thread count of ND4J's own ops set by {@link #configure} to the calling thread (OpenMP's
     * count is per thread); does nothing if {@link #configure} was never called or the thread has it
     * already. Cheap: call it at the start of work on a pool thread.
     */
    public static void applyToCurrentThread() {
        int n = opThreads;
        if (n > 0) {
            var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
            if (ops.ompGetMaxThreads() != n) {
                ops.setOmpNumThreads(n);
            }
        }
    }

    /** One model at a time: ND4J's ops on one thread, BLAS on every available core. */
    public static void singleModel() {
        configure(1, Runtime.getRuntime().availableProcessors());
    }

    /** Independent models trained in parallel, one per core: everything on one thread. */
    public static void parallelModels() {
        configure(1, 1);
    }

    /** The current settings of the calling thread, for logs: {@code "ops N, blas M"}. */
    public static String describe() {
        return String.format(
                Locale.ROOT,
                "ops %d, blas %d",
                NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(),
                Nd4j.factory().blas().getMaxThreads());
    }
}
