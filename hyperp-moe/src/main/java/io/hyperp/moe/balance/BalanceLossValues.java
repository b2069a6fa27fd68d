package io.hyperp.moe.balance;

/**
 * The values of the auxiliary router losses of one batch, each already multiplied by its weight,
 * with the statistics they were computed from.
 *
 * @param switchLoss  the weighted Switch load-balancing loss
 * @param zLoss       the weighted router z-loss
 * @param entropyLoss the weighted entropy balance loss
 * @param routerZ     the unweighted router Z, \(\mathrm{mean}_t(\mathrm{logsumexp}\, l_t)^2\) over the
 *                    whole (all-reduced) batch
 * @param tokens      the number of tokens the statistics cover (all workers)
 */
public record BalanceLossValues(double switchLoss, double zLoss, double entropyLoss, double routerZ, double tokens) {

    /** The sum of the three weighted losses: what to add to the training loss. */
    public double total() {
        return switchLoss + zLoss + entropyLoss;
    }
}
