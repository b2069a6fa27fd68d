package io.hyperp.optim;

import io.hyperp.core.linalg.DenseOps;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam's element-wise update as one pass over host memory, for the host path of {@link DenseOps}:
 * \[ m \leftarrow \beta_1 m + (1-\beta_1) g,\quad v \leftarrow \beta_2 v + (1-\beta_2) g^2,\quad
 *    g \leftarrow \frac{m}{a\sqrt{v} + e}. \]
 * BLAS has no element-wise square root, and the same update as ND4J ops takes nine passes and
 * allocates a few kilobytes of Java objects per tensor; this loop reads and writes each of the three
 * arrays once and allocates nothing. It runs only where {@link DenseOps#hostView} gives the arrays'
 * memory (the CPU backend with OpenBLAS); elsewhere the caller runs the ND4J ops.
 */
final class HostAdam {

    private HostAdam() {}

    /**
     * Runs the update if all three arrays are dense host memory of one dtype and ordering.
     *
     * @param g  the gradient; overwritten with the direction
     * @param m  the first moment; overwritten
     * @param v  the second moment; overwritten
     * @param a  the factor of the square root, {@code c1 / sqrt(c2)} with the bias corrections
     * @param e  the additive guard, {@code c1 * epsilon}
     * @return whether the update ran (if not, nothing was touched)
     */
    static boolean step(DenseOps ops, INDArray g, INDArray m, INDArray v, double b1, double b2, double a, double e) {
        if (g.ordering() != m.ordering() || g.ordering() != v.ordering()) {
            return false;
        }
        Buffer gb = ops.hostView(g);
        Buffer mb = ops.hostView(m);
        Buffer vb = ops.hostView(v);
        if (gb == null || mb == null || vb == null) {
            return false;
        }
        if (gb instanceof FloatBuffer gf && mb instanceof FloatBuffer mf && vb instanceof FloatBuffer vf) {
            floats(gf, mf, vf, (float) b1, (float) (1 - b1), (float) b2, (float) (1 - b2), (float) a, (float) e);
            return true;
        }
        if (gb instanceof DoubleBuffer gd && mb instanceof DoubleBuffer md && vb instanceof DoubleBuffer vd) {
            doubles(gd, md, vd, b1, 1 - b1, b2, 1 - b2, a, e);
            return true;
        }
        return false;
    }

    private static void floats(
            FloatBuffer g, FloatBuffer m, FloatBuffer v, float b1, float c1, float b2, float c2, float a, float e) {
        int n = g.limit();
        for (int i = 0; i < n; i++) {
            float gi = g.get(i);
            float mi = b1 * m.get(i) + c1 * gi;
            float vi = b2 * v.get(i) + c2 * (gi * gi);
            m.put(i, mi);
            v.put(i, vi);
            g.put(i, mi / (a * (float) Math.sqrt(vi) + e));
        }
    }

    private static void doubles(
            DoubleBuffer g,
            DoubleBuffer m,
            DoubleBuffer v,
            double b1,
            double c1,
            double b2,
            double c2,
            double a,
            double e) {
        int n = g.limit();
        for (int i = 0; i < n; i++) {
            double gi = g.get(i);
            double mi = b1 * m.get(i) + c1 * gi;
            double vi = b2 * v.get(i) + c2 * (gi * gi);
            m.put(i, mi);
            v.put(i, vi);
            g.put(i, mi / (a * Math.sqrt(vi) + e));
        }
    }
}
