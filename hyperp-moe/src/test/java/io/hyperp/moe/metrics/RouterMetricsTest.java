package io.hyperp.moe.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hyperp.moe.balance.BalanceLossValues;
import org.junit.jupiter.api.Test;

class RouterMetricsTest {

    private static RoutingStats stats(double[] loads, double z, double rms, double aux) {
        return new RoutingStats(loads, z, rms, new BalanceLossValues(aux, 0, 0, z, 10));
    }

    @Test
    void maxVio_isTheRelativeExcessOfTheBusiestExpert() {
        assertEquals(3.0, RoutingStats.maxVio(new double[] {8, 0, 0, 0}), 0.0);
        assertEquals(0.0, RoutingStats.maxVio(new double[] {2, 2, 2}), 0.0);
        assertEquals(0.5, RoutingStats.maxVio(new double[] {3, 1, 2}), 0.0);
        assertEquals(0.0, RoutingStats.maxVio(new double[] {0, 0}), 0.0);
    }

    @Test
    void snapshot_aggregatesPerLayerAndAcrossLayers() {
        RouterMetrics m = RouterMetrics.create(3);
        m.record(0, stats(new double[] {4, 0}, 1.0, 1.0, 0.1)); // step MaxVio 1
        m.record(0, stats(new double[] {0, 4}, 3.0, 3.0, 0.3)); // step MaxVio 1; summed loads (4, 4): 0
        m.record(2, stats(new double[] {3, 1}, 5.0, 2.0, 0.2)); // MaxVio 0.5
        RouterMetrics.Snapshot s = m.snapshot();
        RouterMetrics.LayerSnapshot l0 = s.layers().get(0);
        assertEquals(2, l0.steps());
        assertArrayEquals(new double[] {4, 4}, l0.loads(), 0.0);
        assertEquals(0.0, l0.maxVio(), 0.0);
        assertEquals(1.0, l0.meanStepMaxVio(), 0.0);
        assertEquals(2.0, l0.routerZ(), 0.0);
        assertEquals(Math.sqrt(5.0), l0.routedRms(), 1e-15);
        assertEquals(0.2, l0.auxLoss(), 1e-15);
        assertEquals(0, s.layers().get(1).steps());
        // averages over the two recorded layers
        assertEquals(0.25, s.meanMaxVio(), 1e-15);
        assertEquals(0.75, s.meanStepMaxVio(), 1e-15);
        assertEquals(3.5, s.meanRouterZ(), 1e-15);
        assertEquals(Math.sqrt((5.0 + 4.0) / 2), s.routedRms(), 1e-15);
        assertEquals(0.4, s.auxLoss(), 1e-15);
    }

    @Test
    void snapshots_areImmutableAndIndependentOfLaterRecords() {
        RouterMetrics m = RouterMetrics.create(1);
        m.record(0, stats(new double[] {1, 3}, 1, 1, 0));
        RouterMetrics.Snapshot s = m.snapshot();
        double[] loads = s.layers().get(0).loads();
        loads[0] = 100;
        m.record(0, stats(new double[] {5, 5}, 1, 1, 0));
        assertArrayEquals(new double[] {1, 3}, s.layers().get(0).loads(), 0.0);
        assertThrows(UnsupportedOperationException.class, () -> s.layers().clear());
        m.reset();
        RouterMetrics.Snapshot empty = m.snapshot();
        assertEquals(0, empty.layers().get(0).steps());
        assertEquals(0.0, empty.meanMaxVio(), 0.0);
    }

    @Test
    void badRecords_throwIae_andRecordNothing() {
        RouterMetrics m = RouterMetrics.create(2);
        m.record(1, stats(new double[] {1, 1, 1}, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> m.record(2, stats(new double[] {1}, 1, 1, 0)));
        assertThrows(IllegalArgumentException.class, () -> m.record(-1, stats(new double[] {1}, 1, 1, 0)));
        assertThrows(IllegalArgumentException.class, () -> m.record(1, stats(new double[] {1, 1}, 1, 1, 0)));
        assertEquals(1, m.snapshot().layers().get(1).steps());
        assertThrows(IllegalArgumentException.class, () -> RouterMetrics.create(0));
        assertThrows(IllegalArgumentException.class, () -> stats(new double[] {1, -1}, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> stats(new double[] {Double.NaN}, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> stats(new double[0], 1, 1, 0));
    }
}
