package io.hyperp.core.orthogonal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.testing.RandomMatrices;
import io.hyperp.core.testing.ReferenceNewtonSchulz;
import io.hyperp.core.testing.Tolerances;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Oracle tests: every kernel, dtype, schedule, shape and storage layout against the plain-Java
 * float64 reference {@link ReferenceNewtonSchulz}, which computes the same iteration with general
 * products and explicit transposes, so a wrong or half-filled symmetric product, a wrong leading
 * dimension or a misplaced matrix of a stack shows as an O(0.1) difference.
 *
 * <p>Tolerances, relative to the largest entry of the expected result:
 * <ul>
 *   <li>float64: {@value #DOUBLE_TOL}. Rounding is ~1e-16 per operation; over 5 (or 30) iterations
 *       it grows by the iteration's gain on the smallest singular values (up to ~4 per quintic
 *       iteration) and by sqrt(inner dimension). Measured on these sizes (up to 300 x 200): at most
 *       1.3e-14, so the bound has a margin of ~100.</li>
 *   <li>float32: {@value #FLOAT_TOL}. The same growth applied to float32 rounding (6e-8); measured
 *       at most 3.5e-6 (JORDAN_5), a margin of ~30.</li>
 * </ul>
 * A real error (a half-filled symmetric product, a swapped transpose, a wrong leading dimension)
 * is above 1e-2.
 */
class NewtonSchulzTest {

    static final double DOUBLE_TOL = 1e-12;
    static final double FLOAT_TOL = 1e-4;

    /** The kernels to test: both on the CPU backend (where the symmetric one must be available), else GEMM. */
    static List<NsKernel> kernels() {
        List<NsKernel> k = new ArrayList<>();
        k.add(NsKernel.ND4J_GEMM);
        if (onCpuBackend()) {
            k.add(NsKernel.SYMMETRIC_BLAS);
        }
        return k;
    }

    static boolean onCpuBackend() {
        return KernelDetection.CPU_BACKEND.equals(Nd4j.getBackend().getClass().getName());
    }

    static double tol(DataType dt) {
        return dt == DataType.DOUBLE ? DOUBLE_TOL : FLOAT_TOL;
    }

    /** The matrix {@code b} of a stack as the spec sees it (or the matrix itself). */
    static INDArray matrix(ParamSpec spec, INDArray t, int b) {
        if (!spec.isStack()) {
            return t;
        }
        int[] axes = new int[2];
        for (int a = 0, j = 0; a < 3; a++) {
            if (a != spec.expertAxis()) {
                axes[j++] = a;
            }
        }
        return t.tensorAlongDimension(b, axes);
    }

    static void assertMatchesReference(ParamSpec spec, INDArray g, INDArray out, NsSchedule schedule, double tol) {
        for (int b = 0; b < spec.matrixCount(); b++) {
            double[][] expected =
                    ReferenceNewtonSchulz.orthogonalize(ReferenceNewtonSchulz.toDoubles(matrix(spec, g, b)), schedule);
            Tolerances.assertClose(expected, matrix(spec, out, b), tol, spec.name() + " matrix " + b);
        }
    }

    static INDArray random(long seed, DataType dt, long[] shape, char order) {
        return RandomMatrices.uniform(seed, dt, shape).dup(order);
    }

    static Stream<Arguments> matrixCases() {
        List<Arguments> cases = new ArrayList<>();
        long[][] shapes = {{8, 20}, {20, 8}, {13, 13}, {1, 9}, {9, 1}, {1, 1}, {64, 96}, {96, 64}};
        NsSchedule[] schedules = NsSchedule.values();
        int i = 0;
        for (NsKernel kernel : kernels()) {
            for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (long[] s : shapes) {
                    for (char gOrder : new char[] {'c', 'f'}) {
                        // Cycle schedules and output orders so every combination of each pair appears.
                        NsSchedule sch = schedules[i % schedules.length];
                        char outOrder = (i / 3) % 2 == 0 ? 'c' : 'f';
                        cases.add(Arguments.of(kernel, dt, s[0], s[1], gOrder, outOrder, sch));
                        i++;
                    }
                }
            }
        }
        return cases.stream();
    }

    @Nested
    class Oracle {

        @ParameterizedTest(name = "{0} {1} {2}x{3} g {4} out {5} {6}")
        @MethodSource("io.hyperp.core.orthogonal.NewtonSchulzTest#matrixCases")
        void orthogonalizeInto_matrix_matchesDoubleReference(
                NsKernel kernel, DataType dt, long rows, long cols, char gOrder, char outOrder, NsSchedule schedule) {
            ParamSpec spec = ParamSpec.matrixOutIn("w", rows, cols, ParamRole.HIDDEN);
            NewtonSchulz ns = NewtonSchulz.create(spec, dt, schedule, kernel);
            assertEquals(kernel, ns.kernel());
            INDArray g = random(rows * 1000 + cols, dt, spec.shape(), gOrder);
            INDArray gBefore = g.dup();
            INDArray out = Nd4j.createUninitialized(dt, spec.shape(), outOrder).assign(Double.NaN);
            ns.orthogonalizeInto(g, out);
            assertEquals(gBefore, g, "g is read only");
            assertMatchesReference(spec, g, out, schedule, tol(dt));
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.hyperp.core.orthogonal.NewtonSchulzTest#stackCases")
        void orthogonalizeInto_stack_eachMatrixMatchesDoubleReference(
                NsKernel kernel, String layout, ParamSpec spec, char gOrder, char outOrder, DataType dt) {
            NsSchedule schedule = NsSchedule.HYPERP_5;
            NewtonSchulz ns = NewtonSchulz.create(spec, dt, schedule, kernel);
            INDArray g = random(spec.length(), dt, spec.shape(), gOrder);
            INDArray out = Nd4j.createUninitialized(dt, spec.shape(), outOrder).assign(Double.NaN);
            ns.orthogonalizeInto(g, out);
            assertMatchesReference(spec, g, out, schedule, tol(dt));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.hyperp.core.orthogonal.NewtonSchulzTest#kernels")
        void orthogonalizeInto_viewsIntoLargerArrays_matchDoubleReference(NsKernel kernel) {
            // g: a column block of a wider 'c' array (row stride 30, not 12); out: a row block of a taller 'f' array.
            ParamSpec spec = ParamSpec.matrixOutIn("w", 10, 12, ParamRole.HIDDEN);
            INDArray bigG = random(7, DataType.FLOAT, new long[] {10, 30}, 'c');
            INDArray g = bigG.get(
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(5, 17));
            INDArray bigOut = Nd4j.create(DataType.FLOAT, new long[] {25, 12}, 'f');
            INDArray out = bigOut.get(
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 13), org.nd4j.linalg.indexing.NDArrayIndex.all());
            NewtonSchulz ns = NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.JORDAN_5, kernel);
            ns.orthogonalizeInto(g, out);
            assertMatchesReference(spec, g, out, NsSchedule.JORDAN_5, FLOAT_TOL);
            // Rows of bigOut outside the view are untouched.
            assertEquals(
                    0.0,
                    bigOut.get(
                                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3),
                                    org.nd4j.linalg.indexing.NDArrayIndex.all())
                            .amaxNumber()
                            .doubleValue());
            assertEquals(
                    0.0,
                    bigOut.get(
                                    org.nd4j.linalg.indexing.NDArrayIndex.interval(13, 25),
                                    org.nd4j.linalg.indexing.NDArrayIndex.all())
                            .amaxNumber()
                            .doubleValue());
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.hyperp.core.orthogonal.NewtonSchulzTest#kernels")
        void orthogonalizeInto_inPlace_isBitIdenticalToSeparateOutput(NsKernel kernel) {
            // out == g is allowed: the input is read only by the first iteration. Wide, tall (both orders,
            // the tall ones transposed inside) and a stack, in both precisions and for every schedule.
            ParamSpec[] specs = {
                ParamSpec.matrixOutIn("wide", 6, 11, ParamRole.HIDDEN),
                ParamSpec.matrixOutIn("tall", 13, 5, ParamRole.HIDDEN),
                ParamSpec.expertStack("stack", 3, 7, 4)
            };
            for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (NsSchedule schedule : NsSchedule.values()) {
                    for (ParamSpec spec : specs) {
                        for (char order : new char[] {'c', 'f'}) {
                            NewtonSchulz ns = NewtonSchulz.create(spec, dt, schedule, kernel);
                            INDArray g = random(11, dt, spec.shape(), order);
                            INDArray separate = Nd4j.create(dt, spec.shape());
                            ns.orthogonalizeInto(g, separate);
                            ns.orthogonalizeInto(g, g);
                            assertEquals(separate, g, spec.name() + " " + dt + " " + schedule + " " + order);
                        }
                    }
                }
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.hyperp.core.orthogonal.NewtonSchulzTest#kernels")
        void orthogonalizeInto_repeatedAndChangedArrays_recomputesEachTime(NsKernel kernel) {
            // The symmetric kernel caches buffer pointers: new contents, a new input array and a new output
            // array must all be picked up.
            ParamSpec spec = ParamSpec.expertStack("e", 2, 6, 9);
            NewtonSchulz ns = NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.HYPERP_5, kernel);
            INDArray g = random(1, DataType.FLOAT, spec.shape(), 'c');
            INDArray out = Nd4j.create(DataType.FLOAT, spec.shape());
            ns.orthogonalizeInto(g, out);
            assertMatchesReference(spec, g, out, NsSchedule.HYPERP_5, FLOAT_TOL);
            g.assign(random(2, DataType.FLOAT, spec.shape(), 'c'));
            ns.orthogonalizeInto(g, out);
            assertMatchesReference(spec, g, out, NsSchedule.HYPERP_5, FLOAT_TOL);
            INDArray g2 = random(3, DataType.FLOAT, spec.shape(), 'f');
            INDArray out2 = Nd4j.create(DataType.FLOAT, spec.shape());
            ns.orthogonalizeInto(g2, out2);
            assertMatchesReference(spec, g2, out2, NsSchedule.HYPERP_5, FLOAT_TOL);
            ns.orthogonalizeInto(g, out2);
            assertMatchesReference(spec, g, out2, NsSchedule.HYPERP_5, FLOAT_TOL);
        }

        @Test
        void kernels_agreeWithEachOther_onLargerFloatMatrix() {
            // 200 x 300 float32: larger than the oracle sizes, compared kernel against kernel (both against the
            // reference would be slow). Differences are float32 rounding amplified as in the class comment.
            ParamSpec spec = ParamSpec.matrixOutIn("w", 300, 200, ParamRole.HIDDEN);
            INDArray g = random(11, DataType.FLOAT, spec.shape(), 'c');
            INDArray viaGemm = Nd4j.create(DataType.FLOAT, spec.shape());
            NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.HYPERP_5, NsKernel.ND4J_GEMM)
                    .orthogonalizeInto(g, viaGemm);
            for (NsKernel k : kernels()) {
                INDArray out = Nd4j.create(DataType.FLOAT, spec.shape());
                NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.HYPERP_5, k)
                        .orthogonalizeInto(g, out);
                Tolerances.assertClose(viaGemm, out, FLOAT_TOL, k.toString());
            }
        }
    }

    static Stream<Arguments> stackCases() {
        List<Arguments> cases = new ArrayList<>();
        for (NsKernel kernel : kernels()) {
            // [E, out, in], expert axis 0: matrices contiguous in 'c' order, strided in 'f' order.
            ParamSpec front = ParamSpec.expertStack("front", 3, 7, 11);
            ParamSpec frontTall = ParamSpec.expertStack("frontTall", 4, 11, 5);
            // Expert axis in the middle and last: in 'c' order the last layout has no unit stride in a matrix.
            ParamSpec middle = new ParamSpec("middle", new long[] {6, 3, 9}, ParamRole.EXPERT, 2, 0, 1);
            ParamSpec last = new ParamSpec("last", new long[] {8, 5, 2}, ParamRole.EXPERT, 1, 0, 2);
            cases.add(Arguments.of(kernel, "front c->c", front, 'c', 'c', DataType.FLOAT));
            cases.add(Arguments.of(kernel, "front f->c", front, 'f', 'c', DataType.DOUBLE));
            cases.add(Arguments.of(kernel, "frontTall c->f", frontTall, 'c', 'f', DataType.FLOAT));
            cases.add(Arguments.of(kernel, "middle c->c", middle, 'c', 'c', DataType.FLOAT));
            cases.add(Arguments.of(kernel, "middle f->f", middle, 'f', 'f', DataType.DOUBLE));
            cases.add(Arguments.of(kernel, "last c->c", last, 'c', 'c', DataType.FLOAT));
            cases.add(Arguments.of(kernel, "last f->c", last, 'f', 'c', DataType.DOUBLE));
        }
        return cases.stream();
    }

    @Nested
    class Degenerate {

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.hyperp.core.orthogonal.NewtonSchulzTest#kernels")
        void orthogonalizeInto_zeroMatrix_givesZero(NsKernel kernel) {
            ParamSpec spec = ParamSpec.expertStack("e", 2, 4, 6);
            INDArray out = Nd4j.ones(DataType.FLOAT, spec.shape());
            NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.HYPERP_5, kernel)
                    .orthogonalizeInto(Nd4j.zeros(DataType.FLOAT, spec.shape()), out);
            assertEquals(0.0, out.amaxNumber().doubleValue());
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.hyperp.core.orthogonal.NewtonSchulzTest#kernels")
        void orthogonalizeInto_nanInOneMatrix_makesThatMatrixNaNOnly(NsKernel kernel) {
            ParamSpec spec = ParamSpec.expertStack("e", 2, 4, 6);
            INDArray g = random(5, DataType.FLOAT, spec.shape(), 'c');
            g.putScalar(new long[] {1, 2, 3}, Double.NaN);
            INDArray out = Nd4j.create(DataType.FLOAT, spec.shape());
            NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.HYPERP_5, kernel)
                    .orthogonalizeInto(g, out);
            assertTrue(out.tensorAlongDimension(1, 1, 2).isNaN().all(), "matrix 1 must be NaN, not silently finite");
            assertMatchesReference(
                    ParamSpec.matrixOutIn("e0", 4, 6, ParamRole.HIDDEN),
                    g.tensorAlongDimension(0, 1, 2),
                    out.tensorAlongDimension(0, 1, 2),
                    NsSchedule.HYPERP_5,
                    FLOAT_TOL);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.hyperp.core.orthogonal.NewtonSchulzTest#kernels")
        void orthogonalizeInto_rankOneMatrix_matchesReference(NsKernel kernel) {
            // A rank-1 input has one nonzero singular value (1 after normalization): the result is u v^T scaled by
            // the schedule's image of 1, and the zero singular values stay zero.
            ParamSpec spec = ParamSpec.matrixOutIn("w", 5, 8, ParamRole.HIDDEN);
            INDArray u = Nd4j.linspace(DataType.DOUBLE, 1, 5, 5).reshape(5, 1);
            INDArray v = Nd4j.linspace(DataType.DOUBLE, -2, 0.5, 8).reshape(1, 8);
            INDArray g = u.mmul(v);
            INDArray out = Nd4j.create(DataType.DOUBLE, spec.shape());
            NewtonSchulz.create(spec, DataType.DOUBLE, NsSchedule.JORDAN_5, kernel)
                    .orthogonalizeInto(g, out);
            assertMatchesReference(spec, g, out, NsSchedule.JORDAN_5, DOUBLE_TOL);
        }
    }

    @Nested
    class BadInput {

        private final ParamSpec spec = ParamSpec.matrixOutIn("w_q", 4, 6, ParamRole.HIDDEN);

        @Test
        void create_rank1Spec_throwsIae() {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> NewtonSchulz.create(
                            ParamSpec.vector("gain", 4, ParamRole.GAIN), DataType.FLOAT, NsSchedule.HYPERP_5));
            assertTrue(e.getMessage().contains("gain"), e.getMessage());
        }

        @Test
        void create_integerDtype_throwsIae() {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> NewtonSchulz.create(spec, DataType.INT, NsSchedule.HYPERP_5));
            assertTrue(e.getMessage().contains("w_q") && e.getMessage().contains("INT"), e.getMessage());
        }

        @Test
        void create_nulls_throwNpe() {
            assertThrows(
                    NullPointerException.class, () -> NewtonSchulz.create(null, DataType.FLOAT, NsSchedule.HYPERP_5));
            assertThrows(NullPointerException.class, () -> NewtonSchulz.create(spec, null, NsSchedule.HYPERP_5));
            assertThrows(NullPointerException.class, () -> NewtonSchulz.create(spec, DataType.FLOAT, null));
            assertThrows(
                    NullPointerException.class,
                    () -> NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.HYPERP_5, null));
        }

        @Test
        void orthogonalizeInto_wrongShape_throwsIaeAndLeavesOutUntouched() {
            NewtonSchulz ns = NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.HYPERP_5);
            INDArray out = Nd4j.ones(DataType.FLOAT, 4, 6);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> ns.orthogonalizeInto(Nd4j.ones(DataType.FLOAT, 6, 4), out));
            assertTrue(e.getMessage().contains("w_q") && e.getMessage().contains("[6, 4]"), e.getMessage());
            assertEquals(Nd4j.ones(DataType.FLOAT, 4, 6), out);
        }

        @Test
        void orthogonalizeInto_wrongDtype_throwsIaeAndLeavesOutUntouched() {
            NewtonSchulz ns = NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.HYPERP_5);
            INDArray out = Nd4j.ones(DataType.FLOAT, 4, 6);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> ns.orthogonalizeInto(Nd4j.ones(DataType.DOUBLE, 4, 6), out));
            assertTrue(e.getMessage().contains("DOUBLE"), e.getMessage());
            assertEquals(Nd4j.ones(DataType.FLOAT, 4, 6), out);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> ns.orthogonalizeInto(Nd4j.ones(DataType.FLOAT, 4, 6), Nd4j.ones(DataType.DOUBLE, 4, 6)));
        }
    }

    @Nested
    class Kernels {

        @Test
        void preferred_onCpuBackendWithOpenBlas_isSymmetricBlas() {
            // The test class path has the CPU backend and org.bytedeco:openblas, so detection must pick the
            // symmetric kernel: a failure here means the self-check rejected it on this machine.
            if (onCpuBackend()) {
                assertSame(NsKernel.SYMMETRIC_BLAS, NsKernel.preferred(), NsKernel.SYMMETRIC_BLAS.availability());
                assertTrue(NsKernel.SYMMETRIC_BLAS.isAvailable());
            } else {
                assertSame(NsKernel.ND4J_GEMM, NsKernel.preferred());
            }
            assertTrue(NsKernel.ND4J_GEMM.isAvailable());
            assertEquals(
                    NsKernel.preferred(),
                    NewtonSchulz.create(
                                    ParamSpec.matrixOutIn("w", 3, 5, ParamRole.HIDDEN),
                                    DataType.FLOAT,
                                    NsSchedule.HYPERP_5)
                            .kernel());
        }

        @Test
        void selfCheck_realSymmetricEngine_passes() {
            if (onCpuBackend()) {
                assertNull(KernelDetection.selfCheck(BlasEngines::create));
            }
            assertNull(KernelDetection.selfCheck(GemmEngine::new));
        }

        @Test
        void selfCheck_engineThatComputesNothing_fails() {
            // The failure mode seen with ND4J's own level-3 syrk on the CPU backend: returns, writes nothing.
            KernelDetection.EngineFactory silent = (geo, dt, sch) -> new Engine() {
                @Override
                public void orthogonalize(INDArray g, INDArray out) {}

                @Override
                public NsKernel kernel() {
                    return NsKernel.SYMMETRIC_BLAS;
                }
            };
            assertNotNull(KernelDetection.selfCheck(silent));
        }

        @Test
        void selfCheck_symmetricProductWithOneTriangleOnly_fails() {
            // A symmetric kernel that forgets to fill the second triangle of A before A A^T: the silent wrong
            // result that a symmetric rank-k update invites. The self-check and the oracle must both catch it.
            if (!onCpuBackend()) {
                return;
            }
            KernelDetection.EngineFactory halfFilled = (geo, dt, sch) -> new BlasEngine(geo, dt, sch, false);
            String failure = KernelDetection.selfCheck(halfFilled);
            assertNotNull(failure);
            ParamSpec spec = ParamSpec.matrixOutIn("w", 8, 20, ParamRole.HIDDEN);
            INDArray g = random(9, DataType.DOUBLE, spec.shape(), 'c');
            INDArray out = Nd4j.create(DataType.DOUBLE, spec.shape());
            new BlasEngine(new Geometry(spec), DataType.DOUBLE, NsSchedule.HYPERP_5, false).orthogonalize(g, out);
            double[][] expected =
                    ReferenceNewtonSchulz.orthogonalize(ReferenceNewtonSchulz.toDoubles(g), NsSchedule.HYPERP_5);
            assertThrows(AssertionError.class, () -> Tolerances.assertClose(expected, out, DOUBLE_TOL, "half"));
        }

        @Test
        void create_withGemmKernel_usesGemm() {
            NewtonSchulz ns = NewtonSchulz.create(
                    ParamSpec.matrixOutIn("w", 3, 5, ParamRole.HIDDEN),
                    DataType.DOUBLE,
                    NsSchedule.HYPERP_5,
                    NsKernel.ND4J_GEMM);
            assertSame(NsKernel.ND4J_GEMM, ns.kernel());
        }

        @Test
        void orthogonalizeInto_symmetricKernelSameArrays_allocatesNothing() {
            // After the first call with given arrays the symmetric kernel only calls BLAS on cached pointers:
            // no Java heap (thread-allocated bytes) and no new ND4J buffers (ND4J's own counter). The heap
            // budget of 64 B per call leaves room for a rare JVM-internal allocation, far below one INDArray
            // view (~1 KB) or one ND4J op (~3 KB).
            if (!onCpuBackend()) {
                return;
            }
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            for (ParamSpec spec : new ParamSpec[] {
                ParamSpec.matrixOutIn("w", 24, 40, ParamRole.HIDDEN),
                ParamSpec.matrixOutIn("t", 40, 24, ParamRole.HIDDEN),
                ParamSpec.expertStack("e", 3, 16, 12)
            }) {
                NewtonSchulz ns =
                        NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.HYPERP_5, NsKernel.SYMMETRIC_BLAS);
                INDArray g = random(21, DataType.FLOAT, spec.shape(), 'c');
                INDArray out = Nd4j.create(DataType.FLOAT, spec.shape());
                for (int i = 0; i < 200; i++) {
                    ns.orthogonalizeInto(g, out);
                }
                long id = Thread.currentThread().getId();
                long heap0 = threads.getThreadAllocatedBytes(id);
                long offHeap0 = Nd4j.getMemoryManager().allocatedMemory(0);
                int calls = 500;
                for (int i = 0; i < calls; i++) {
                    ns.orthogonalizeInto(g, out);
                }
                long heap = threads.getThreadAllocatedBytes(id) - heap0;
                long offHeap = Nd4j.getMemoryManager().allocatedMemory(0) - offHeap0;
                assertTrue(heap <= 64L * calls, spec.name() + ": " + heap + " heap bytes over " + calls + " calls");
                assertEquals(0, offHeap, spec.name() + ": ND4J allocatedMemory changed");
            }
        }

        @Test
        void nominalFlops_countsGeneralProducts() {
            // 3 matrices of 4 x 10 (wide m = 4, n = 10), 5 iterations: 3 * 5 * (4*16*10 + 2*64) = 11520.
            ParamSpec spec = ParamSpec.expertStack("e", 3, 10, 4);
            assertEquals(
                    11520.0,
                    NewtonSchulz.create(spec, DataType.FLOAT, NsSchedule.JORDAN_5)
                            .nominalFlops());
        }
    }
}
