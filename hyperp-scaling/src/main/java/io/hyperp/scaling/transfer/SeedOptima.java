package io.hyperp.scaling.transfer;

import io.hyperp.scaling.fit.OptimalLrResult;
import java.util.List;
import java.util.Objects;

/**
 * The optimal-learning-rate fits of one scale's sweep repeated with different seeds, one fit per seed: how far
 * eta* moves from seed to seed.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); SPEC section 7 (every fitted quantity reports an
 * uncertainty).
 *
 * @param perSeed one fit per seed, accepted or refused, in seed order (empty: the study had one seed)
 */
public record SeedOptima(List<OptimalLrResult> perSeed) {
    /** No replication: one seed, whose fit is the scale's own. */
    public static final SeedOptima NONE = new SeedOptima(List.of());

    /**
     * Copies the list.
     *
     * @param perSeed one fit per seed
     * @throws NullPointerException for a null list or element
     */
    public SeedOptima {
        perSeed = List.copyOf(Objects.requireNonNull(perSeed, "perSeed"));
    }

    /**
     * Returns the number of seeds.
     *
     * @return the size of {@link #perSeed()}
     */
    public int count() {
        return perSeed.size();
    }

    /**
     * Returns the number of seeds whose fit was accepted.
     *
     * @return accepted fits
     */
    public int accepted() {
        return (int) perSeed.stream().filter(OptimalLrResult::isOk).count();
    }

    /**
     * Returns the geometric mean of the accepted seeds' eta*.
     *
     * @return the mean, or NaN when no seed was accepted
     */
    public double geometricMean() {
        double[] ln = lnAccepted();
        if (ln.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double v : ln) {
            s += v;
        }
        return Math.exp(s / ln.length);
    }

    /**
     * Returns the sample standard deviation of ln eta* over the accepted seeds.
     *
     * @return the deviation, or NaN with fewer than two accepted seeds
     */
    public double sdLn() {
        double[] ln = lnAccepted();
        if (ln.length < 2) {
            return Double.NaN;
        }
        double mean = 0;
        for (double v : ln) {
            mean += v;
        }
        mean /= ln.length;
        double ss = 0;
        for (double v : ln) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (ln.length - 1));
    }

    private double[] lnAccepted() {
        return perSeed.stream()
                .filter(OptimalLrResult::isOk)
                .mapToDouble(r -> Math.log(r.etaStar()))
                .toArray();
    }
}
