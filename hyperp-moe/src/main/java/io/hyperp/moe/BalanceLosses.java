package io.hyperp.moe;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.sphere.NormReduction;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Auxiliary losses on a {@link Router}'s last batch, each returning its value and, when
 * {@code gradLogits} is not null, adding its gradient with respect to the router logits.
 *
 * <p>Batch statistics (expert probability mass P, loads f, token count) go through a
 * {@link NormReduction}, so a distributed caller that supplies an all-reduce gets the loss over all
 * workers (SPEC 5: "statistics over the whole batch and, when distributed, over all workers").
 *
 * <p>References: Fedus et al., <i>Switch Transformer</i> (the Switch loss); Zoph et al., <i>ST-MoE</i>
 * (router z-loss); Ren et al., arXiv 2603.28743 (weight 0.1 under HyperP).
 */
public final class BalanceLosses {

    /** HyperP's Switch-loss weight gamma. */
    public static final double HYPERP_SWITCH_WEIGHT = 0.1;

    private BalanceLosses() {
    }

    /**
     * The Switch loss {@code gamma E sum_i (P_i / sum P) (f_i / sum f)}, with {@code P_i} the summed
     * softmax probability of expert i and {@code f_i} its load. It equals gamma at perfect balance.
     * Only P is differentiated (f counts discrete choices).
     */
    public static double switchLoss(Router router, double gamma, NormReduction reduction, INDArray gradLogits) {
        checkWeight(gamma);
        Objects.requireNonNull(reduction, "reduction");
        int e = router.experts();
        INDArray p = Nd4j.create(router.dataType(), e);
        Nd4j.getExecutioner().exec(new Sum(router.probs(), p, 0));
        INDArray f = router.loads().dup();
        reduction.allReduceSumInPlace(p);
        reduction.allReduceSumInPlace(f);
        double sumP = p.sumNumber().doubleValue();
        double sumF = f.sumNumber().doubleValue();
        double loss = gamma * e * p.mul(f).sumNumber().doubleValue() / (sumP * sumF);
        if (gradLogits != null) {
            // dL/dprobs[t, i] = gamma E f_i / (sum P sum f), the same for every token.
            INDArray v = f.muli(gamma * e / (sumP * sumF)).reshape(1, e);
            INDArray gradProbs = Nd4j.zeros(router.dataType(), router.tokens(), e).addiRowVector(v);
            router.backwardProbsInPlace(gradProbs, gradLogits);
        }
        return loss;
    }

    /**
     * The router z-loss {@code coef mean_t (logsumexp_t)^2} over this worker's tokens.
     */
    public static double zLoss(Router router, double coef, INDArray gradLogits) {
        checkWeight(coef);
        INDArray lse = router.logSumExp();
        int t = router.tokens();
        double loss = coef * lse.mul(lse).sumNumber().doubleValue() / t;
        if (gradLogits != null) {
            // d lse / d logits = softmax, so dL/dlogits = coef 2 lse_t / T probs[t, :].
            INDArray g = router.probs().mulColumnVector(lse.reshape(t, 1)).muli(2 * coef / t);
            gradLogits.addi(g);
        }
        return loss;
    }

    /**
     * An entropy balance loss {@code coef (log E + sum_i pbar_i log pbar_i)} with {@code pbar} the mean
     * routing distribution over all tokens: zero at uniform usage, {@code coef log E} when one expert
     * takes all probability mass.
     */
    public static double entropyLoss(Router router, double coef, NormReduction reduction, INDArray gradLogits) {
        checkWeight(coef);
        int e = router.experts();
        INDArray p = Nd4j.create(router.dataType(), e);
        Nd4j.getExecutioner().exec(new Sum(router.probs(), p, 0));
        reduction.allReduceSumInPlace(p);
        double total = p.sumNumber().doubleValue();
        INDArray pbar = p.divi(total);
        INDArray logp = Transforms.log(Transforms.max(pbar, 1e-30, true), true);
        double loss = coef * (Math.log(e) + pbar.mul(logp).sumNumber().doubleValue());
        if (gradLogits != null) {
            // sum P = total tokens is constant, so dL/dprobs[t, i] = coef (log pbar_i + 1) / total.
            INDArray v = logp.addi(1.0).muli(coef / total).reshape(1, e);
            INDArray gradProbs = Nd4j.zeros(router.dataType(), router.tokens(), e).addiRowVector(v);
            router.backwardProbsInPlace(gradProbs, gradLogits);
        }
        return loss;
    }

    private static void checkWeight(double w) {
        checkArgument(w >= 0 && Double.isFinite(w), "loss weight (%s) must be finite and >= 0", w);
    }
}
