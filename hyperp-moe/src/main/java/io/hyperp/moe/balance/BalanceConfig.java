package io.hyperp.moe.balance;

import java.util.Locale;

/**
 * Weights of the auxiliary router losses (SPEC section 5). A weight of 0 disables a loss (its value
 * is still reported as 0 and it adds no gradient).
 *
 * <ul>
 *   <li>Switch load-balancing loss, \( \gamma E \sum_i \frac{P_i}{\sum P} \frac{f_i}{\sum f} \),
 *       \(P_i\) the summed softmax probability of expert \(i\) over the batch and \(f_i\) the number of
 *       rows routed to it. Equals \(\gamma\) at perfect balance. HyperP uses \(\gamma = 0.1\).</li>
 *   <li>Router z-loss, \( w_z \cdot \mathrm{mean}_t (\mathrm{logsumexp}_i\, l_{t,i})^2 \) (ST-MoE,
 *       typically {@code 1e-3}).</li>
 *   <li>Entropy balance loss, \( w_H (\log E - H(\bar P)) = w_H\, \mathrm{KL}(\bar P \,\|\,
 *       \mathrm{uniform}) \) with \(\bar P = P / \sum P\) the batch-mean routing distribution: 0 at
 *       perfect balance, \(w_H \log E\) when one expert takes all the probability.</li>
 * </ul>
 *
 * <p>Immutable; validated on construction.
 *
 * <p>References: Fedus et al., <i>Switch Transformer</i> (arXiv 2101.03961); Zoph et al., <i>ST-MoE</i>
 * (arXiv 2202.08906); Ren et al., arXiv 2603.28743 (gamma = 0.1 under HyperP).
 *
 * @param switchWeight  \(\gamma\), finite and >= 0
 * @param zLossWeight   \(w_z\), finite and >= 0
 * @param entropyWeight \(w_H\), finite and >= 0
 */
public record BalanceConfig(double switchWeight, double zLossWeight, double entropyWeight) {

    /** HyperP's Switch-loss weight. */
    public static final double HYPERP_SWITCH_WEIGHT = 0.1;

    /** Validates the weights. */
    public BalanceConfig {
        check("switchWeight", switchWeight);
        check("zLossWeight", zLossWeight);
        check("entropyWeight", entropyWeight);
    }

    private static void check(String what, double v) {
        if (!(v >= 0 && Double.isFinite(v))) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s (%s) must be finite and >= 0", what, v));
        }
    }

    /** HyperP's setting: Switch loss with weight 0.1, no z-loss, no entropy loss. */
    public static BalanceConfig defaults() {
        return new BalanceConfig(HYPERP_SWITCH_WEIGHT, 0.0, 0.0);
    }

    /** No auxiliary loss at all. */
    public static BalanceConfig none() {
        return new BalanceConfig(0.0, 0.0, 0.0);
    }

    /** A copy with Switch-loss weight {@code v}. */
    public BalanceConfig withSwitchWeight(double v) {
        return new BalanceConfig(v, zLossWeight, entropyWeight);
    }

    /** A copy with z-loss weight {@code v}. */
    public BalanceConfig withZLossWeight(double v) {
        return new BalanceConfig(switchWeight, v, entropyWeight);
    }

    /** A copy with entropy-loss weight {@code v}. */
    public BalanceConfig withEntropyWeight(double v) {
        return new BalanceConfig(switchWeight, zLossWeight, v);
    }

    /** Whether any loss has a positive weight (so that a gradient must be computed). */
    public boolean anyActive() {
        return switchWeight > 0 || zLossWeight > 0 || entropyWeight > 0;
    }
}
