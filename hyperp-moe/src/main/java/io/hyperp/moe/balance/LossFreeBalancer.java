package io.hyperp.moe.balance;

import io.hyperp.core.sphere.NormReduction;
import io.hyperp.moe.internal.Ops;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.same.Sign;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Auxiliary-loss-free load balancing: a per-expert bias \(b\) added to the router scores for
 * <i>selection only</i> (see {@link io.hyperp.moe.routing.TopKRouter#setSelectionBias}), updated
 * after each step from the expert loads:
 * \[ b_i \leftarrow b_i + u\, \mathrm{sign}(\bar f - f_i), \qquad \bar f = \tfrac{1}{E}\sum_i f_i. \]
 * Overloaded experts become less likely to be selected, underloaded ones more; the gates (and hence
 * the gradients) are unaffected.
 *
 * <p>The loads go through the {@link NormReduction} given at creation before the update, so every
 * data-parallel worker applies the same update to its copy of the bias.
 *
 * <p>Holds the bias (starting at 0) and a small scratch vector; not thread-safe.
 *
 * <p>References: Wang et al., <i>Auxiliary-Loss-Free Load Balancing Strategy for Mixture-of-Experts</i>
 * (arXiv 2408.15664); DeepSeek-V3 technical report (u = 0.001).
 */
public final class LossFreeBalancer {

    /** DeepSeek-V3's bias update speed. */
    public static final double DEEPSEEK_V3_RATE = 1e-3;

    private final String name;
    private final int experts;
    private final double rate;
    private final NormReduction reduction;
    private final INDArray bias;
    private final INDArray loads; // DOUBLE [E]
    private final INDArray delta; // [E] in the bias dtype

    private LossFreeBalancer(String name, int experts, double rate, DataType dataType, NormReduction reduction) {
        this.name = name;
        this.experts = experts;
        this.rate = rate;
        this.reduction = reduction;
        this.bias = Nd4j.zeros(dataType, experts);
        this.loads = Nd4j.create(DataType.DOUBLE, experts);
        this.delta = Nd4j.create(dataType, experts);
    }

    /**
     * Creates a balancer with a zero bias.
     *
     * @param name       the layer's name, for messages
     * @param experts    {@code E}, >= 1
     * @param updateRate {@code u}, finite and > 0
     * @param dataType   the router's dtype (FLOAT or DOUBLE)
     * @param reduction  how loads are summed over workers
     */
    public static LossFreeBalancer create(
            String name, int experts, double updateRate, DataType dataType, NormReduction reduction) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reduction, "reduction");
        if (experts < 1) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s: experts (%d) must be >= 1", name, experts));
        }
        if (!(updateRate > 0 && Double.isFinite(updateRate))) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s: updateRate (%s) must be finite and positive", name, updateRate));
        }
        Ops.checkFloating(name, dataType);
        return new LossFreeBalancer(name, experts, updateRate, dataType, reduction);
    }

    /** The bias vector {@code [E]}: the live array the router reads (do not write it). */
    public INDArray bias() {
        return bias;
    }

    /** The update speed {@code u}. */
    public double updateRate() {
        return rate;
    }

    /**
     * Updates the bias from one step's loads (all-reduced first).
     *
     * @param counts rows routed to each expert on this worker, a vector of length {@code E} of any
     *               numeric dtype; only read
     * @throws IllegalArgumentException for a wrong length, or negative or non-finite counts (the bias
     *                                  is then unchanged)
     */
    public void updateInPlace(INDArray counts) {
        Objects.requireNonNull(counts, "counts");
        if (counts.rank() != 1 || counts.length() != experts) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: counts: expected a vector of length %d, found shape %s",
                    name,
                    experts,
                    java.util.Arrays.toString(counts.shape())));
        }
        loads.assign(counts);
        double min = loads.minNumber().doubleValue();
        if (!(min >= 0) || Ops.countNonFinite(loads) > 0) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s: counts must be finite and >= 0, found minimum %s", name, min));
        }
        reduction.allReduceSumInPlace(loads);
        double mean = loads.sumNumber().doubleValue() / experts;
        loads.rsubi(mean);
        Nd4j.exec(new Sign(loads, loads));
        delta.assign(loads).muli(rate);
        bias.addi(delta);
    }

    /** Sets the bias back to 0. */
    public void resetInPlace() {
        bias.assign(0);
    }
}
