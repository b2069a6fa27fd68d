package io.hyperp.scaling.internal;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Ordinary least squares \( \min_\beta \|X\beta - y\|_2^2 \) by Householder QR of a fixed design matrix,
 * reusable for many right-hand sides (bootstrap refits).
 *
 * <p>Immutable after construction and thread-safe. The design must be finite; a rank-deficient design is
 * reported by {@link #isFullRank()} rather than by an exception.
 *
 * <p>References: Golub and Van Loan, Matrix Computations, section 5.3.
 */
public final class LinearLeastSquares {
    /** Relative threshold below which a diagonal entry of R counts as zero. */
    private static final double RANK_THRESHOLD = 1e-12;

    private final int rows;
    private final int cols;
    private final DecompositionSolver solver;
    private final RealMatrix q;
    private final boolean fullRank;

    private LinearLeastSquares(double[][] design) {
        this.rows = design.length;
        this.cols = rows == 0 ? 0 : design[0].length;
        RealMatrix x = new Array2DRowRealMatrix(design, true);
        double scale = 0;
        for (double[] row : design) {
            for (double v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        QRDecomposition qr = new QRDecomposition(x, RANK_THRESHOLD * Math.max(scale, Double.MIN_NORMAL));
        this.solver = qr.getSolver();
        this.q = qr.getQ();
        this.fullRank = rows >= cols && cols > 0 && solver.isNonSingular();
    }

    /**
     * Decomposes a design matrix (rows are observations).
     *
     * @param design n x p matrix, n &gt;= 1, rows of equal length; copied
     * @return the decomposition
     * @throws IllegalArgumentException if rows differ in length or an entry is not finite
     */
    public static LinearLeastSquares of(double[][] design) {
        if (design.length == 0) {
            throw Checks.iae("design has no rows");
        }
        int p = design[0].length;
        for (int i = 0; i < design.length; i++) {
            if (design[i].length != p) {
                throw Checks.iae("design row %d has %d columns, expected %d", i, design[i].length, p);
            }
            Checks.allFinite(design[i], "design row " + i);
        }
        return new LinearLeastSquares(design);
    }

    /**
     * Returns whether the design has full column rank (and at least as many rows as columns).
     *
     * @return true when {@link #solve(double[])} has a unique answer
     */
    public boolean isFullRank() {
        return fullRank;
    }

    /**
     * Solves for the coefficients.
     *
     * @param y the n responses
     * @return the p coefficients
     * @throws IllegalStateException if the design is rank deficient
     */
    public double[] solve(double[] y) {
        if (!fullRank) {
            throw new IllegalStateException("design is rank deficient");
        }
        Checks.sameLength(y.length, "y", rows, "design");
        return solver.solve(new ArrayRealVector(y, false)).toArray();
    }

    /**
     * Returns the leverages \( h_i = (X (X^T X)^{-1} X^T)_{ii} \), the squared row norms of the thin Q.
     *
     * @return n leverages in [0, 1]
     */
    public double[] leverages() {
        double[] h = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                double v = q.getEntry(i, j);
                s += v * v;
            }
            h[i] = Math.min(1.0, s);
        }
        return h;
    }

    /**
     * Returns \( X\beta \) for a design matrix.
     *
     * @param design the design
     * @param beta coefficients
     * @return fitted values
     */
    public static double[] fitted(double[][] design, double[] beta) {
        double[] f = new double[design.length];
        for (int i = 0; i < design.length; i++) {
            double s = 0;
            for (int j = 0; j < beta.length; j++) {
                s += design[i][j] * beta[j];
            }
            f[i] = s;
        }
        return f;
    }
}
