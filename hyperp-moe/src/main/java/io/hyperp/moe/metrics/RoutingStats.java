package io.hyperp.moe.metrics;

import io.hyperp.moe.balance.BalanceLossValues;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * What one forward pass of one MoE layer reports: expert loads, router Z, routed output RMS and the
 * auxiliary losses. Immutable (the loads array is copied in and out).
 *
 * <p>References: SPEC sections 5 and 6; Wang et al., arXiv 2408.15664 (MaxVio).
 *
 * @param loads      rows routed to each expert, over the whole (all-reduced) batch; non-negative
 * @param routerZ    \(\mathrm{mean}_t (\mathrm{logsumexp}_i\, l_{t,i})^2\)
 * @param routedRms  \(\sqrt{\mathrm{mean}(y_{\mathrm{routed}}^2)}\) of the routed part of the output
 *                   (after its combine weights, before the shared expert)
 * @param losses     the weighted auxiliary losses
 */
// The array is copied in and out, and equals/hashCode/toString compare its contents.
@SuppressWarnings("ArrayRecordComponent")
public record RoutingStats(double[] loads, double routerZ, double routedRms, BalanceLossValues losses) {

    /** Copies and checks the loads (non-empty, finite, >= 0). */
    public RoutingStats {
        Objects.requireNonNull(loads, "loads");
        Objects.requireNonNull(losses, "losses");
        loads = loads.clone();
        if (loads.length == 0) {
            throw new IllegalArgumentException("loads must not be empty");
        }
        for (double v : loads) {
            if (!(v >= 0 && Double.isFinite(v))) {
                throw new IllegalArgumentException(
                        String.format(Locale.ROOT, "loads must be finite and >= 0, found %s", Arrays.toString(loads)));
            }
        }
    }

    /** A copy of the loads. */
    @Override
    public double[] loads() {
        return loads.clone();
    }

    /**
     * MaxVio of the loads, \((\max_i f_i - \bar f)/\bar f\); 0 when no row was routed.
     */
    public double maxVio() {
        return maxVio(loads);
    }

    /** MaxVio of any load vector: \((\max_i f_i - \bar f)/\bar f\), 0 for an all-zero vector. */
    public static double maxVio(double[] loads) {
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : loads) {
            sum += v;
            max = Math.max(max, v);
        }
        double mean = sum / loads.length;
        return mean > 0 ? (max - mean) / mean : 0.0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingStats s
                && Arrays.equals(loads, s.loads)
                && routerZ == s.routerZ
                && routedRms == s.routedRms
                && losses.equals(s.losses);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(loads), routerZ, routedRms, losses);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "RoutingStats[maxVio=%.4f routerZ=%.4f routedRms=%.4f aux=%.6f loads=%s]",
                maxVio(),
                routerZ,
                routedRms,
                losses.total(),
                Arrays.toString(loads));
    }
}
