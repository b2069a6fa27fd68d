package io.hyperp.moe;

import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Accumulates MoE balance and stability statistics per layer over steps (SPEC 5 and 6): per-expert
 * load, MaxVio {@code (max load - mean load) / mean load}, router Z (mean squared log-sum-exp of the
 * router logits) and the RMS of the routed output. Mutable and not thread-safe; {@link #snapshot()}
 * hands out immutable copies (means over the recorded steps).
 */
public final class MoeMetrics {

    /** Per-layer means over the recorded steps. */
    public record LayerStats(double[] meanLoad, double maxVio, double routerZ, double outputRms, long steps) {
        /** Copies the load array. */
        public LayerStats {
            meanLoad = meanLoad.clone();
        }

        @Override
        public double[] meanLoad() {
            return meanLoad.clone();
        }
    }

    /** An immutable view of the accumulator: per layer, and MaxVio averaged over layers. */
    public record Snapshot(ImmutableMap<String, LayerStats> layers, double averageMaxVio) {
    }

    private static final class Acc {
        double[] load;
        double maxVio;
        double routerZ;
        double rms;
        long steps;
    }

    private final Map<String, Acc> layers = new LinkedHashMap<>();

    private MoeMetrics() {
    }

    /** An empty accumulator. */
    public static MoeMetrics create() {
        return new MoeMetrics();
    }

    /**
     * Records one batch of one layer.
     *
     * @param layer        the layer's name
     * @param router       the router after {@link Router#route}
     * @param routedOutput the layer's routed output {@code [T, d]} (or null to skip the RMS)
     */
    public void record(String layer, Router router, INDArray routedOutput) {
        Objects.requireNonNull(layer, "layer");
        Acc a = layers.computeIfAbsent(layer, l -> new Acc());
        double[] load = router.loads().toDoubleVector();
        if (a.load == null) {
            a.load = new double[load.length];
        }
        for (int i = 0; i < load.length; i++) {
            a.load[i] += load[i];
        }
        a.maxVio += maxVio(load);
        INDArray lse = router.logSumExp();
        a.routerZ += lse.mul(lse).meanNumber().doubleValue();
        if (routedOutput != null) {
            a.rms += Math.sqrt(routedOutput.mul(routedOutput).meanNumber().doubleValue());
        }
        a.steps++;
    }

    /** MaxVio of one load vector: {@code (max - mean) / mean}; 0 for an all-zero vector. */
    public static double maxVio(double[] load) {
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (double l : load) {
            max = Math.max(max, l);
            sum += l;
        }
        double mean = sum / load.length;
        return mean > 0 ? (max - mean) / mean : 0.0;
    }

    /** The means so far. */
    public Snapshot snapshot() {
        ImmutableMap.Builder<String, LayerStats> b = ImmutableMap.builder();
        double vio = 0;
        for (Map.Entry<String, Acc> e : layers.entrySet()) {
            Acc a = e.getValue();
            double[] mean = a.load.clone();
            for (int i = 0; i < mean.length; i++) {
                mean[i] /= a.steps;
            }
            LayerStats s = new LayerStats(mean, a.maxVio / a.steps, a.routerZ / a.steps, a.rms / a.steps, a.steps);
            vio += s.maxVio();
            b.put(e.getKey(), s);
        }
        return new Snapshot(b.build(), layers.isEmpty() ? 0 : vio / layers.size());
    }

    /** Forgets everything recorded. */
    public void reset() {
        layers.clear();
    }
}
