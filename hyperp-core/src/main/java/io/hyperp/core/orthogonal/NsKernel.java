package io.hyperp.core.orthogonal;

/**
 * How {@link NewtonSchulz} computes its matrix products.
 *
 * <p>Each Newton-Schulz iteration \( A = X X^T,\; B = bA + cA^2,\; X \leftarrow aX + BX \) (SPEC
 * section 3) has two symmetric products: \(X X^T\) and \(A^2 = A A^T\). A symmetric rank-k update
 * ({@code ?syrk}) computes one triangle of each at half the flops of a general product, so with
 * \( (aI + B) X \) as a general product an iteration costs \(3 m^2 n + m^3\) flops instead of
 * \(4 m^2 n + 2 m^3\).
 *
 * <p>{@link #preferred()} is {@link #SYMMETRIC_BLAS} when all of these hold, checked once per JVM
 * (the choice is logged once through slf4j at INFO):
 * <ol>
 *   <li>the system property {@value #PROPERTY} is not {@code gemm};</li>
 *   <li>the ND4J backend is the CPU one ({@code org.nd4j.linalg.cpu.nativecpu.CpuBackend}), whose
 *       arrays live in host memory;</li>
 *   <li>the optional dependency {@code org.bytedeco:openblas} (the JavaCPP bindings of the OpenBLAS
 *       library that {@code nd4j-native} itself loads) is on the class path;</li>
 *   <li>a self-check on small float and double matrices (wide, tall, a stack of views, several
 *       schedules, sizes that reach the blocked BLAS kernels), whose outputs start as NaN, agrees
 *       with {@link #ND4J_GEMM} to within rounding.</li>
 * </ol>
 * Otherwise it is {@link #ND4J_GEMM}, which works on every backend. ND4J's own
 * {@code Nd4j.getBlasWrapper().level3().syrk} is deliberately not used: on the CPU backend of ND4J
 * 1.0.0-M2.1 it returns without computing the product.
 *
 * <p>Thread-safe; the detection runs at most once.
 *
 * <p>References: Jordan, <i>Muon</i> (2024); Ren et al., arXiv 2603.28743; BLAS level 3
 * ({@code syrk}, {@code gemm}).
 */
public enum NsKernel {
    /**
     * OpenBLAS {@code ?syrk} for \(X X^T\) and \(A^2\) and {@code ?gemm} for \((aI+B)X\), called
     * on the arrays' host memory through {@code org.bytedeco.openblas}. CPU backend only; float32
     * and float64. ({@code ?symm} is avoided: OpenBLAS 0.3.19's {@code dsymm} is wrong on AVX-512
     * processors.)
     */
    SYMMETRIC_BLAS,
    /** {@code Nd4j.gemm} for every product and ND4J ops for the rest: any backend. */
    ND4J_GEMM;

    /**
     * The system property that, set to {@code gemm}, makes {@link #preferred()} return
     * {@link #ND4J_GEMM} without trying the symmetric path.
     */
    public static final String PROPERTY = "io.hyperp.ns.kernel";

    /**
     * The kernel {@link NewtonSchulz#create(io.hyperp.core.param.ParamSpec,
     * org.nd4j.linalg.api.buffer.DataType, NsSchedule)} uses: {@link #SYMMETRIC_BLAS} when it is
     * {@linkplain #isAvailable() available}, else {@link #ND4J_GEMM}.
     */
    public static NsKernel preferred() {
        return KernelDetection.result().available() ? SYMMETRIC_BLAS : ND4J_GEMM;
    }

    /** Whether this kernel can run here ({@link #ND4J_GEMM} always can). */
    public boolean isAvailable() {
        return this == ND4J_GEMM || KernelDetection.result().available();
    }

    /**
     * Why {@link #SYMMETRIC_BLAS} is or is not available (the sentence that was logged); for
     * {@link #ND4J_GEMM} a fixed sentence.
     */
    public String availability() {
        return this == ND4J_GEMM
                ? "Nd4j.gemm runs on every backend"
                : KernelDetection.result().reason();
    }
}
