package io.hyperp.examples.gpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.core.param.ParamRole;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checks {@link TinyGpt#indicators()} against a plain-Java double-precision forward pass of the same
 * model that computes the SPEC section 6 indicators directly from its own branch outputs and residual
 * streams (no reconstruction from normalized activations).
 */
class TinyGptIndicatorsTest {

    @BeforeAll
    static void singleThreaded() {
        // Small ops on a shared machine: spinning worker threads only add contention.
        NdThreads.parallelModels();
    }

    /** Width 8, 2 heads, depth 2, context 5, batch 2, float64. */
    private static TinyGptConfig tiny() {
        return new TinyGptConfig(16, 5, 2, 2, 8, 4, 32, true, 1.0, 21L, DataType.DOUBLE);
    }

    // Tolerance for float64: the model and the reference differ only in summation order and in the
    // reconstruction x = xhat / r and branch = difference of streams, each a few ulps of O(1) values,
    // so they agree to ~1e-14; 1e-10 relative is far above that and far below any formula error.
    private static final double TOL64 = 1e-10;

    @Test
    void indicators_qkNorm_matchReference() {
        checkAgainstReference(tiny(), 1L);
    }

    @Test
    void indicators_noQkNorm_matchReference() {
        checkAgainstReference(tiny().withQkNorm(false).withSeed(22L), 2L);
    }

    @Test
    void indicators_moeSqrtGate_matchReferenceIncludingRouterZ() {
        checkAgainstReference(tiny().withMoe(4, 2, true, 6).withSeed(24L), 11L);
    }

    @Test
    void indicators_moePlainGatesTop1_matchReferenceIncludingRouterZ() {
        checkAgainstReference(tiny().withMoe(3, 1, false, 10).withSeed(25L), 12L);
    }

    @Test
    void indicators_plantedOutliers_matchReference() {
        // Width 64: one entry can exceed 5 unbiased std only when d >= 27. Token t's embedding is N(0, 1)
        // with a spike of 3 + 0.75 t in coordinate 0, about 2.8 to 6.9 std of its row: some tokens fall
        // on each side of 5 std (and of 4 std), so a wrong threshold or a biased std changes the count.
        // At the reference initialization (U(+-1/sqrt(fan_in)) matrices, unit gains) the branches add
        // entries of order 1 and the spikes survive the blocks.
        TinyGptConfig cfg = new TinyGptConfig(16, 6, 2, 2, 64, 16, 64, true, 1.0, 23L, DataType.DOUBLE);
        TinyGpt model = TinyGpt.create(cfg);
        SplittableRandom rng = new SplittableRandom(3L);
        INDArray embed = model.params().get(0).value();
        for (int t = 0; t < cfg.vocab(); t++) {
            for (int j = 0; j < cfg.width(); j++) {
                embed.putScalar(new long[] {t, j}, j == 0 ? 3.0 + 0.75 * t : rng.nextGaussian());
            }
        }
        int[] tokens = TinyGptGradientTest.randomTokens(cfg, rng);
        model.loss(tokens);
        double[] ref = Reference.of(model).indicators(tokens);
        // Somewhat fewer than half the tokens carry an outlier among 64 entries: at most ~0.8%.
        assertTrue(ref[2] > 0.1, "the planted spikes must be outliers, reference gave " + ref[2]);
        assertIndicators(ref, model.indicators(), TOL64);
    }

    @Test
    void indicators_float32_matchDoubleReference() {
        TinyGptConfig cfg = tiny().withDtype(DataType.FLOAT);
        TinyGpt model = TinyGpt.create(cfg);
        SplittableRandom rng = new SplittableRandom(4L);
        perturb(model, rng);
        int[] tokens = TinyGptGradientTest.randomTokens(cfg, rng);
        model.forwardBackward(tokens);
        // float32 activations (relative rounding ~6e-8 per op, a few dozen ops deep) against a double
        // reference on the float32-rounded parameters: agreement to ~1e-6 relative; 1e-4 leaves margin
        // yet still catches any wrong term (which changes the values by percents).
        assertIndicators(Reference.of(model).indicators(tokens), model.indicators(), 1e-4);
    }

    @Test
    void indicators_leaveGradientsAndNextStepUntouched_andIgnoreLaterParameterChanges() {
        TinyGptConfig cfg = tiny();
        TinyGpt a = TinyGpt.create(cfg);
        TinyGpt b = TinyGpt.create(cfg);
        int[] t1 = TinyGptGradientTest.randomTokens(cfg, new SplittableRandom(5L));
        int[] t2 = TinyGptGradientTest.randomTokens(cfg, new SplittableRandom(6L));
        a.forwardBackward(t1);
        b.forwardBackward(t1);
        TinyGpt.Indicators first = a.indicators();
        for (int i = 0; i < a.params().size(); i++) {
            assertArrayEquals(b.params().get(i).grad().data().asDouble(), a.params().get(i).grad().data().asDouble(),
                    0.0, a.params().get(i).spec().name());
        }
        // A parameter change after the pass (as an optimizer step would make) does not alter the result.
        for (TinyGpt.Param p : a.params()) {
            p.value().muli(1.5);
            b.params().get(a.params().indexOf(p)).value().muli(1.5);
        }
        assertEquals(first, a.indicators());
        assertEquals(b.forwardBackward(t2), a.forwardBackward(t2), 0.0);
        for (int i = 0; i < a.params().size(); i++) {
            assertArrayEquals(b.params().get(i).grad().data().asDouble(), a.params().get(i).grad().data().asDouble(),
                    0.0, a.params().get(i).spec().name());
        }
    }

    @Test
    void indicators_dense_routerZIsNaN() {
        TinyGpt model = TinyGpt.create(tiny());
        model.loss(TinyGptGradientTest.randomTokens(tiny(), new SplittableRandom(7L)));
        TinyGpt.Indicators ind = model.indicators();
        assertTrue(Double.isNaN(ind.routerZ()), "routerZ " + ind.routerZ());
        assertTrue(ind.attentionZ() > 0 && ind.outputRms() > 0, ind.toString());
    }

    @Test
    void indicators_beforeAnyForwardPass_throwsIse() {
        TinyGpt model = TinyGpt.create(tiny());
        IllegalStateException e = assertThrows(IllegalStateException.class, model::indicators);
        assertTrue(e.getMessage().contains("forward"), e.getMessage());
    }

    private static void checkAgainstReference(TinyGptConfig cfg, long seed) {
        TinyGpt model = TinyGpt.create(cfg);
        SplittableRandom rng = new SplittableRandom(seed);
        perturb(model, rng);
        int[] tokens = TinyGptGradientTest.randomTokens(cfg, rng);
        model.forwardBackward(tokens);
        double[] ref = Reference.of(model).indicators(tokens);
        assertIndicators(ref, model.indicators(), TOL64);
    }

    private static void assertIndicators(double[] ref, TinyGpt.Indicators got, double rel) {
        assertEquals(ref[0], got.attentionZ(), rel * Math.abs(ref[0]), "attentionZ");
        assertEquals(ref[1], got.outputRms(), rel * Math.abs(ref[1]), "outputRms");
        // Outlier counts are integers over N*d entries: exact agreement unless an entry sits on the
        // 5-sigma boundary to within rounding, which the planted data keep far away from.
        assertEquals(ref[2], got.outlierPercent(), 1e-12, "outlierPercent");
        if (Double.isNaN(ref[3])) {
            assertTrue(Double.isNaN(got.routerZ()), "routerZ of a dense model: " + got.routerZ());
        } else {
            assertEquals(ref[3], got.routerZ(), rel * Math.abs(ref[3]), "routerZ");
        }
    }

    /** Moves parameters off the initialization so attention is far from uniform and gains differ from 1. */
    static void perturb(TinyGpt model, SplittableRandom rng) {
        for (TinyGpt.Param p : model.params()) {
            double size = p.spec().role() == ParamRole.GAIN ? 0.3 : 0.5;
            long n = p.value().length();
            INDArray flat = p.value().reshape(n);
            for (long i = 0; i < n; i++) {
                flat.putScalar(i, flat.getDouble(i) + size * rng.nextGaussian());
            }
        }
    }

    /** The dense model's forward pass in plain Java doubles, recording branch outputs and streams. */
    static final class Reference {
        private final TinyGptConfig cfg;
        private final Map<String, double[]> p = new HashMap<>();

        private Reference(TinyGptConfig cfg) {
            this.cfg = cfg;
        }

        static Reference of(TinyGpt model) {
            Reference r = new Reference(model.config());
            for (TinyGpt.Param q : model.params()) {
                r.p.put(q.spec().name(), q.value().dup('c').data().asDouble());
            }
            return r;
        }

        /** {attentionZ, outputRms, outlierPercent, routerZ (NaN if dense)} per SPEC section 6. */
        double[] indicators(int[] tokens) {
            int b = cfg.batch();
            int t = cfg.context();
            int n = b * t;
            int d = cfg.width();
            int hd = cfg.headDim();
            int heads = cfg.heads();
            int f = cfg.ffn();
            int depth = cfg.depth();
            double rho = 1.0 / Math.sqrt(2.0 * depth);
            double[][] h = new double[n][d];
            double[] embed = p.get("embed");
            for (int s = 0; s < b; s++) {
                for (int i = 0; i < t; i++) {
                    int tok = tokens[s * (t + 1) + i];
                    System.arraycopy(embed, tok * d, h[s * t + i], 0, d);
                }
            }
            double zSum = 0;
            double branchSq = 0;
            double outliers = 0;
            for (int l = 0; l < depth; l++) {
                String pre = "blocks." + l + ".";
                double[][] n1 = rmsNorm(h, p.get(pre + "attn_norm"));
                double[][] q = matT(n1, p.get(pre + "attn.q"), d);
                double[][] k = matT(n1, p.get(pre + "attn.k"), d);
                double[][] v = matT(n1, p.get(pre + "attn.v"), d);
                double[][] o = new double[n][d];
                for (int s = 0; s < b; s++) {
                    for (int hh = 0; hh < heads; hh++) {
                        double[][] qh = new double[t][];
                        double[][] kh = new double[t][];
                        for (int i = 0; i < t; i++) {
                            qh[i] = head(q[s * t + i], hh, hd);
                            kh[i] = head(k[s * t + i], hh, hd);
                            if (cfg.qkNorm()) {
                                qh[i] = rmsNorm(new double[][] {qh[i]}, p.get(pre + "attn.q_norm"))[0];
                                kh[i] = rmsNorm(new double[][] {kh[i]}, p.get(pre + "attn.k_norm"))[0];
                            }
                        }
                        for (int i = 0; i < t; i++) {
                            double[] logits = new double[i + 1];
                            double max = Double.NEGATIVE_INFINITY;
                            for (int j = 0; j <= i; j++) {
                                double dot = 0;
                                for (int c = 0; c < hd; c++) {
                                    dot += qh[i][c] * kh[j][c];
                                }
                                logits[j] = dot / Math.sqrt(hd);
                                max = Math.max(max, logits[j]);
                            }
                            double sum = 0;
                            for (int j = 0; j <= i; j++) {
                                sum += Math.exp(logits[j] - max);
                            }
                            double lse = max + Math.log(sum);
                            zSum += lse * lse;
                            for (int j = 0; j <= i; j++) {
                                double pj = Math.exp(logits[j] - lse);
                                for (int c = 0; c < hd; c++) {
                                    o[s * t + i][hh * hd + c] += pj * v[s * t + j][hh * hd + c];
                                }
                            }
                        }
                    }
                }
                double[][] attn = scale(matT(o, p.get(pre + "attn.o"), d), rho);
                branchSq += meanSquare(attn);
                addInto(h, attn);
                double[][] n2 = rmsNorm(h, p.get(pre + "mlp_norm"));
                if (cfg.isMoe()) {
                    double[][] moe = scale(moe(n2, pre + "moe."), rho);
                    branchSq += meanSquare(moe);
                    addInto(h, moe);
                    outliers += outlierFraction(h);
                    continue;
                }
                double[][] u1 = matT(n2, p.get(pre + "mlp.gate"), f);
                double[][] u3 = matT(n2, p.get(pre + "mlp.up"), f);
                double[][] m = new double[n][f];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < f; j++) {
                        m[i][j] = u1[i][j] / (1 + Math.exp(-u1[i][j])) * u3[i][j];
                    }
                }
                double[][] mlp = scale(matT(m, p.get(pre + "mlp.down"), d), rho);
                branchSq += meanSquare(mlp);
                addInto(h, mlp);
                outliers += outlierFraction(h);
            }
            return new double[] {zSum / ((double) depth * b * heads * t), Math.sqrt(branchSq / (2 * depth)),
                100.0 * outliers / depth, cfg.isMoe() ? routerZSum / (depth * n) : Double.NaN};
        }

        private double routerZSum;

        /**
         * SPEC section 5 without a shared expert: router logits x W_r^T, the top-k (ties to the lower
         * index), gates softmax over the selected logits, y = sum_j c_j E_j(x) with c = sqrt(g) or g,
         * E(x) = W_down (silu(W_gate x) * (W_up x)). Adds the router Z of every token to routerZSum.
         */
        private double[][] moe(double[][] x, String pre) {
            TinyGptConfig.Moe m = cfg.moe();
            int d = cfg.width();
            int f = m.expertFfn();
            double[] wr = p.get(pre + "router");
            double[] wg = p.get(pre + "w_gate");
            double[] wu = p.get(pre + "w_up");
            double[] wd = p.get(pre + "w_down");
            double[][] logits = matT(x, wr, m.experts());
            double[][] y = new double[x.length][d];
            for (int i = 0; i < x.length; i++) {
                double[] l = logits[i];
                double max = Double.NEGATIVE_INFINITY;
                for (double v : l) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (double v : l) {
                    sum += Math.exp(v - max);
                }
                double lse = max + Math.log(sum);
                routerZSum += lse * lse;
                boolean[] taken = new boolean[l.length];
                int[] sel = new int[m.topK()];
                for (int j = 0; j < sel.length; j++) {
                    int best = -1;
                    for (int e = 0; e < l.length; e++) {
                        if (!taken[e] && (best < 0 || l[e] > l[best])) {
                            best = e;
                        }
                    }
                    taken[best] = true;
                    sel[j] = best;
                }
                double gsum = 0;
                for (int e : sel) {
                    gsum += Math.exp(l[e] - l[sel[0]]);
                }
                for (int e : sel) {
                    double g = Math.exp(l[e] - l[sel[0]]) / gsum;
                    double c = m.sqrtGate() ? Math.sqrt(g) : g;
                    double[] hid = new double[f];
                    for (int o = 0; o < f; o++) {
                        double a = 0;
                        double u = 0;
                        for (int q = 0; q < d; q++) {
                            a += wg[(e * f + o) * d + q] * x[i][q];
                            u += wu[(e * f + o) * d + q] * x[i][q];
                        }
                        hid[o] = a / (1 + Math.exp(-a)) * u;
                    }
                    for (int o = 0; o < d; o++) {
                        double v = 0;
                        for (int q = 0; q < f; q++) {
                            v += wd[(e * d + o) * f + q] * hid[q];
                        }
                        y[i][o] += c * v;
                    }
                }
            }
            return y;
        }

        private static double outlierFraction(double[][] h) {
            int count = 0;
            int d = h[0].length;
            for (double[] row : h) {
                double mean = 0;
                for (double x : row) {
                    mean += x;
                }
                mean /= d;
                double var = 0;
                for (double x : row) {
                    var += (x - mean) * (x - mean);
                }
                double std = Math.sqrt(var / (d - 1));
                for (double x : row) {
                    if (Math.abs(x - mean) > 5 * std) {
                        count++;
                    }
                }
            }
            return count / (double) (h.length * d);
        }

        private static double[] head(double[] row, int hh, int hd) {
            double[] out = new double[hd];
            System.arraycopy(row, hh * hd, out, 0, hd);
            return out;
        }

        private static double[][] rmsNorm(double[][] x, double[] gain) {
            double[][] out = new double[x.length][x[0].length];
            for (int i = 0; i < x.length; i++) {
                double ms = 0;
                for (double v : x[i]) {
                    ms += v * v;
                }
                double r = 1 / Math.sqrt(ms / x[i].length + TinyGpt.NORM_EPS);
                for (int j = 0; j < x[i].length; j++) {
                    out[i][j] = x[i][j] * r * gain[j];
                }
            }
            return out;
        }

        /** x W^T for W stored row-major [out, in]. */
        private static double[][] matT(double[][] x, double[] w, int out) {
            int in = x[0].length;
            double[][] y = new double[x.length][out];
            for (int i = 0; i < x.length; i++) {
                for (int o = 0; o < out; o++) {
                    double s = 0;
                    for (int c = 0; c < in; c++) {
                        s += x[i][c] * w[o * in + c];
                    }
                    y[i][o] = s;
                }
            }
            return y;
        }

        private static double[][] scale(double[][] x, double s) {
            for (double[] row : x) {
                for (int j = 0; j < row.length; j++) {
                    row[j] *= s;
                }
            }
            return x;
        }

        private static double meanSquare(double[][] x) {
            double s = 0;
            for (double[] row : x) {
                for (double v : row) {
                    s += v * v;
                }
            }
            return s / (x.length * x[0].length);
        }

        private static void addInto(double[][] h, double[][] x) {
            for (int i = 0; i < h.length; i++) {
                for (int j = 0; j < h[i].length; j++) {
                    h[i][j] += x[i][j];
                }
            }
        }
    }
}
