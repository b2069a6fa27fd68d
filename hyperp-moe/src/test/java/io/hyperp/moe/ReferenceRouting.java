package io.hyperp.moe;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A plain-Java double-precision reference of top-k routing and combine, written straight from SPEC
 * section 5 with no ND4J, for oracle tests.
 */
public final class ReferenceRouting {

    private ReferenceRouting() {}

    /**
     * Each token's selected experts: the k' largest {@code logits[t][i] + bias[i]}, in descending
     * order, ties broken by the lowest index (a stable sort).
     */
    public static int[][] select(double[][] logits, double[] bias, int k) {
        int t = logits.length;
        int e = logits[0].length;
        int[][] out = new int[t][];
        for (int i = 0; i < t; i++) {
            double[] s = new double[e];
            for (int j = 0; j < e; j++) {
                s[j] = logits[i][j] + (bias == null ? 0 : bias[j]);
            }
            out[i] = IntStream.range(0, e)
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer j) -> -s[j]).thenComparingInt(j -> j))
                    .limit(k)
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
        return out;
    }

    /** Softmax of each token's selected logits. */
    public static double[][] gates(double[][] logits, int[][] selected) {
        double[][] g = new double[logits.length][];
        for (int t = 0; t < logits.length; t++) {
            int k = selected[t].length;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits[t][selected[t][j]]);
            }
            double sum = 0;
            g[t] = new double[k];
            for (int j = 0; j < k; j++) {
                g[t][j] = Math.exp(logits[t][selected[t][j]] - max);
                sum += g[t][j];
            }
            for (int j = 0; j < k; j++) {
                g[t][j] /= sum;
            }
        }
        return g;
    }

    /** Combine weights: {@code scale * sqrt(g)} under SqrtGate, else {@code g}. */
    public static double[][] weights(double[][] gates, boolean sqrtGate, double scale) {
        double[][] w = new double[gates.length][];
        for (int t = 0; t < gates.length; t++) {
            w[t] = Arrays.stream(gates[t])
                    .map(g -> sqrtGate ? scale * Math.sqrt(g) : g)
                    .toArray();
        }
        return w;
    }

    /** {@code y[t] = sum_j w[t][j] * out.apply(t, selected[t][j])}. */
    public static double[][] combine(int[][] selected, double[][] w, double[][][] expertOutByTokenAndExpert) {
        int t = selected.length;
        int d = expertOutByTokenAndExpert[0][0].length;
        double[][] y = new double[t][d];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < selected[i].length; j++) {
                double[] o = expertOutByTokenAndExpert[i][selected[i][j]];
                for (int c = 0; c < d; c++) {
                    y[i][c] += w[i][j] * o[c];
                }
            }
        }
        return y;
    }

    /** Per-expert counts of the selection. */
    public static long[] loads(int[][] selected, int experts) {
        long[] l = new long[experts];
        for (int[] row : selected) {
            for (int e : row) {
                l[e]++;
            }
        }
        return l;
    }
}
