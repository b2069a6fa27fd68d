package io.hyperp.moe.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.testing.RandomMatrices;
import io.hyperp.core.testing.Tolerances;
import io.hyperp.moe.ReferenceRouting;
import io.hyperp.moe.RouterConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DispatchPlanTest {

    private record Setup(TopKRouter router, DispatchPlan plan, double[][] logits, int[][] selected) {}

    private static Setup setup(int t, int e, int k, int d, DataType dt, long seed) {
        RouterConfig cfg = new RouterConfig(e, k, false, true, 0.5);
        double[][] l = RandomMatrices.uniform(seed, t, e);
        TopKRouter r = TopKRouter.create("moe", cfg, t, dt);
        r.route(Nd4j.createFromArray(l).castTo(dt));
        DispatchPlan p = DispatchPlan.create("moe", e, t, k, d, dt);
        p.build(r.expertIds());
        return new Setup(r, p, l, ReferenceRouting.select(l, null, k));
    }

    /**
     * The plan against a Java reference, up to the benchmark's size (T k' = 2^19 rows, sort keys up to
     * 2^38, where float32 index arithmetic would fail): rows are grouped by expert in increasing slot
     * order, tokens and slots agree, and rowOfSlot inverts slotOfRow.
     */
    @ParameterizedTest(name = "T {0}, E {1}, k {2}")
    @CsvSource({"7, 5, 2", "1, 3, 3", "4096, 64, 8", "3000, 16, 1", "65536, 64, 8"})
    void build_groupsRowsByExpertThenSlot(int t, int e, int k) {
        Setup s = setup(t, e, k, 3, DataType.FLOAT, t + e);
        DispatchPlan p = s.plan();
        long[] expectedLoads = ReferenceRouting.loads(s.selected(), e);
        assertArrayEquals(expectedLoads, p.tokensPerExpert());
        assertEquals((long) t * k, Arrays.stream(p.tokensPerExpert()).sum());
        long[] slotOfRow = p.slotOfRow().toLongVector();
        long[] tokenOfRow = p.tokenOfRow().toLongVector();
        long[] rowOfSlot = p.rowOfSlot().reshape((long) t * k).toLongVector();
        long row = 0;
        for (int ex = 0; ex < e; ex++) {
            assertEquals(row, p.offset(ex));
            long prevSlot = -1;
            for (long c = 0; c < p.count(ex); c++, row++) {
                long slot = slotOfRow[(int) row];
                int tok = (int) (slot % t);
                int j = (int) (slot / t);
                assertEquals(ex, s.selected()[tok][j], "row " + row);
                assertEquals(tok, tokenOfRow[(int) row]);
                assertTrue(slot > prevSlot, "slots increase within an expert");
                prevSlot = slot;
                assertEquals(row, rowOfSlot[(int) slot]);
            }
        }
    }

    @Test
    void gatherCombineAndSum_matchTheJavaReference() {
        int t = 2048;
        int e = 16;
        int k = 4;
        int d = 8;
        Setup s = setup(t, e, k, d, DataType.DOUBLE, 3);
        DispatchPlan p = s.plan();
        INDArray x = RandomMatrices.uniform(4, DataType.DOUBLE, t, d);
        INDArray xs = Nd4j.create(DataType.DOUBLE, (long) t * k, d);
        p.gatherInto(x, xs);
        long[] tokenOfRow = p.tokenOfRow().toLongVector();
        for (int r = 0; r < t * k; r += 37) {
            assertEquals(x.getRow(tokenOfRow[r]), xs.getRow(r), "row " + r);
        }
        // Expert outputs as a function of (token, expert); the expert-order rows hold them.
        double[][][] table = new double[t][e][];
        double[][] flat = RandomMatrices.uniform(5, t * e, d);
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < e; j++) {
                table[i][j] = flat[i * e + j];
            }
        }
        INDArray ye = Nd4j.create(DataType.DOUBLE, (long) t * k, d);
        for (int ex = 0; ex < e; ex++) {
            for (long r = p.offset(ex); r < p.offset(ex) + p.count(ex); r++) {
                ye.getRow(r).assign(Nd4j.createFromArray(table[(int) tokenOfRow[(int) r]][ex]));
            }
        }
        double[][] g = ReferenceRouting.gates(s.logits(), s.selected());
        double[][] w = ReferenceRouting.weights(g, true, 1.0);
        INDArray y = Nd4j.create(DataType.DOUBLE, t, d);
        p.combineInto(ye, s.router().combineWeights(), y);
        // float64 sums of k products of order 1: rounding ~1e-16; 1e-13 leaves room.
        Tolerances.assertClose(ReferenceRouting.combine(s.selected(), w, table), y, 1e-13, "combine");
        double[][] ones = new double[t][k];
        for (double[] row : ones) {
            Arrays.fill(row, 1.0);
        }
        p.sumInto(ye, y);
        Tolerances.assertClose(ReferenceRouting.combine(s.selected(), ones, table), y, 1e-13, "sum");
    }

    @Test
    void slotsToRowsAndBack_areInversePermutations() {
        Setup s = setup(50, 6, 3, 2, DataType.DOUBLE, 11);
        DispatchPlan p = s.plan();
        INDArray slots = RandomMatrices.uniform(1, DataType.DOUBLE, 3, 50);
        INDArray rows = Nd4j.create(DataType.DOUBLE, 150);
        INDArray back = Nd4j.create(DataType.DOUBLE, 3, 50);
        p.slotsToRowsInto(slots, rows);
        p.rowsToSlotsInto(rows, back);
        assertEquals(slots, back);
    }

    @Test
    void expertWithoutTokens_hasANullBlock() {
        DispatchPlan p = DispatchPlan.create("moe", 4, 3, 1, 2, DataType.FLOAT);
        p.build(Nd4j.createFromArray(new long[][] {{2, 0, 2}}));
        assertArrayEquals(new long[] {1, 0, 2, 0}, p.tokensPerExpert());
        INDArray rows = Nd4j.create(DataType.FLOAT, 3, 2);
        assertNull(p.expertBlock(rows, 1));
        assertEquals(2, p.expertBlock(rows, 2).rows());
        assertArrayEquals(new long[] {1, 0, 2}, p.tokenOfRow().toLongVector());
    }

    @Test
    void badInput_throwsIae_andKeepsThePlan() {
        DispatchPlan p = DispatchPlan.create("blocks.2.moe", 4, 3, 2, 5, DataType.FLOAT);
        assertThrows(IllegalStateException.class, p::tokensPerExpert);
        p.build(Nd4j.createFromArray(new long[][] {{0, 1, 2}, {3, 3, 3}}));
        long[] before = p.tokensPerExpert();
        INDArray countsBefore = p.countsArray().dup();
        INDArray tokensBefore = p.tokenOfRow().dup();
        INDArray rowsBefore = p.rowOfSlot().dup();
        IllegalArgumentException range = assertThrows(
                IllegalArgumentException.class,
                () -> p.build(Nd4j.createFromArray(new long[][] {{0, 1, 4}, {3, 3, 3}})));
        assertTrue(
                range.getMessage().contains("blocks.2.moe")
                        && range.getMessage().contains("[0, 4)"),
                range.getMessage());
        // Ids that ND4J's one-hot would silently wrap into range (it narrows them to int) are refused too.
        for (long bad : new long[] {-1, (1L << 32) + 1, Long.MIN_VALUE, Long.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> p.build(Nd4j.createFromArray(new long[][] {{0, bad, 2}, {3, 3, 3}})));
            assertTrue(
                    e.getMessage().contains("blocks.2.moe") && e.getMessage().contains(Long.toString(bad)),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> p.build(Nd4j.createFromArray(new long[][] {{0, 1, 2}})));
        assertThrows(
                IllegalArgumentException.class,
                () -> p.build(Nd4j.createFromArray(new int[][] {{0, 1, 2}, {3, 3, 3}})));
        assertArrayEquals(before, p.tokensPerExpert());
        assertEquals(countsBefore, p.countsArray());
        assertEquals(tokensBefore, p.tokenOfRow());
        assertEquals(rowsBefore, p.rowOfSlot());
        IllegalArgumentException shape = assertThrows(
                IllegalArgumentException.class,
                () -> p.combineInto(
                        Nd4j.zeros(DataType.FLOAT, 6, 4),
                        Nd4j.zeros(DataType.FLOAT, 2, 3),
                        Nd4j.zeros(DataType.FLOAT, 3, 5)));
        assertTrue(shape.getMessage().contains("[6, 5]") && shape.getMessage().contains("[6, 4]"), shape.getMessage());
        INDArray fOrder = Nd4j.create(DataType.FLOAT, new long[] {3, 5}, 'f');
        IllegalArgumentException order =
                assertThrows(IllegalArgumentException.class, () -> p.sumInto(Nd4j.zeros(DataType.FLOAT, 6, 5), fOrder));
        assertTrue(order.getMessage().contains("C-order"), order.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DispatchPlan.create("m", 2, 3, 3, 1, DataType.FLOAT));
        assertThrows(IllegalArgumentException.class, () -> DispatchPlan.create("m", 2, 0, 1, 1, DataType.FLOAT));
    }
}
