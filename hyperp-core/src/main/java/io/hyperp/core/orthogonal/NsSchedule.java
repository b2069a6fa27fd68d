package io.hyperp.core.orthogonal;

/**
 * Coefficient schedules of the quintic Newton-Schulz iteration
 * \( A = X X^T,\; B = bA + cA^2,\; X \leftarrow aX + BX \), one (a, b, c) triple per iteration.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HYPERP_5); Jordan, <i>Muon</i> (2024) (JORDAN_5);
 * Higham, <i>Functions of Matrices</i>, section 8.3 (the convergent Newton-Schulz iteration).
 */
public enum NsSchedule {
    /** The five triples of the HyperP reference code (default). */
    HYPERP_5(new double[][] {
        {4.0848, -6.8946, 2.9270},
        {3.9505, -6.3029, 2.6377},
        {3.7418, -5.5913, 2.3037},
        {2.8769, -3.1427, 1.2046},
        {2.8366, -3.0525, 1.2012}
    }),
    /** Jordan's (3.4445, -4.7750, 2.0315) five times; leaves singular values roughly in [0.5, 1.5]. */
    JORDAN_5(repeat(new double[] {3.4445, -4.7750, 2.0315}, 5)),
    /**
     * The cubic Newton-Schulz iteration (1.5, -0.5, 0) repeated 30 times: converges quadratically to
     * the exact polar factor U V^T once singular values are in (0, sqrt(3)); after the Frobenius
     * normalization they are in (0, 1], and 30 iterations bring any singular value above ~1e-4 to 1
     * within float32 rounding. For exactness tests, not for training.
     */
    CONVERGENT_30(repeat(new double[] {1.5, -0.5, 0.0}, 30));

    // Private, filled from constants at class load and never written; accessors hand out copies or
    // single values.
    @SuppressWarnings("ImmutableEnumChecker")
    private final double[][] triples;

    NsSchedule(double[][] triples) {
        this.triples = triples;
    }

    private static double[][] repeat(double[] t, int n) {
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = t.clone();
        }
        return out;
    }

    /** The number of iterations. */
    public int iterations() {
        return triples.length;
    }

    /** The (a, b, c) triple of iteration {@code i} (a copy). */
    public double[] coefficients(int i) {
        return triples[i].clone();
    }

    /** a of iteration i. */
    public double a(int i) {
        return triples[i][0];
    }

    /** b of iteration i. */
    public double b(int i) {
        return triples[i][1];
    }

    /** c of iteration i. */
    public double c(int i) {
        return triples[i][2];
    }

    /**
     * What the whole schedule does to one singular value: \( s \leftarrow as + bs^3 + cs^5 \) for
     * each triple in order. Newton-Schulz maps every singular value of the normalized matrix this way
     * and keeps its singular vectors. After the Frobenius normalization singular values lie in
     * (0, 1]; over {@code [0.01, 1]}, HYPERP_5 maps them into about [0.978, 1.032], JORDAN_5 into
     * about [0.682, 1.134], and CONVERGENT_30 to 1 within float64 rounding.
     *
     * <p>Pure function; NaN in, NaN out.
     *
     * @param s a singular value
     * @return its image
     */
    public double mapSingularValue(double s) {
        double v = s;
        for (double[] t : triples) {
            double v2 = v * v;
            v = v * (t[0] + v2 * (t[1] + v2 * t[2]));
        }
        return v;
    }
}
