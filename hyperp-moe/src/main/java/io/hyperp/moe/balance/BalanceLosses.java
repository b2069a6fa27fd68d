package io.hyperp.moe.balance;

import io.hyperp.core.sphere.NormReduction;
import io.hyperp.moe.internal.Ops;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The auxiliary router losses of {@link BalanceConfig} for one layer and a fixed number of local
 * tokens, with their gradients with respect to the router logits.
 *
 * <p>{@link #compute} reads the logits {@code [T, E]} and the per-expert row counts of the routing
 * decision, and forms one statistics vector (DOUBLE, length {@code 2E + 2}): the summed softmax
 * probabilities \(P_i = \sum_t \mathrm{softmax}(l_t)_i\), the counts \(f_i\), the token count and
 * \(\sum_t (\mathrm{logsumexp}\, l_t)^2\). That vector goes through the {@link NormReduction} given at
 * creation, the same interface hyperp-core's sphere norms use, so a data-parallel caller supplies an
 * all-reduce and every worker sees whole-batch statistics; {@link NormReduction#local()} keeps them
 * local.
 *
 * <p>{@link #addGradientInPlace} adds the gradient of the weighted total with respect to this
 * worker's logits (the statistics of other workers are constants): with \(p_t =
 * \mathrm{softmax}(l_t)\), \(S = \sum_i P_i\) (the global token count), \(F = \sum_i f_i\) and
 * \(\bar P = P/S\),
 * \[ \frac{\partial L}{\partial l_t} = p_t \odot (u - \langle p_t, u\rangle) + \frac{2 w_z\,
 *    \mathrm{lse}_t}{S} p_t, \qquad u_i = \frac{\gamma E f_i}{F S} + \frac{w_H}{S}\bigl(\log \max(\bar
 *    P_i, \text{tiny}) + 1\bigr). \]
 * The counts are piecewise constant in the logits and contribute no gradient. With an all-reduce,
 * this is the gradient of the global loss, so per-worker gradients must be summed (not averaged) to
 * get the gradient of the whole batch.
 *
 * <p>Non-finite behaviour: logits are expected finite (the router refuses others); a probability
 * that underflows to 0 is clamped inside the logarithm only.
 *
 * <p>Holds buffers allocated at creation; not thread-safe.
 *
 * <p>References: Fedus et al., <i>Switch Transformer</i>; Zoph et al., <i>ST-MoE</i>; Ren et al.,
 * arXiv 2603.28743.
 */
public final class BalanceLosses {

    private final String name;
    private final BalanceConfig config;
    private final int experts;
    private final long tokens;
    private final DataType dataType;
    private final NormReduction reduction;
    private final double tiny;

    private final INDArray probs; // [T, E]
    private final INDArray lse; // [T, 1]
    private final INDArray rowMax; // [T]
    private final INDArray rowMaxCol; // [T, 1] view
    private final INDArray rowSum; // [T, 1]
    private final INDArray onesE; // [E, 1]
    private final INDArray onesT; // [1, T]
    private final INDArray pSum; // [1, E]
    private final INDArray stats; // DOUBLE [2E + 2]
    private final INDArray statsP;
    private final INDArray statsF;
    private final INDArray u; // [E, 1]
    private final INDArray pu; // [T, 1]
    private final INDArray column; // [T]
    private final INDArray scratch; // [T, E]
    private final double[] hostP;
    private final double[] hostF;
    private final double[] hostU;
    private double globalTokens;
    private double sumF;
    private BalanceLossValues values;

    private BalanceLosses(
            String name, BalanceConfig config, int experts, long tokens, DataType dataType, NormReduction reduction) {
        this.name = name;
        this.config = config;
        this.experts = experts;
        this.tokens = tokens;
        this.dataType = dataType;
        this.reduction = reduction;
        this.tiny = Ops.tinyNormal(dataType);
        this.probs = Nd4j.create(dataType, tokens, experts);
        this.lse = Nd4j.create(dataType, tokens, 1);
        this.rowMax = Nd4j.create(dataType, tokens);
        this.rowMaxCol = rowMax.reshape(tokens, 1);
        this.rowSum = Nd4j.create(dataType, tokens, 1);
        this.onesE = Nd4j.ones(dataType, experts, 1);
        this.onesT = Nd4j.ones(dataType, 1, tokens);
        this.pSum = Nd4j.create(dataType, 1, experts);
        this.stats = Nd4j.create(DataType.DOUBLE, 2L * experts + 2);
        this.statsP = stats.get(NDArrayIndex.interval(0, experts));
        this.statsF = stats.get(NDArrayIndex.interval(experts, 2L * experts));
        this.u = Nd4j.create(dataType, experts, 1);
        this.pu = Nd4j.create(dataType, tokens, 1);
        this.column = Nd4j.create(dataType, tokens, 1);
        this.scratch = Nd4j.create(dataType, tokens, experts);
        this.hostP = new double[experts];
        this.hostF = new double[experts];
        this.hostU = new double[experts];
    }

    /**
     * Creates the losses of one layer and allocates their buffers.
     *
     * @param name      the layer's name, for messages
     * @param experts   {@code E}, >= 1
     * @param tokens    the local token count {@code T}, >= 1
     * @param dataType  FLOAT or DOUBLE (of the logits)
     * @param reduction how batch statistics are summed over workers
     */
    public static BalanceLosses create(
            String name, BalanceConfig config, int experts, long tokens, DataType dataType, NormReduction reduction) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(reduction, "reduction");
        if (experts < 1 || tokens < 1) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s: experts (%d) and tokens (%d) must be >= 1", name, experts, tokens));
        }
        Ops.checkFloating(name, dataType);
        return new BalanceLosses(name, config, experts, tokens, dataType, reduction);
    }

    /** The loss weights. */
    public BalanceConfig config() {
        return config;
    }

    /**
     * Computes the batch statistics (all-reduced) and the weighted losses of one routing decision.
     * Overwrites this instance's buffers; reads its arguments only.
     *
     * @param logits {@code [T, E]}, finite
     * @param counts the rows routed to each expert, a vector of length {@code E} of any numeric dtype
     * @return the loss values, also kept for {@link #lastValues()}
     * @throws IllegalArgumentException for wrong shapes or dtypes
     */
    public BalanceLossValues compute(INDArray logits, INDArray counts) {
        Ops.checkArray(name, "logits", logits, dataType, tokens, experts);
        Objects.requireNonNull(counts, "counts");
        if (counts.length() != experts || counts.rank() != 1) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: counts: expected a vector of length %d, found shape %s",
                    name,
                    experts,
                    java.util.Arrays.toString(counts.shape())));
        }
        // probs = exp(l - max) / rowSum and lse = max + log(rowSum), sharing one exponential pass.
        Nd4j.getExecutioner().exec(new Max(logits, rowMax, 1));
        probs.assign(logits).subiColumnVector(rowMaxCol);
        Transforms.exp(probs, false);
        Nd4j.gemm(probs, onesE, rowSum, false, false, 1.0, 0.0);
        probs.diviColumnVector(rowSum);
        lse.assign(rowSum);
        Transforms.log(lse, false);
        lse.addi(rowMaxCol);
        Nd4j.gemm(onesT, probs, pSum, false, false, 1.0, 0.0);
        statsP.assign(pSum.reshape(experts));
        statsF.assign(counts);
        stats.putScalar(2L * experts, (double) tokens);
        stats.putScalar(
                2L * experts + 1,
                Nd4j.getExecutioner().exec(new SquaredNorm(lse)).getDouble(0));
        reduction.allReduceSumInPlace(stats);

        double sumP = 0;
        double sumCounts = 0;
        for (int i = 0; i < experts; i++) {
            hostP[i] = stats.getDouble(i);
            hostF[i] = stats.getDouble(experts + i);
            sumP += hostP[i];
            sumCounts += hostF[i];
        }
        this.globalTokens = stats.getDouble(2L * experts);
        this.sumF = sumCounts;
        double zMean = stats.getDouble(2L * experts + 1) / globalTokens;

        double switchLoss = 0;
        if (config.switchWeight() > 0 && sumP > 0 && sumF > 0) {
            double dot = 0;
            for (int i = 0; i < experts; i++) {
                dot += (hostP[i] / sumP) * (hostF[i] / sumF);
            }
            switchLoss = config.switchWeight() * experts * dot;
        }
        double entropyLoss = 0;
        if (config.entropyWeight() > 0 && sumP > 0) {
            double negEntropy = 0;
            for (int i = 0; i < experts; i++) {
                double q = hostP[i] / sumP;
                if (q > 0) {
                    negEntropy += q * Math.log(q);
                }
            }
            entropyLoss = config.entropyWeight() * (Math.log(experts) + negEntropy);
        }
        double zLoss = config.zLossWeight() * zMean;
        values = new BalanceLossValues(switchLoss, zLoss, entropyLoss, zMean, globalTokens);
        return values;
    }

    /**
     * Adds the gradient of {@link BalanceLossValues#total()} of the last {@link #compute} with
     * respect to the logits it was given (see the class documentation). Does nothing when every
     * weight is 0.
     *
     * @param dLogits {@code [T, E]}; the gradient is added to it
     * @throws IllegalStateException before {@link #compute}
     */
    public void addGradientInPlace(INDArray dLogits) {
        if (values == null) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT, "%s: balance losses not computed; call compute(logits, counts) first", name));
        }
        Ops.checkArray(name, "dLogits", dLogits, dataType, tokens, experts);
        if (!config.anyActive()) {
            return;
        }
        double sumP = globalTokens;
        for (int i = 0; i < experts; i++) {
            double v = 0;
            if (config.switchWeight() > 0 && sumF > 0) {
                v += config.switchWeight() * experts * hostF[i] / (sumF * sumP);
            }
            if (config.entropyWeight() > 0) {
                double q = hostP[i] / sumP;
                v += config.entropyWeight() / sumP * (Math.log(Math.max(q, tiny)) + 1);
            }
            hostU[i] = v;
            u.putScalar(i, 0, v);
        }
        // column_t = 2 w_z lse_t / S - <p_t, u>
        Nd4j.gemm(probs, u, pu, false, false, 1.0, 0.0);
        column.assign(lse).muli(2 * config.zLossWeight() / sumP).subi(pu);
        scratch.assign(0);
        scratch.addiRowVector(u.reshape(experts)).addiColumnVector(column).muli(probs);
        dLogits.addi(scratch);
    }

    /** The values of the last {@link #compute}, or {@code null} before it. */
    public BalanceLossValues lastValues() {
        return values;
    }

    /**
     * A copy of the all-reduced per-expert row counts of the last {@link #compute}: the global
     * expert loads.
     */
    public double[] globalLoads() {
        if (values == null) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT, "%s: balance losses not computed; call compute(logits, counts) first", name));
        }
        return hostF.clone();
    }

    /** The softmax probabilities of the last {@link #compute}, {@code [T, E]} (the instance's buffer; read only). */
    public INDArray probabilities() {
        return probs;
    }
}
