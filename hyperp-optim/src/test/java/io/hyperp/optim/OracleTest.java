package io.hyperp.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hyperp.core.orthogonal.NsSchedule;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J optimizers against plain-Java double references over several steps, state included.
 *
 * <p>Everything runs in float64 so that the comparison measures the implementation, not float32
 * rounding: the tolerance 1e-9 (relative to the largest entry) leaves room for the different
 * summation orders of BLAS and of the reference loops (~1e-15 per operation, a few hundred
 * operations deep through five Newton-Schulz iterations) while any wrong coefficient, sign or bias
 * correction shows at 1e-3 or more.
 */
class OracleTest {

    private static final double TOL = 1e-9;

    @Test
    void adamW_fiveSteps_matchesReference() {
        ParamSpec spec = ParamSpec.matrixOutIn("embed", 5, 4, ParamRole.EMBEDDING);
        double[][] w = Ref.random(5, 4, 1);
        double lr = 0.01;
        double wd = 0.1;
        AdamConfig cfg = AdamConfig.defaults();
        Transform t = Transforms.chain(Transforms.adam(cfg), Transforms.applyDecoupled(1.0, wd));
        ParamSet p = ParamSet.builder().add(spec, Ref.nd(w)).build();
        Optimizer opt = Optimizer.create(t, LrSchedule.constant(lr), p, NonFinitePolicy.THROW);
        double[][] m = new double[5][4];
        double[][] v = new double[5][4];
        for (int s = 0; s < 5; s++) {
            double[][] g = Ref.random(5, 4, 100 + s);
            opt.step(ParamSet.builder().add(spec, Ref.nd(g)).build(), p);
            double c1 = 1 - Math.pow(cfg.beta1(), s + 1);
            double c2 = 1 - Math.pow(cfg.beta2(), s + 1);
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 4; j++) {
                    m[i][j] = cfg.beta1() * m[i][j] + (1 - cfg.beta1()) * g[i][j];
                    v[i][j] = cfg.beta2() * v[i][j] + (1 - cfg.beta2()) * g[i][j] * g[i][j];
                    double u = (m[i][j] / c1) / (Math.sqrt(v[i][j] / c2) + cfg.epsilon());
                    w[i][j] = (1 - lr * wd) * w[i][j] - lr * u;
                }
            }
        }
        Ref.assertClose(w, p.array("embed"));
        Map<String, INDArray> state = opt.stateBuffers();
        Ref.assertClose(m, find(state, "embed/m"));
        Ref.assertClose(v, find(state, "embed/v"));
    }

    @Test
    void sphereMuon_fourSteps_matchesReference() {
        // A wide and a tall matrix: the tall one exercises the transposed Newton-Schulz path.
        for (long[] shape : List.of(new long[] {4, 7}, new long[] {7, 4})) {
            int r = (int) shape[0];
            int c = (int) shape[1];
            ParamSpec spec = ParamSpec.matrixOutIn("w", r, c, ParamRole.HIDDEN);
            double[][] w = Ref.random(r, c, 2);
            double radius = Ref.norm(w);
            double lr = 0.05;
            double wd = 0.2;
            MuonConfig cfg = MuonConfig.defaults();
            Transform t = Transforms.chain(Transforms.muon(cfg), Transforms.sphereStep(1.0, wd));
            ParamSet p = ParamSet.builder().add(spec, Ref.nd(w)).build();
            Optimizer opt = Optimizer.create(t, LrSchedule.constant(lr), p, NonFinitePolicy.THROW);
            double[][] mom = new double[r][c];
            for (int s = 0; s < 4; s++) {
                double[][] g = Ref.random(r, c, 200 + s);
                opt.step(ParamSet.builder().add(spec, Ref.nd(g)).build(), p);
                double[][] in = new double[r][c];
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < c; j++) {
                        mom[i][j] = cfg.momentum() * mom[i][j] + g[i][j];
                        in[i][j] = cfg.momentum() * mom[i][j] + g[i][j];
                    }
                }
                double[][] u = Ref.newtonSchulz(in, NsSchedule.HYPERP_5);
                w = Ref.sphereStep(w, u, lr, wd, radius);
            }
            Ref.assertClose(w, p.array("w"));
            Ref.assertClose(mom, find(opt.stateBuffers(), "w/momentum"));
            assertEquals(radius, find(opt.stateBuffers(), "w/radius").getDouble(0), 1e-12 * radius);
        }
    }

    @Test
    void sphereAdam_threeSteps_matchesReference() {
        ParamSpec spec = ParamSpec.matrixOutIn("head", 6, 3, ParamRole.OUTPUT_HEAD);
        double[][] w = Ref.random(6, 3, 3);
        double radius = Ref.norm(w);
        double lr = 0.1;
        AdamConfig cfg = AdamConfig.defaults();
        Transform t = Transforms.chain(Transforms.adam(cfg), Transforms.sphereStep(1.0, 0.0));
        ParamSet p = ParamSet.builder().add(spec, Ref.nd(w)).build();
        Optimizer opt = Optimizer.create(t, LrSchedule.constant(lr), p, NonFinitePolicy.THROW);
        double[][] m = new double[6][3];
        double[][] v = new double[6][3];
        for (int s = 0; s < 3; s++) {
            double[][] g = Ref.random(6, 3, 300 + s);
            opt.step(ParamSet.builder().add(spec, Ref.nd(g)).build(), p);
            double c1 = 1 - Math.pow(cfg.beta1(), s + 1);
            double c2 = 1 - Math.pow(cfg.beta2(), s + 1);
            double[][] u = new double[6][3];
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 3; j++) {
                    m[i][j] = cfg.beta1() * m[i][j] + (1 - cfg.beta1()) * g[i][j];
                    v[i][j] = cfg.beta2() * v[i][j] + (1 - cfg.beta2()) * g[i][j] * g[i][j];
                    u[i][j] = (m[i][j] / c1) / (Math.sqrt(v[i][j] / c2) + cfg.epsilon());
                }
            }
            w = Ref.sphereStep(w, u, lr, 0.0, radius);
        }
        Ref.assertClose(w, p.array("head"));
        Ref.assertClose(m, find(opt.stateBuffers(), "head/m"));
        Ref.assertClose(v, find(opt.stateBuffers(), "head/v"));
    }

    @Test
    void plainMuon_twoSteps_matchesReferenceWithShapeFactorAndDecay() {
        ParamSpec spec = ParamSpec.matrixOutIn("w", 3, 6, ParamRole.HIDDEN);
        double[][] w = Ref.random(3, 6, 4);
        double lr = 0.02;
        double wd = 0.1;
        MuonConfig cfg = MuonConfig.defaults().withNesterov(false).withSchedule(NsSchedule.JORDAN_5);
        Transform t = Transforms.chain(Transforms.muon(cfg), Transforms.scaleByShapeFactor(ShapeFactor.REFERENCE),
                Transforms.applyDecoupled(1.0, wd));
        ParamSet p = ParamSet.builder().add(spec, Ref.nd(w)).build();
        Optimizer opt = Optimizer.create(t, LrSchedule.constant(lr), p, NonFinitePolicy.THROW);
        double[][] mom = new double[3][6];
        double f = Math.sqrt(3.0 / 6.0);
        for (int s = 0; s < 2; s++) {
            double[][] g = Ref.random(3, 6, 400 + s);
            opt.step(ParamSet.builder().add(spec, Ref.nd(g)).build(), p);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 6; j++) {
                    mom[i][j] = cfg.momentum() * mom[i][j] + g[i][j];
                }
            }
            double[][] u = Ref.newtonSchulz(mom, NsSchedule.JORDAN_5);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 6; j++) {
                    w[i][j] = (1 - lr * wd) * w[i][j] - lr * f * u[i][j];
                }
            }
        }
        Ref.assertClose(w, p.array("w"));
    }

    private static INDArray find(Map<String, INDArray> state, String suffix) {
        return state.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).findFirst().orElseThrow().getValue();
    }

    /** Plain-Java double references. */
    static final class Ref {
        private Ref() {
        }

        static double[][] random(int r, int c, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[][] a = new double[r][c];
            for (double[] row : a) {
                for (int j = 0; j < c; j++) {
                    row[j] = rnd.nextDouble() * 2 - 1;
                }
            }
            return a;
        }

        static INDArray nd(double[][] a) {
            return Nd4j.create(a).castTo(DataType.DOUBLE);
        }

        static double norm(double[][] a) {
            double s = 0;
            for (double[] row : a) {
                for (double x : row) {
                    s += x * x;
                }
            }
            return Math.sqrt(s);
        }

        static double[][] matmul(double[][] a, double[][] b) {
            double[][] c = new double[a.length][b[0].length];
            for (int i = 0; i < a.length; i++) {
                for (int k = 0; k < b.length; k++) {
                    for (int j = 0; j < b[0].length; j++) {
                        c[i][j] += a[i][k] * b[k][j];
                    }
                }
            }
            return c;
        }

        static double[][] transpose(double[][] a) {
            double[][] t = new double[a[0].length][a.length];
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[0].length; j++) {
                    t[j][i] = a[i][j];
                }
            }
            return t;
        }

        static double[][] newtonSchulz(double[][] g, NsSchedule schedule) {
            boolean tall = g.length > g[0].length;
            double[][] x = tall ? transpose(g) : g;
            double n = norm(x) + 1e-7;
            double[][] cur = new double[x.length][x[0].length];
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x[0].length; j++) {
                    cur[i][j] = x[i][j] / n;
                }
            }
            for (int it = 0; it < schedule.iterations(); it++) {
                double[][] a = matmul(cur, transpose(cur));
                double[][] aa = matmul(a, a);
                double[][] b = new double[a.length][a.length];
                for (int i = 0; i < a.length; i++) {
                    for (int j = 0; j < a.length; j++) {
                        b[i][j] = schedule.b(it) * a[i][j] + schedule.c(it) * aa[i][j];
                    }
                }
                double[][] bx = matmul(b, cur);
                for (int i = 0; i < cur.length; i++) {
                    for (int j = 0; j < cur[0].length; j++) {
                        cur[i][j] = schedule.a(it) * cur[i][j] + bx[i][j];
                    }
                }
            }
            return tall ? transpose(cur) : cur;
        }

        static double[][] sphereStep(double[][] w, double[][] u, double eta, double wd, double radius) {
            double un = norm(u);
            double[][] out = new double[w.length][w[0].length];
            for (int i = 0; i < w.length; i++) {
                for (int j = 0; j < w[0].length; j++) {
                    out[i][j] = (1 - eta * wd) * w[i][j] - eta * radius / un * u[i][j];
                }
            }
            double n = norm(out);
            for (double[] row : out) {
                for (int j = 0; j < row.length; j++) {
                    row[j] *= radius / n;
                }
            }
            return out;
        }

        static void assertClose(double[][] expected, INDArray actual) {
            double scale = 0;
            for (double[] row : expected) {
                for (double x : row) {
                    scale = Math.max(scale, Math.abs(x));
                }
            }
            for (int i = 0; i < expected.length; i++) {
                for (int j = 0; j < expected[0].length; j++) {
                    assertEquals(expected[i][j], actual.getDouble(i, j), TOL * Math.max(scale, 1e-300),
                            "entry (" + i + ", " + j + ")");
                }
            }
        }
    }
}
