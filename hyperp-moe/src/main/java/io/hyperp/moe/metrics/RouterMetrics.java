package io.hyperp.moe.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Accumulates routing statistics of several MoE layers over steps and hands out immutable
 * {@link Snapshot}s (SPEC sections 5 and 6).
 *
 * <p>Per layer it keeps the loads summed over the recorded steps, the mean of each step's MaxVio,
 * the mean router Z and the root mean square of the routed output RMS. A snapshot reports per layer:
 * <ul>
 *   <li>{@code maxVio}: MaxVio of the accumulated loads (global balance over the window);</li>
 *   <li>{@code meanStepMaxVio}: the mean over steps of each step's MaxVio (batch balance);</li>
 *   <li>{@code routerZ}: mean router Z; {@code routedRms}: \(\sqrt{\mathrm{mean}_{\text{steps}}
 *       \mathrm{rms}^2}\); {@code auxLoss}: mean weighted auxiliary loss;</li>
 * </ul>
 * and across the layers that have at least one record: the mean MaxVio, the mean step MaxVio, the
 * mean router Z, the mean auxiliary loss summed over layers, and the routed RMS as the root of the
 * mean of squares (SPEC 6). With no record at all, every aggregate is 0.
 *
 * <p>Mutable and <b>not thread-safe</b>; snapshots are immutable and independent of later records.
 *
 * <p>References: Wang et al., arXiv 2408.15664 (MaxVio); Ren et al., arXiv 2603.28743 (stability
 * indicators); Guava's {@code StatsAccumulator} (the accumulator / snapshot split).
 */
public final class RouterMetrics {

    private final int layers;
    private final double[][] loads;
    private final long[] steps;
    private final double[] sumStepMaxVio;
    private final double[] sumRouterZ;
    private final double[] sumRmsSquared;
    private final double[] sumAux;

    private RouterMetrics(int layers) {
        this.layers = layers;
        this.loads = new double[layers][];
        this.steps = new long[layers];
        this.sumStepMaxVio = new double[layers];
        this.sumRouterZ = new double[layers];
        this.sumRmsSquared = new double[layers];
        this.sumAux = new double[layers];
    }

