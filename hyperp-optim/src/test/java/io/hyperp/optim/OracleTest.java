package io.hyperp.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hyperp.core.orthogonal.NsSchedule;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.OptimizerFamily;
import io.hyperp.core.rule.ParamTreatment;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.core.testing.RandomMatrices;
import io.hyperp.core.testing.ReferenceNewtonSchulz;
import io.hyperp.core.testing.Tolerances;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J optimizers against plain-Java {@code double} references over several steps, state
 * (moments, momentum, radius) included.
 *
 * <p>Everything runs in float64 so that the comparison measures the implementation, not float32
 * rounding. The tolerance {@link #TOL} = 1e-9 relative to the largest entry leaves room for the
 * different summation orders of BLAS and of the reference loops (~1e-16 per operation, a few hundred
 * operations deep through five Newton-Schulz iterations, amplified by at most ~1e3 by Newton-Schulz's
 * polynomial on small singular values) while any wrong coefficient, sign, bias correction or clipping
 * factor shows at 1e-3 or more.
 */
class OracleTest {

    private static final double TOL = 1e-9;

    @Test
    void adamW_fiveSteps_matchesReference() {
        ParamSpec spec = ParamSpec.matrixOutIn("embed", 5, 4, ParamRole.EMBEDDING);
        double[][] w = RandomMatrices.uniform(1, 5, 4);
        double lr = 0.01;
        double wd = 0.1;
        AdamConfig cfg = AdamConfig.defaults();
        Transform t = Transforms.chain(Transforms.adam(cfg), Transforms.applyDecoupled(1.0, wd));
        ParamSet p = ParamSet.builder().add(spec, Ref.nd(w)).build();
        Optimizer opt = Optimizer.create(t, LrSchedule.constant(lr), p, NonFinitePolicy.THROW);
        Ref.Adam ref = new Ref.Adam(cfg, 5, 4);
        for (int s = 0; s < 5; s++) {
            double[][] g = RandomMatrices.uniform(100 + s, 5, 4);
            opt.step(ParamSet.builder().add(spec, Ref.nd(g)).build(), p);
            double[][] u = ref.direction(g);
            w = Ref.decoupled(w, u, lr, wd);
        }
        Tolerances.assertClose(w, p.array("embed"), TOL, "embed");
        Tolerances.assertClose(ref.m, TestParams.buffer(opt, "embed/m"), TOL, "m");
        Tolerances.assertClose(ref.v, TestParams.buffer(opt, "embed/v"), TOL, "v");
        assertEquals(5, opt.state().children().get(0).count(), "Adam's count (its bias-correction step)");
    }

    @Test
    void sphereMuon_fourSteps_matchesReference() {
        // A wide and a tall matrix: the tall one exercises the transposed Newton-Schulz path.
        for (long[] shape : List.of(new long[] {4, 7}, new long[] {7, 4})) {
            int r = (int) shape[0];
            int c = (int) shape[1];
            ParamSpec spec = ParamSpec.matrixOutIn("w", r, c, ParamRole.HIDDEN);
            double[][] w = RandomMatrices.uniform(2, r, c);
            double radius = Ref.norm(w);
            double lr = 0.05;
            double wd = 0.2;
            MuonConfig cfg = MuonConfig.defaults();
            Transform t = Transforms.chain(Transforms.muon(cfg), Transforms.sphereStep(1.0, wd));
            ParamSet p = ParamSet.builder().add(spec, Ref.nd(w)).build();
            Optimizer opt = Optimizer.create(t, LrSchedule.constant(lr), p, NonFinitePolicy.THROW);
            Ref.Muon ref = new Ref.Muon(cfg, r, c);
            for (int s = 0; s < 4; s++) {
                double[][] g = RandomMatrices.uniform(200 + s, r, c);
                opt.step(ParamSet.builder().add(spec, Ref.nd(g)).build(), p);
                w = Ref.sphereStep(w, ref.direction(g), lr, wd, radius);
            }
            Tolerances.assertClose(w, p.array("w"), TOL, "w " + r + "x" + c);
            Tolerances.assertClose(ref.momentum, TestParams.buffer(opt, "w/momentum"), TOL, "momentum");
            assertEquals(radius, TestParams.buffer(opt, "w/radius").getDouble(0), 1e-14 * radius);
        }
    }

    @Test
    void sphereMuon_expertStack_isOneSpherePerExpert() {
        // [E, out, in] = [3, 5, 4]: every expert has its own momentum, Newton-Schulz and radius.
        ParamSpec spec = ParamSpec.expertStack("experts", 3, 5, 4);
        double[][][] w = new double[3][][];
        double[] radius = new double[3];
        Ref.Muon[] ref = new Ref.Muon[3];
        MuonConfig cfg = MuonConfig.defaults();
        for (int e = 0; e < 3; e++) {
            // Different scales per expert, so a shared radius would show.
            w[e] = Ref.scale(RandomMatrices.uniform(30 + e, 5, 4), 1 + e);
            radius[e] = Ref.norm(w[e]);
            ref[e] = new Ref.Muon(cfg, 5, 4);
        }
        double lr = 0.1;
        Transform t = Transforms.chain(Transforms.muon(cfg), Transforms.sphereStep(1.0, 0.0));
        ParamSet p = ParamSet.builder().add(spec, Ref.nd(w)).build();
        Optimizer opt = Optimizer.create(t, LrSchedule.constant(lr), p, NonFinitePolicy.THROW);
        for (int s = 0; s < 3; s++) {
            double[][][] g = new double[3][][];
            for (int e = 0; e < 3; e++) {
                g[e] = RandomMatrices.uniform(300 + 10 * s + e, 5, 4);
            }
            opt.step(ParamSet.builder().add(spec, Ref.nd(g)).build(), p);
            for (int e = 0; e < 3; e++) {
                w[e] = Ref.sphereStep(w[e], ref[e].direction(g[e]), lr, 0.0, radius[e]);
            }
        }
        INDArray radii = TestParams.buffer(opt, "experts/radius");
        for (int e = 0; e < 3; e++) {
            Tolerances.assertClose(w[e], p.array("experts").slice(e), TOL, "expert " + e);
            Tolerances.assertClose(
                    ref[e].momentum, TestParams.buffer(opt, "experts/momentum").slice(e), TOL, "momentum " + e);
            assertEquals(radius[e], radii.getDouble(e), 1e-14 * radius[e], "radius " + e);
        }
    }

    @Test
    void sphereAdam_threeSteps_matchesReference() {
        ParamSpec spec = ParamSpec.matrixOutIn("head", 6, 3, ParamRole.OUTPUT_HEAD);
        double[][] w = RandomMatrices.uniform(3, 6, 3);
        double radius = Ref.norm(w);
        double lr = 0.1;
        AdamConfig cfg = AdamConfig.defaults();
        Transform t = Transforms.chain(Transforms.adam(cfg), Transforms.sphereStep(1.0, 0.0));
        ParamSet p = ParamSet.builder().add(spec, Ref.nd(w)).build();
        Optimizer opt = Optimizer.create(t, LrSchedule.constant(lr), p, NonFinitePolicy.THROW);
        Ref.Adam ref = new Ref.Adam(cfg, 6, 3);
        for (int s = 0; s < 3; s++) {
            double[][] g = RandomMatrices.uniform(300 + s, 6, 3);
            opt.step(ParamSet.builder().add(spec, Ref.nd(g)).build(), p);
            w = Ref.sphereStep(w, ref.direction(g), lr, 0.0, radius);
        }
        Tolerances.assertClose(w, p.array("head"), TOL, "head");
        Tolerances.assertClose(ref.m, TestParams.buffer(opt, "head/m"), TOL, "m");
        Tolerances.assertClose(ref.v, TestParams.buffer(opt, "head/v"), TOL, "v");
    }

    @Test
    void plainMuon_twoSteps_matchesReferenceWithShapeFactorAndDecay() {
        for (ShapeFactor factor : ShapeFactor.values()) {
            ParamSpec spec = ParamSpec.matrixOutIn("w", 3, 6, ParamRole.HIDDEN);
            double[][] w = RandomMatrices.uniform(4, 3, 6);
            double lr = 0.02;
            double wd = 0.1;
            MuonConfig cfg = MuonConfig.defaults().withNesterov(false).withSchedule(NsSchedule.JORDAN_5);
            Transform t = Transforms.chain(
                    Transforms.muon(cfg), Transforms.scaleByShapeFactor(factor), Transforms.applyDecoupled(1.0, wd));
            ParamSet p = ParamSet.builder().add(spec, Ref.nd(w)).build();
            Optimizer opt = Optimizer.create(t, LrSchedule.constant(lr), p, NonFinitePolicy.THROW);
            Ref.Muon ref = new Ref.Muon(cfg, 3, 6);
            // fan_out 3, fan_in 6 (SPEC 3): reference sqrt(3/6); Jordan sqrt(max(1, 1/2)) = 1;
            // Moonlight 0.2 sqrt(max(6, 3)); none 1.
            double f = switch (factor) {
                case NONE, JORDAN -> 1.0;
                case REFERENCE -> Math.sqrt(3.0 / 6.0);
                case MOONLIGHT -> 0.2 * Math.sqrt(6.0);
            };
            for (int s = 0; s < 2; s++) {
                double[][] g = RandomMatrices.uniform(400 + s, 3, 6);
                opt.step(ParamSet.builder().add(spec, Ref.nd(g)).build(), p);
                w = Ref.decoupled(w, Ref.scale(ref.direction(g), f), lr, wd);
            }
            Tolerances.assertClose(w, p.array("w"), TOL, "w " + factor);
        }
    }

    @Test
    void factoryOptimizers_withClippingAndSchedule_matchReference() {
        // The whole factory path (global clipping at 1, partition by the rule's treatment, every family,
        // a decaying schedule) for HyperP, the plain Muon baseline with weight decay, and AdamW under muP
        // (learning-rate multipliers base/width = 0.5 on hidden and head) and standard parameterization.
        List<ParamSpec> specs = List.of(
                ParamSpec.matrixOutIn("w", 4, 6, ParamRole.HIDDEN),
                ParamSpec.matrixOutIn("head", 5, 6, ParamRole.OUTPUT_HEAD),
                ParamSpec.matrixOutIn("embed", 5, 6, ParamRole.EMBEDDING),
                ParamSpec.vector("gain", 6, ParamRole.GAIN));
        for (ParameterizationRule rule : List.of(
                Parameterizations.hyperP(2),
                Parameterizations.muonBaseline(2, 4, 0.1),
                Parameterizations.muP(3, 6, 2, 0.1),
                Parameterizations.standard(0.05))) {
            LrSchedule schedule = LrSchedule.linearDecay(0.05, 6);
            OptimizerOptions options = OptimizerOptions.defaults();
            List<double[][]> w = new ArrayList<>();
            ParamSet.Builder pb = ParamSet.builder();
            for (int i = 0; i < specs.size(); i++) {
                long[] shape = specs.get(i).shape();
                double[][] wi = RandomMatrices.uniform(
                        50 + i, shape.length == 1 ? 1 : (int) shape[0], (int) shape[shape.length - 1]);
                w.add(wi);
                pb.add(specs.get(i), shape.length == 1 ? Ref.nd(wi).reshape(shape) : Ref.nd(wi));
            }
            ParamSet p = pb.build();
            Optimizer opt = Optimizers.create(p, rule, schedule, options);
            List<Ref.Group> ref = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                ref.add(new Ref.Group(rule.treatment(specs.get(i)), specs.get(i), w.get(i), options));
            }
            for (int s = 0; s < 6; s++) {
                List<double[][]> g = new ArrayList<>();
                ParamSet.Builder gb = ParamSet.builder();
                for (int i = 0; i < specs.size(); i++) {
                    // Gradients of norm ~6 in total, so the clip at 1 is active at every step.
                    double[][] gi = RandomMatrices.uniform(600 + 10 * s + i, w.get(i).length, w.get(i)[0].length);
                    g.add(gi);
                    gb.add(
                            specs.get(i),
                            specs.get(i).rank() == 1
                                    ? Ref.nd(gi).reshape(specs.get(i).shape())
                                    : Ref.nd(gi));
                }
                opt.step(gb.build(), p);
                double total = 0;
                for (double[][] gi : g) {
                    total += Math.pow(Ref.norm(gi), 2);
                }
                double clip = Math.min(1.0, options.clipNorm() / Math.sqrt(total));
                for (int i = 0; i < specs.size(); i++) {
                    ref.get(i).step(Ref.scale(g.get(i), clip), schedule.lr(s));
                }
            }
            for (int i = 0; i < specs.size(); i++) {
                INDArray actual = p.get(i).array();
                Tolerances.assertClose(
                        ref.get(i).w,
                        actual.rank() == 1 ? actual.reshape(1, actual.length()) : actual,
                        TOL,
                        rule.name() + " " + specs.get(i).name());
            }
        }
    }

    /**
     * Plain-Java double references of the optimizer steps, written from SPEC sections 2 and 3 and the
     * Adam paper. Newton-Schulz comes from hyperp-core's shared reference
     * ({@link ReferenceNewtonSchulz#orthogonalize}), itself checked against the exact polar factor.
     */
    static final class Ref {
        private Ref() {}

        /** The Muon direction with its momentum (SPEC 3). */
        static final class Muon {
            final MuonConfig cfg;
            final double[][] momentum;

            Muon(MuonConfig cfg, int r, int c) {
                this.cfg = cfg;
                this.momentum = new double[r][c];
            }

            double[][] direction(double[][] g) {
                double mu = cfg.momentum();
                double[][] in = new double[g.length][g[0].length];
                for (int i = 0; i < g.length; i++) {
                    for (int j = 0; j < g[0].length; j++) {
                        momentum[i][j] = mu * momentum[i][j] + g[i][j];
                        in[i][j] = cfg.nesterov() ? mu * momentum[i][j] + g[i][j] : momentum[i][j];
                    }
                }
                return ReferenceNewtonSchulz.orthogonalize(in, cfg.schedule());
            }
        }

        /** The bias-corrected Adam direction with its moments. */
        static final class Adam {
            final AdamConfig cfg;
            final double[][] m;
            final double[][] v;
            int t;

            Adam(AdamConfig cfg, int r, int c) {
                this.cfg = cfg;
                this.m = new double[r][c];
                this.v = new double[r][c];
            }

            double[][] direction(double[][] g) {
                t++;
                double c1 = 1 - Math.pow(cfg.beta1(), t);
                double c2 = 1 - Math.pow(cfg.beta2(), t);
                double[][] u = new double[g.length][g[0].length];
                for (int i = 0; i < g.length; i++) {
                    for (int j = 0; j < g[0].length; j++) {
                        m[i][j] = cfg.beta1() * m[i][j] + (1 - cfg.beta1()) * g[i][j];
                        v[i][j] = cfg.beta2() * v[i][j] + (1 - cfg.beta2()) * g[i][j] * g[i][j];
                        u[i][j] = (m[i][j] / c1) / (Math.sqrt(v[i][j] / c2) + cfg.epsilon());
                    }
                }
                return u;
            }
        }

        /** One parameter under a rule's treatment: the family's direction and terminal step. */
        static final class Group {
            final ParamTreatment treatment;
            final ParamSpec spec;
            final OptimizerOptions options;
            final double radius;
            final Muon muon;
            final Adam adam;
            double[][] w;

            Group(ParamTreatment treatment, ParamSpec spec, double[][] w, OptimizerOptions options) {
                this.treatment = treatment;
                this.spec = spec;
                this.options = options;
                this.w = w;
                this.radius = norm(w);
                this.muon = new Muon(options.muon(), w.length, w[0].length);
                this.adam = new Adam(options.adam(), w.length, w[0].length);
            }

            void step(double[][] g, double lr) {
                double eta = lr * treatment.lrMultiplier();
                double wd = treatment.weightDecay();
                OptimizerFamily f = treatment.family();
                double[][] u = f.usesMuon() ? muon.direction(g) : adam.direction(g);
                if (f == OptimizerFamily.MUON) {
                    u = scale(u, options.muonShapeFactor().factor(spec));
                }
                w = f.onSphere() ? sphereStep(w, u, eta, wd, radius) : decoupled(w, u, eta, wd);
            }
        }

        static INDArray nd(double[][] a) {
            return Nd4j.create(a).castTo(DataType.DOUBLE);
        }

        static INDArray nd(double[][][] a) {
            INDArray out = Nd4j.create(DataType.DOUBLE, a.length, a[0].length, a[0][0].length);
            for (int e = 0; e < a.length; e++) {
                out.slice(e).assign(nd(a[e]));
            }
            return out;
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

        static double[][] scale(double[][] a, double f) {
            double[][] out = new double[a.length][a[0].length];
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[0].length; j++) {
                    out[i][j] = f * a[i][j];
                }
            }
            return out;
        }

        /** SPEC 2: W' = (1 - eta wd) W - eta R U/||U||; W = R W'/||W'||. */
        static double[][] sphereStep(double[][] w, double[][] u, double eta, double wd, double radius) {
            double un = norm(u);
            double[][] out = new double[w.length][w[0].length];
            for (int i = 0; i < w.length; i++) {
                for (int j = 0; j < w[0].length; j++) {
                    out[i][j] = (1 - eta * wd) * w[i][j] - eta * radius / un * u[i][j];
                }
            }
            return scale(out, radius / norm(out));
        }

        /** W = (1 - eta wd) W - eta U. */
        static double[][] decoupled(double[][] w, double[][] u, double eta, double wd) {
            double[][] out = new double[w.length][w[0].length];
            for (int i = 0; i < w.length; i++) {
                for (int j = 0; j < w[0].length; j++) {
                    out[i][j] = (1 - eta * wd) * w[i][j] - eta * u[i][j];
                }
            }
            return out;
        }
    }
}
