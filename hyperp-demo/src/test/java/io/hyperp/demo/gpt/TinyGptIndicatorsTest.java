package io.hyperp.demo.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.moe.RouterConfig;
import io.hyperp.moe.layer.MoeLayerConfig;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The stability indicators of {@link TinyGpt#indicators()} against a plain-Java double-precision
 * forward pass written from the model's definition (class documentation of {@link TinyGpt}) and SPEC
 * section 6, on a small instance moved away from its initialization.
 */
class TinyGptIndicatorsTest {

    @BeforeAll
    static void singleThreaded() {
        NdThreads.configure(1, 1);
    }

    private static TinyGptConfig small(boolean qkNorm) {
        // vocab 16, context 5, batch 2, depth 2, width 8, head dimension 4, FFN 12, logit multiplier 1.3
        return new TinyGptConfig(16, 5, 2, 2, 8, 4, 12, qkNorm, 1.3, 7L, DataType.DOUBLE);
    }

    @Test
    void indicators_qkNorm_matchJavaReference() {
        check(small(true), 11);
    }

    @Test
    void indicators_noQkNorm_matchJavaReference() {
        check(small(false), 12);
    }

    @Test
    void indicators_plantedOutliers_matchJavaReference() {
        // At width 8 no entry can lie 5 standard deviations from its row's mean ((d-1)/sqrt(d) < 5), so
        // outliers need d >= 27: width 32, and one embedding coordinate far out so that the residual
        // streams of the tokens that use it carry an outlier.
        TinyGptConfig cfg = new TinyGptConfig(16, 5, 2, 2, 32, 8, 16, true, 1.0, 9L, DataType.DOUBLE);
        double outliers = check(cfg, 13, model -> {
            INDArray embed = model.values().array("embed");
            for (int tok = 0; tok < 16; tok += 2) {
                embed.putScalar(tok, tok % 32, 60.0);
            }
        });
        assertTrue(outliers > 0, "the planted coordinates must show as outliers, found " + outliers);
    }

    @Test
    void indicators_beforeAnyForward_throwIse() {
        TinyGpt model = TinyGpt.create(small(true));
        IllegalStateException e = assertThrows(IllegalStateException.class, model::indicators);
        assertTrue(e.getMessage().contains("no forward pass"), e.getMessage());
    }

    @Test
    void indicators_moeSqrtGateTop2_matchJavaReferenceIncludingRouterZ() {
        check(small(true), moe(4, 2, false, true), 31, model -> {});
    }

    @Test
    void indicators_moePlainGatesTop1_matchJavaReferenceIncludingRouterZ() {
        check(small(false), moe(3, 1, false, false), 32, model -> {});
    }

    @Test
    void indicators_moeSqrtGateWithSharedExpert_matchJavaReferenceIncludingRouterZ() {
        check(small(true), moe(4, 3, true, true), 33, model -> {});
    }

    @Test
    void indicators_float32_matchDoubleReference() {
        // float32 activations (relative rounding ~6e-8 per op, a few dozen ops deep, and the branch
        // outputs taken as differences of streams of similar size) against a double reference on the
        // float32-rounded parameters: agreement to ~1e-6 relative; 1e-4 leaves a margin and still
        // catches a wrong term, which changes the values by percents.
        check(small(true).withDtype(DataType.FLOAT), moe(4, 2, false, true), 34, model -> {}, 1e-4);
        check(small(false).withDtype(DataType.FLOAT), null, 35, model -> {}, 1e-4);
    }

    @Test
    void indicators_afterAParameterChange_stillDescribeTheLastPass() {
        // An optimizer step between the forward pass and the evaluation must not change the result:
        // the indicators read that pass's activations, not the current parameters.
        for (MoeLayerConfig moe : new MoeLayerConfig[] {null, moe(4, 2, false, true)}) {
            TinyGptConfig cfg = small(true);
            TinyGpt model = create(cfg, moe);
            int[] tokens = TinyGptGradientTest.randomTokens(cfg, new SplittableRandom(8));
            model.forwardBackward(tokens);
            TinyGpt.Indicators before = model.indicators();
            for (TinyGpt.Param p : model.params()) {
                p.value().subi(p.grad().mul(0.5));
            }
            assertEquals(before, model.indicators(), "moe " + moe);
        }
    }

    private static MoeLayerConfig moe(int experts, int topK, boolean shared, boolean sqrtGate) {
        // Experts of width 4 d / k (at least 1), HyperP's Switch loss weight.
        return MoeLayerConfig.granular(
                8, new RouterConfig(experts, topK, shared, sqrtGate, RouterConfig.DEFAULT_SHARED_WEIGHT));
    }

    private static TinyGpt create(TinyGptConfig cfg, MoeLayerConfig moe) {
        return moe == null ? TinyGpt.create(cfg) : TinyGpt.create(cfg, s -> TinyGpt.defaultInit(s.role()), moe);
    }

    @Test
    void indicators_leaveLossAndGradientsUnchanged() {
        TinyGptConfig cfg = small(true);
        TinyGpt model = TinyGpt.create(cfg);
        int[] tokens = TinyGptGradientTest.randomTokens(cfg, new SplittableRandom(3));
        double loss = model.forwardBackward(tokens);
        INDArray grad = model.params().get(3).grad().dup();
        model.indicators();
        assertEquals(grad, model.params().get(3).grad());
        assertEquals(loss, model.loss(tokens), 0.0);
    }

    private static void check(TinyGptConfig cfg, long seed) {
        check(cfg, seed, model -> {});
    }

    /** Checks every indicator and returns the outlier percentage. */
    private static double check(TinyGptConfig cfg, long seed, java.util.function.Consumer<TinyGpt> plant) {
        return check(cfg, null, seed, plant, 1e-9);
    }

    /** As above for a model with mixture-of-experts {@code moe} (null: dense), router Z included. */
    private static double check(
            TinyGptConfig cfg, MoeLayerConfig moe, long seed, java.util.function.Consumer<TinyGpt> plant) {
        return check(cfg, moe, seed, plant, 1e-9);
    }

    /** As above with relative tolerance {@code rel} for attention Z, output RMS and router Z. */
    private static double check(
            TinyGptConfig cfg, MoeLayerConfig moe, long seed, java.util.function.Consumer<TinyGpt> plant, double rel) {
        TinyGpt model = create(cfg, moe);
        SplittableRandom rng = new SplittableRandom(seed);
        for (TinyGpt.Param p : model.params()) {
            INDArray flat = p.value().reshape(p.value().length());
            // Generic values of order one (embedding rows large enough to give outliers a chance).
            double size = p.spec().name().equals("embed") ? 1.0 : 0.5;
            for (long i = 0; i < flat.length(); i++) {
                flat.putScalar(i, flat.getDouble(i) + size * rng.nextGaussian());
            }
        }
        plant.accept(model);
        int[] tokens = TinyGptGradientTest.randomTokens(cfg, rng);
        model.loss(tokens);
        TinyGpt.Indicators got = model.indicators();
        double[] want = reference(model, cfg, moe, tokens);
        // Both sides compute in double precision with the same operations in different orders: the
        // differences are rounding errors of ~1e-15 relative; 1e-9 leaves a wide margin.
        assertEquals(want[0], got.attentionZ(), rel * Math.max(1, want[0]), "attention Z");
        assertEquals(want[1], got.outputRms(), rel * Math.max(1, want[1]), "output RMS");
        assertEquals(want[2], got.outlierPercent(), 1e-9, "outlier %");
        assertTrue(want[0] > 0 && want[1] > 0, "indicators must be positive here");
        if (moe == null) {
            assertTrue(Double.isNaN(got.routerZ()), "a dense model has no router Z, found " + got.routerZ());
        } else {
            // Same rounding argument; the router Z is computed by the layer from its own logits.
            assertEquals(want[3], got.routerZ(), rel * Math.max(1, want[3]), "router Z");
        }
        return got.outlierPercent();
    }

    /**
     * {attention Z, output RMS, outlier %, router Z (NaN if dense)} by plain loops over the model's
     * parameters.
     */
    private static double[] reference(TinyGpt model, TinyGptConfig cfg, MoeLayerConfig moe, int[] tokens) {
        int bN = cfg.batch();
        int t = cfg.context();
        int d = cfg.width();
        int hd = cfg.headDim();
        int nh = cfg.heads();
        int f = cfg.ffn();
        int depth = cfg.depth();
        double rho = 1 / Math.sqrt(2.0 * depth);
        int n = bN * t;
        double[][] embed = mat(model, "embed");
        double[][] h = new double[n][];
        for (int b = 0; b < bN; b++) {
            for (int i = 0; i < t; i++) {
                h[b * t + i] = embed[tokens[b * (t + 1) + i]].clone();
            }
        }
        double zSum = 0;
        double msSum = 0;
        double outlierSum = 0;
        double[] routerZ = new double[1];
        for (int l = 0; l < depth; l++) {
            String p = "blocks." + l + ".";
            double[][] n1 = rms(h, vec(model, p + "attn_norm"));
            double[][] q = mul(n1, mat(model, p + "attn.q"));
            double[][] k = mul(n1, mat(model, p + "attn.k"));
            double[][] v = mul(n1, mat(model, p + "attn.v"));
            if (cfg.qkNorm()) {
                q = headRms(q, vec(model, p + "attn.q_norm"), nh, hd);
                k = headRms(k, vec(model, p + "attn.k_norm"), nh, hd);
            }
            double[][] o = new double[n][d];
            double z = 0;
            for (int b = 0; b < bN; b++) {
                for (int hh = 0; hh < nh; hh++) {
                    for (int i = 0; i < t; i++) {
                        double[] s = new double[i + 1];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j <= i; j++) {
                            for (int c = 0; c < hd; c++) {
                                s[j] += q[b * t + i][hh * hd + c] * k[b * t + j][hh * hd + c];
                            }
                            s[j] /= Math.sqrt(hd);
                            max = Math.max(max, s[j]);
                        }
                        double sum = 0;
                        for (int j = 0; j <= i; j++) {
                            sum += Math.exp(s[j] - max);
                        }
                        double lse = max + Math.log(sum);
                        z += lse * lse;
                        for (int j = 0; j <= i; j++) {
                            double pj = Math.exp(s[j] - lse);
                            for (int c = 0; c < hd; c++) {
                                o[b * t + i][hh * hd + c] += pj * v[b * t + j][hh * hd + c];
                            }
                        }
                    }
                }
            }
            zSum += z / (bN * nh * t);
            double[][] attn = scale(mul(o, mat(model, p + "attn.o")), rho);
            msSum += meanSquare(attn);
            add(h, attn);
            double[][] n2 = rms(h, vec(model, p + "mlp_norm"));
            if (moe != null) {
                double[][] y = scale(moeReference(model, p + "moe.", moe, n2, routerZ), rho);
                msSum += meanSquare(y);
                add(h, y);
                outlierSum += outlierPercent(h);
                continue;
            }
            double[][] a = mul(n2, mat(model, p + "mlp.gate"));
            double[][] u = mul(n2, mat(model, p + "mlp.up"));
            double[][] m = new double[n][f];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < f; c++) {
                    m[r][c] = a[r][c] / (1 + Math.exp(-a[r][c])) * u[r][c];
                }
            }
            double[][] mlp = scale(mul(m, mat(model, p + "mlp.down")), rho);
            msSum += meanSquare(mlp);
            add(h, mlp);
            outlierSum += outlierPercent(h);
        }
        return new double[] {
            zSum / depth,
            Math.sqrt(msSum / (2 * depth)),
            outlierSum / depth,
            moe == null ? Double.NaN : routerZ[0] / (depth * n)
        };
    }

    /** 100 times the fraction of entries more than 5 unbiased std from their row's mean. */
    private static double outlierPercent(double[][] h) {
        int n = h.length;
        int d = h[0].length;
        {
            int outliers = 0;
            for (double[] row : h) {
                double mean = 0;
                for (double x : row) {
                    mean += x / d;
                }
                double var = 0;
                for (double x : row) {
                    var += (x - mean) * (x - mean) / (d - 1);
                }
                for (double x : row) {
                    if (Math.abs(x - mean) > 5 * Math.sqrt(var)) {
                        outliers++;
                    }
                }
            }
            return 100.0 * outliers / (n * d);
        }
    }

    /**
     * SPEC section 5: router logits x W_r^T; the top k' logits (ties to the lower index); gates g the
     * softmax over them; y = s_r sum_j c_j E_j(x) (+ s_s E_shared(x)) with c = sqrt(g) (SqrtGate) or g,
     * E(x) = W_down (silu(W_gate x) * (W_up x)), s_r, s_s the routed and shared scales. Adds each token's
     * (logsumexp of all router logits)^2 to routerZ[0].
     */
    private static double[][] moeReference(
            TinyGpt model, String p, MoeLayerConfig moe, double[][] x, double[] routerZ) {
        RouterConfig rc = moe.router();
        int d = moe.modelDim();
        int f = moe.expertWidth();
        double[][] logits = mul(x, mat(model, p + "router"));
        double[] wg = model.values().array(p + "w_gate").dup('c').data().asDouble();
        double[] wu = model.values().array(p + "w_up").dup('c').data().asDouble();
        double[] wd = model.values().array(p + "w_down").dup('c').data().asDouble();
        double[][] y = new double[x.length][d];
        for (int r = 0; r < x.length; r++) {
            double[] l = logits[r];
            double max = Double.NEGATIVE_INFINITY;
            for (double v : l) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : l) {
                sum += Math.exp(v - max);
            }
            double lse = max + Math.log(sum);
            routerZ[0] += lse * lse;
            boolean[] taken = new boolean[l.length];
            int[] sel = new int[rc.routedTopK()];
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
                double c = (rc.sqrtGate() ? Math.sqrt(g) : g) * rc.routedScale();
                double[] out = expert(x[r], wg, wu, wd, e * f * d, e * d * f, d, f);
                for (int o = 0; o < d; o++) {
                    y[r][o] += c * out[o];
                }
            }
            if (rc.sharedExpert()) {
                double[] sg = model.values()
                        .array(p + "shared.w_gate")
                        .dup('c')
                        .data()
                        .asDouble();
                double[] su =
                        model.values().array(p + "shared.w_up").dup('c').data().asDouble();
                double[] sd = model.values()
                        .array(p + "shared.w_down")
                        .dup('c')
                        .data()
                        .asDouble();
                double[] out = expert(x[r], sg, su, sd, 0, 0, d, f);
                for (int o = 0; o < d; o++) {
                    y[r][o] += rc.sharedScale() * out[o];
                }
            }
        }
        return y;
    }

    /** W_down (silu(W_gate x) * (W_up x)) with row-major [f, d] and [d, f] matrices at the given offsets. */
    private static double[] expert(
            double[] x, double[] wg, double[] wu, double[] wd, int inOff, int outOff, int d, int f) {
        double[] hid = new double[f];
        for (int o = 0; o < f; o++) {
            double a = 0;
            double u = 0;
            for (int c = 0; c < d; c++) {
                a += wg[inOff + o * d + c] * x[c];
                u += wu[inOff + o * d + c] * x[c];
            }
            hid[o] = a / (1 + Math.exp(-a)) * u;
        }
        double[] y = new double[d];
        for (int o = 0; o < d; o++) {
            for (int c = 0; c < f; c++) {
                y[o] += wd[outOff + o * f + c] * hid[c];
            }
        }
        return y;
    }

    private static double[][] mat(TinyGpt model, String name) {
        return model.values().array(name).toDoubleMatrix();
    }

    private static double[] vec(TinyGpt model, String name) {
        return model.values().array(name).toDoubleVector();
    }

    /** x W^T for W stored [out, in]. */
    private static double[][] mul(double[][] x, double[][] w) {
        double[][] y = new double[x.length][w.length];
        for (int r = 0; r < x.length; r++) {
            for (int o = 0; o < w.length; o++) {
                for (int i = 0; i < w[o].length; i++) {
                    y[r][o] += x[r][i] * w[o][i];
                }
            }
        }
        return y;
    }

    private static double[][] rms(double[][] x, double[] gain) {
        double[][] y = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            y[r] = rmsRow(x[r], 0, x[r].length, gain);
        }
        return y;
    }

    private static double[] rmsRow(double[] x, int from, int len, double[] gain) {
        double ms = 0;
        for (int c = 0; c < len; c++) {
            ms += x[from + c] * x[from + c] / len;
        }
        double[] y = new double[len];
        for (int c = 0; c < len; c++) {
            y[c] = x[from + c] / Math.sqrt(ms + TinyGpt.NORM_EPS) * gain[c];
        }
        return y;
    }

    private static double[][] headRms(double[][] x, double[] gain, int heads, int hd) {
        double[][] y = new double[x.length][heads * hd];
        for (int r = 0; r < x.length; r++) {
            for (int hh = 0; hh < heads; hh++) {
                System.arraycopy(rmsRow(x[r], hh * hd, hd, gain), 0, y[r], hh * hd, hd);
            }
        }
        return y;
    }

    private static double[][] scale(double[][] x, double s) {
        for (double[] row : x) {
            for (int c = 0; c < row.length; c++) {
                row[c] *= s;
            }
        }
        return x;
    }

    private static void add(double[][] h, double[][] x) {
        for (int r = 0; r < h.length; r++) {
            for (int c = 0; c < h[r].length; c++) {
                h[r][c] += x[r][c];
            }
        }
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
}