    /**
     * An empty accumulator for {@code layers} MoE layers.
     *
     * @throws IllegalArgumentException if {@code layers < 1}
     */
    public static RouterMetrics create(int layers) {
        if (layers < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "layers (%d) must be >= 1", layers));
        }
        return new RouterMetrics(layers);
    }

    /** The number of layers. */
    public int layers() {
        return layers;
    }

    /**
     * Adds one step's statistics of one layer.
     *
     * @param layer the layer index in {@code [0, layers)}
     * @throws IllegalArgumentException for a bad index, or a load vector whose length differs from
     *                                  the layer's earlier records (nothing is recorded then)
     */
    public void record(int layer, RoutingStats stats) {
        Objects.requireNonNull(stats, "stats");
        if (layer < 0 || layer >= layers) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "layer (%d) must be in [0, %d)", layer, layers));
        }
        double[] l = stats.loads();
        if (loads[layer] != null && loads[layer].length != l.length) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "layer %d: loads have %d experts, earlier records had %d",
                    layer,
                    l.length,
                    loads[layer].length));
        }
        if (loads[layer] == null) {
            loads[layer] = new double[l.length];
        }
        for (int i = 0; i < l.length; i++) {
            loads[layer][i] += l[i];
        }
        steps[layer]++;
        sumStepMaxVio[layer] += stats.maxVio();
        sumRouterZ[layer] += stats.routerZ();
        sumRmsSquared[layer] += stats.routedRms() * stats.routedRms();
        sumAux[layer] += stats.losses().total();
    }

    /** Forgets every record. */
    public void reset() {
        Arrays.fill(loads, null);
        Arrays.fill(steps, 0);
        Arrays.fill(sumStepMaxVio, 0);
        Arrays.fill(sumRouterZ, 0);
        Arrays.fill(sumRmsSquared, 0);
        Arrays.fill(sumAux, 0);
    }

    /** An immutable summary of everything recorded so far. */
    public Snapshot snapshot() {
        List<LayerSnapshot> out = new ArrayList<>(layers);
        double sumMaxVio = 0;
        double sumStep = 0;
        double sumZ = 0;
        double sumRms2 = 0;
        double sumAuxLoss = 0;
        int active = 0;
        for (int l = 0; l < layers; l++) {
            long n = steps[l];
            if (n == 0) {
                out.add(new LayerSnapshot(0, new double[0], 0, 0, 0, 0, 0));
                continue;
            }
            double maxVio = RoutingStats.maxVio(loads[l]);
            LayerSnapshot s = new LayerSnapshot(
                    n,
                    loads[l],
                    maxVio,
                    sumStepMaxVio[l] / n,
                    sumRouterZ[l] / n,
                    Math.sqrt(sumRmsSquared[l] / n),
                    sumAux[l] / n);
            out.add(s);
            active++;
            sumMaxVio += s.maxVio();
            sumStep += s.meanStepMaxVio();
            sumZ += s.routerZ();
            sumRms2 += s.routedRms() * s.routedRms();
            sumAuxLoss += s.auxLoss();
        }
        if (active == 0) {
            return new Snapshot(out, 0, 0, 0, 0, 0);
        }
        return new Snapshot(
                out, sumMaxVio / active, sumStep / active, sumZ / active, Math.sqrt(sumRms2 / active), sumAuxLoss);
    }

    /**
     * One layer's summary.
     *
     * @param steps          the number of recorded steps (0: nothing recorded, every value 0)
     * @param loads          loads summed over the steps (empty when nothing was recorded)
     * @param maxVio         MaxVio of {@code loads}
     * @param meanStepMaxVio mean of the per-step MaxVio
     * @param routerZ        mean router Z
     * @param routedRms      root mean square of the per-step routed output RMS
     * @param auxLoss        mean weighted auxiliary loss
     */
    // The array is copied in and out, and equals/hashCode/toString compare its contents.
    @SuppressWarnings("ArrayRecordComponent")
    public record LayerSnapshot(
            long steps,
            double[] loads,
            double maxVio,
            double meanStepMaxVio,
            double routerZ,
            double routedRms,
            double auxLoss) {
        /** Copies the loads. */
        public LayerSnapshot {
            loads = Objects.requireNonNull(loads, "loads").clone();
        }

        /** A copy of the loads. */
        @Override
        public double[] loads() {
            return loads.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LayerSnapshot s
                    && steps == s.steps
                    && Arrays.equals(loads, s.loads)
                    && maxVio == s.maxVio
                    && meanStepMaxVio == s.meanStepMaxVio
                    && routerZ == s.routerZ
                    && routedRms == s.routedRms
                    && auxLoss == s.auxLoss;
        }

        @Override
        public int hashCode() {
            return Objects.hash(steps, Arrays.hashCode(loads), maxVio, meanStepMaxVio, routerZ, routedRms, auxLoss);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "LayerSnapshot[steps=%d maxVio=%.4f stepMaxVio=%.4f routerZ=%.4f routedRms=%.4f aux=%.6f]",
                    steps,
                    maxVio,
                    meanStepMaxVio,
                    routerZ,
                    routedRms,
                    auxLoss);
        }
    }

    /**
     * Summary over all layers.
     *
     * @param layers         per-layer summaries, in layer order (unmodifiable)
     * @param meanMaxVio     mean over recorded layers of {@link LayerSnapshot#maxVio()}
     * @param meanStepMaxVio mean over recorded layers of {@link LayerSnapshot#meanStepMaxVio()}
     * @param meanRouterZ    mean over recorded layers of {@link LayerSnapshot#routerZ()}
     * @param routedRms      root of the mean over recorded layers of {@code routedRms^2}
     * @param auxLoss        sum over layers of the mean auxiliary loss (the losses add over layers)
     */
    public record Snapshot(
            List<LayerSnapshot> layers,
            double meanMaxVio,
            double meanStepMaxVio,
            double meanRouterZ,
            double routedRms,
            double auxLoss) {
        /** Copies the layer list. */
        public Snapshot {
            layers = List.copyOf(layers);
        }
    }
}
