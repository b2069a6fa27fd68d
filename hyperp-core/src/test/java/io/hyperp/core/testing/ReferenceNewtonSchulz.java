package io.hyperp.core.testing;

import io.hyperp.core.orthogonal.NsSchedule;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Plain-Java {@code double} references for Newton-Schulz and the matrix facts its tests need:
 * the iteration itself written as in SPEC section 3 with general products and explicit
 * transposes, singular values and the polar factor by one-sided Jacobi, random matrices with
 * planted singular values. Slow and exact to float64 rounding; for tests only.
 *
 * <p>All methods are pure (arguments are never modified) and thread-safe.
 *
 * <p>References: Jordan, <i>Muon</i> (2024); Ren et al., arXiv 2603.28743; Demmel and Veselic,
 * <i>Jacobi's method is more accurate than QR</i>, SIAM J. Matrix Anal. Appl. 13 (1992).
 */
public final class ReferenceNewtonSchulz {

    private ReferenceNewtonSchulz() {}

    /**
     * Newton-Schulz as specified: transpose a tall matrix, \(X = G/(\|G\|_F + 10^{-7})\), then for each
     * triple \(A = XX^T\), \(B = bA + cAA\), \(X = aX + BX\); transpose back.
     */
    public static double[][] orthogonalize(double[][] g, NsSchedule schedule) {
        boolean tall = g.length > g[0].length;
        double[][] x = tall ? transpose(g) : copy(g);
        double scale = frobenius(x) + 1e-7;
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] /= scale;
            }
        }
        for (int it = 0; it < schedule.iterations(); it++) {
            double[][] a = multiply(x, transpose(x));
            double[][] aa = multiply(a, a);
            double[][] b = new double[a.length][a.length];
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a.length; j++) {
                    b[i][j] = schedule.b(it) * a[i][j] + schedule.c(it) * aa[i][j];
                }
            }
            double[][] bx = multiply(b, x);
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x[0].length; j++) {
                    x[i][j] = schedule.a(it) * x[i][j] + bx[i][j];
                }
            }
        }
        return tall ? transpose(x) : x;
    }

    /** The singular values of {@code g}, in descending order (one-sided Jacobi). */
    public static double[] singularValues(double[][] g) {
        Svd s = svd(g);
        double[] v = s.sigma.clone();
        Arrays.sort(v);
        for (int i = 0; i < v.length / 2; i++) {
            double t = v[i];
            v[i] = v[v.length - 1 - i];
            v[v.length - 1 - i] = t;
        }
        return v;
    }

    /**
     * The polar factor \(UV^T\) of \(G = U\Sigma V^T\) (the orthogonal factor nearest to G), which a
     * convergent Newton-Schulz schedule reaches. Defined only for full-rank G.
     *
     * @throws IllegalArgumentException if G is rank-deficient (smallest singular value below
     *                                  1e-12 of the largest)
     */
    public static double[][] polarFactor(double[][] g) {
        Svd s = svd(g);
        double max = Arrays.stream(s.sigma).max().orElse(0);
        // w = the tall orientation of g, = U Sigma V^T with U's columns w's orthogonalized columns.
        int p = s.w.length;
        int q = s.w[0].length;
        double[][] u = new double[p][q];
        for (int k = 0; k < q; k++) {
            if (!(s.sigma[k] > 1e-12 * max)) {
                throw new IllegalArgumentException(
                        "polarFactor: matrix is rank-deficient, singular values " + Arrays.toString(s.sigma));
            }
            for (int i = 0; i < p; i++) {
                u[i][k] = s.w[i][k] / s.sigma[k];
            }
        }
        double[][] polar = multiply(u, transpose(s.v));
        return s.transposed ? transpose(polar) : polar;
    }

    /**
     * A {@code rows x cols} matrix \(U \operatorname{diag}(s) V^T\) with Haar-like random orthogonal
     * factors (Gram-Schmidt of Gaussian matrices) and the given singular values.
     *
     * @param sigma min(rows, cols) singular values, any order
     */
    public static double[][] withSingularValues(long seed, int rows, int cols, double[] sigma) {
        int k = Math.min(rows, cols);
        if (sigma.length != k) {
            throw new IllegalArgumentException(
                    "withSingularValues: need " + k + " singular values, found " + sigma.length);
        }
        SplittableRandom r = new SplittableRandom(seed);
        double[][] u = orthonormalColumns(r, rows, k);
        double[][] v = orthonormalColumns(r, cols, k);
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += u[i][t] * sigma[t] * v[j][t];
                }
                out[i][j] = s;
            }
        }
        return out;
    }

    /** A rank-2 INDArray (any order, any dtype, views included) as {@code double[rows][cols]}. */
    public static double[][] toDoubles(INDArray matrix) {
        if (matrix.rank() != 2) {
            throw new IllegalArgumentException("toDoubles: expected a matrix, found rank " + matrix.rank());
        }
        double[][] out = new double[(int) matrix.rows()][(int) matrix.columns()];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[0].length; j++) {
                out[i][j] = matrix.getDouble(i, j);
            }
        }
        return out;
    }

    /** \(A B\). */
    public static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < k; t++) {
                double ait = a[i][t];
                if (ait == 0) {
                    continue;
                }
                for (int j = 0; j < m; j++) {
                    c[i][j] += ait * b[t][j];
                }
            }
        }
        return c;
    }

    /** \(A^T\). */
    public static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    /** \(\|A\|_F\). */
    public static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double x : row) {
                s += x * x;
            }
        }
        return Math.sqrt(s);
    }

    /** The largest absolute entry of \(A\). */
    public static double maxAbs(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double x : row) {
                s = Math.max(s, Math.abs(x));
            }
        }
        return s;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private static double[][] orthonormalColumns(SplittableRandom r, int rows, int k) {
        double[][] q = new double[rows][k];
        for (int t = 0; t < k; t++) {
            double norm;
            do {
                for (int i = 0; i < rows; i++) {
                    q[i][t] = gaussian(r);
                }
                // Two passes of Gram-Schmidt against the previous columns for float64 orthogonality.
                for (int pass = 0; pass < 2; pass++) {
                    for (int s = 0; s < t; s++) {
                        double dot = 0;
                        for (int i = 0; i < rows; i++) {
                            dot += q[i][s] * q[i][t];
                        }
                        for (int i = 0; i < rows; i++) {
                            q[i][t] -= dot * q[i][s];
                        }
                    }
                }
                norm = 0;
                for (int i = 0; i < rows; i++) {
                    norm += q[i][t] * q[i][t];
                }
                norm = Math.sqrt(norm);
            } while (!(norm > 1e-6));
            for (int i = 0; i < rows; i++) {
                q[i][t] /= norm;
            }
        }
        return q;
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }

    /** w = tall orientation of g after the rotations (columns U_k sigma_k); v the accumulated rotations. */
    private record Svd(double[][] w, double[][] v, double[] sigma, boolean transposed) {}

    private static Svd svd(double[][] g) {
        boolean transposed = g.length < g[0].length;
        double[][] w = transposed ? transpose(g) : copy(g);
        int p = w.length;
        int q = w[0].length;
        double[][] v = new double[q][q];
        for (int i = 0; i < q; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 60; sweep++) {
            boolean rotated = false;
            for (int i = 0; i < q - 1; i++) {
                for (int j = i + 1; j < q; j++) {
                    double alpha = 0;
                    double beta = 0;
                    double gamma = 0;
                    for (int k = 0; k < p; k++) {
                        alpha += w[k][i] * w[k][i];
                        beta += w[k][j] * w[k][j];
                        gamma += w[k][i] * w[k][j];
                    }
                    if (!(Math.abs(gamma) > 1e-15 * Math.sqrt(alpha * beta)) || gamma == 0) {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    if (zeta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(1 + t * t);
                    double s = c * t;
                    for (int k = 0; k < p; k++) {
                        double wi = w[k][i];
                        double wj = w[k][j];
                        w[k][i] = c * wi - s * wj;
                        w[k][j] = s * wi + c * wj;
                    }
                    for (int k = 0; k < q; k++) {
                        double vi = v[k][i];
                        double vj = v[k][j];
                        v[k][i] = c * vi - s * vj;
                        v[k][j] = s * vi + c * vj;
                    }
                }
            }
            if (!rotated) {
                break;
            }
        }
        double[] sigma = new double[q];
        for (int k = 0; k < q; k++) {
            double s = 0;
            for (int i = 0; i < p; i++) {
                s += w[i][k] * w[i][k];
            }
            sigma[k] = Math.sqrt(s);
        }
        return new Svd(w, v, sigma, transposed);
    }
}
