package io.hyperp.moe;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.sphere.NormReduction;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * DeepSeek-style loss-free load balancing: a per-expert bias added to the router logits for
 * selection only ({@link Router#route}'s {@code selectionBias}), updated after each batch by
 * {@code b_i += u sign(mean load - load_i)}: overloaded experts become less likely to be chosen.
 * Loads go through the {@link NormReduction} so all workers apply the same update.
 *
 * <p>Mutable and not thread-safe; the bias is state to checkpoint with the model.
 *
 * <p>References: Wang et al., <i>Auxiliary-Loss-Free Load Balancing Strategy for Mixture-of-Experts</i>
 * (2024); DeepSeek-V3 technical report.
 */
public final class LossFreeBalancer {

    private final double updateRate;
    private final NormReduction reduction;
    private final INDArray bias;
    private final INDArray loads;

    private LossFreeBalancer(int experts, double updateRate, NormReduction reduction) {
        this.updateRate = updateRate;
        this.reduction = reduction;
        this.bias = Nd4j.zeros(DataType.FLOAT, experts);
        this.loads = Nd4j.zeros(DataType.FLOAT, experts);
    }

    /** A balancer with zero bias. DeepSeek-V3 uses {@code updateRate = 0.001}. */
    public static LossFreeBalancer create(int experts, double updateRate, NormReduction reduction) {
        checkArgument(experts >= 1, "experts (%s) must be >= 1", experts);
        checkArgument(updateRate > 0 && Double.isFinite(updateRate), "updateRate (%s) must be finite and positive",
                updateRate);
        return new LossFreeBalancer(experts, updateRate, Objects.requireNonNull(reduction, "reduction"));
    }

    /** The selection bias {@code [E]} (live). */
    public INDArray bias() {
        return bias;
    }

    /** Updates the bias from the router's last loads. */
    public void update(Router router) {
        loads.assign(router.loads());
        reduction.allReduceSumInPlace(loads);
        double mean = loads.meanNumber().doubleValue();
        INDArray step = Transforms.sign(loads.rsubi(mean), false).muli(updateRate);
        bias.addi(step);
    }
}
