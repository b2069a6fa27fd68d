package io.hyperp.dl4j;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.orthogonal.NsSchedule;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.rule.InitScheme;
import io.hyperp.core.rule.OptimizerFamily;
import io.hyperp.core.rule.ParamTreatment;
import io.hyperp.dl4j.internal.HyperpGradientUpdater;
import io.hyperp.optim.AdamConfig;
import io.hyperp.optim.MuonConfig;
import io.hyperp.optim.NonFinitePolicy;
import io.hyperp.optim.OptimizerOptions;
import io.hyperp.optim.ShapeFactor;
import io.hyperp.optim.schedule.LrSchedule;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * The Deeplearning4j updater configuration that marks a parameter as trained by HyperP, and carries
 * everything needed to rebuild its optimizer after the network's JSON configuration is read back:
 * the parameter's role, its treatment under the parameterization rule (optimizer family,
 * learning-rate multiplier, weight decay, initialization), the learning-rate schedule and the
 * optimizer options (Muon, Adam, clipping, non-finite policy).
 *
 * <p>{@link HyperpDl4j#attach} installs one of these per parameter slot of each supported layer
 * (the weight updater and the bias updater of a layer); a network's JSON then holds them, and
 * ModelSerializer writes and reads them with the rest of the configuration. The updater state view
 * that DL4J allocates for a parameter, of {@link #stateSize(long)} entries, holds that parameter's
 * HyperP state (see {@link HyperpDl4j} for the layout), so ModelSerializer saves and restores it
 * too.
 *
 * <p>The {@link GradientUpdater} this config instantiates does not compute an update on its own:
 * it delegates to the optimizer that {@link HyperpDl4j#bind} attaches to the network, which
 * updates the parameters in place, and then leaves a zero update for DL4J to subtract. A network
 * that was not bound fails on its first update with {@link IllegalStateException}.
 *
 * <p>Instances are immutable and thread-safe. The no-argument constructor exists for JSON and Java
 * deserialization only. {@link #setLrAndSchedule} is refused: the schedule is part of the HyperP
 * configuration.
 *
 * <p>References: Ren et al., <i>Rethinking Language Model Scaling under Transferable Hypersphere
 * Optimization</i> (arXiv 2603.28743), section 3.
 */
public final class HyperpUpdater implements IUpdater {

    private static final long serialVersionUID = 1L;

    /** The number of header entries at the start of each parameter's state segment. */
    public static final int HEADER_LENGTH = 5;

    private String role;
    private String family;
    private double lrMultiplier;
    private double weightDecay;
    private String initKind;
    private double initScale;
    private String scheduleKind;
    private double[] scheduleArgs;
    private double muonMomentum;
    private boolean muonNesterov;
    private String muonSchedule;
    private double adamBeta1;
    private double adamBeta2;
    private double adamEpsilon;
    private String muonShapeFactor;
    private Double clipNorm;
    private String nonFinitePolicy;
    private transient LrSchedule scheduleCache;

    /** For JSON and Java deserialization only. */
    private HyperpUpdater() {}

    private HyperpUpdater(ParamRole role, ParamTreatment treatment, LrSchedule schedule, OptimizerOptions options) {
        this.role = role.name();
        this.family = treatment.family().name();
        this.lrMultiplier = treatment.lrMultiplier();
        this.weightDecay = treatment.weightDecay();
        this.initKind = treatment.init().kind().name();
        this.initScale = treatment.init().scale();
        this.scheduleKind = schedule.getClass().getSimpleName();
        this.scheduleArgs = encode(schedule);
        this.muonMomentum = options.muon().momentum();
        this.muonNesterov = options.muon().nesterov();
        this.muonSchedule = options.muon().schedule().name();
        this.adamBeta1 = options.adam().beta1();
        this.adamBeta2 = options.adam().beta2();
        this.adamEpsilon = options.adam().epsilon();
        this.muonShapeFactor = options.muonShapeFactor().name();
        this.clipNorm = Double.isInfinite(options.clipNorm()) ? null : options.clipNorm();
        this.nonFinitePolicy = options.nonFinitePolicy().name();
    }

    /**
     * The configuration of one parameter slot.
     *
     * @param role      the parameter's role
     * @param treatment its treatment under the parameterization rule
     * @param schedule  the learning-rate schedule, a function of HyperP's step count
     * @param options   the optimizer options; the norm reduction must be the local one (a DL4J network
     *                  holds whole matrices)
     * @throws IllegalArgumentException if the options carry a non-local norm reduction
     */
    public static HyperpUpdater of(
            ParamRole role, ParamTreatment treatment, LrSchedule schedule, OptimizerOptions options) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(treatment, "treatment");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(options, "options");
        checkArgument(
                options.reduction() == io.hyperp.core.sphere.NormReduction.local(),
                "options.reduction (%s) must be NormReduction.local(): a DL4J network holds whole matrices",
                options.reduction());
        return new HyperpUpdater(role, treatment, schedule, options);
    }

    /** The parameter's role. */
    public ParamRole role() {
        return ParamRole.valueOf(role);
    }

    /** The parameter's treatment (family, learning-rate multiplier, weight decay, initialization). */
    public ParamTreatment treatment() {
        return new ParamTreatment(
                new InitScheme(InitScheme.Kind.valueOf(initKind), initScale),
                OptimizerFamily.valueOf(family),
                lrMultiplier,
                weightDecay);
    }

    /** The learning-rate schedule. */
    public LrSchedule schedule() {
        LrSchedule s = scheduleCache;
        if (s == null) {
            s = decode(scheduleKind, scheduleArgs);
            scheduleCache = s;
        }
        return s;
    }

    /** The optimizer options (always with the local norm reduction). */
    public OptimizerOptions options() {
        return OptimizerOptions.defaults()
                .withMuon(new MuonConfig(muonMomentum, muonNesterov, NsSchedule.valueOf(muonSchedule)))
                .withAdam(new AdamConfig(adamBeta1, adamBeta2, adamEpsilon))
                .withMuonShapeFactor(ShapeFactor.valueOf(muonShapeFactor))
                .withClipNorm(clipNorm == null ? Double.POSITIVE_INFINITY : clipNorm)
                .withNonFinitePolicy(NonFinitePolicy.valueOf(nonFinitePolicy));
    }

    /**
     * The number of state entries one parameter of {@code numParams} elements needs:
     * {@link #HEADER_LENGTH} (a written flag, the step count and the skipped-step count, each count
     * split in two exactly representable halves) plus the optimizer's buffers: {@code n + 1} for
     * sphere Muon (momentum, radius), {@code 2n + 1} for sphere Adam (two moments, radius), {@code n}
     * for plain Muon and {@code 2n} for AdamW.
     */
    @Override
    public long stateSize(long numParams) {
        checkArgument(numParams >= 0, "numParams (%s) must be >= 0", numParams);
        return HEADER_LENGTH
                + switch (OptimizerFamily.valueOf(family)) {
                    case SPHERE_MUON -> numParams + 1;
                    case SPHERE_ADAM -> 2 * numParams + 1;
                    case MUON -> numParams;
                    case ADAMW -> 2 * numParams;
                };
    }

    /**
     * A gradient updater over {@code viewArray}; with {@code initializeViewArray} the view is zeroed,
     * which marks the parameter's state as not yet written (the next {@link HyperpDl4j#bind} fills it
     * from the current parameters).
     */
    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return HyperpGradientUpdater.create(this, viewArray, initializeViewArray);
    }

    /** Refused: HyperP's state lives in the network's updater view. */
    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        throw new UnsupportedOperationException(
                "HyperpUpdater works on a DL4J network's updater view only; for SameDiff use hyperp-optim's SameDiffTrainer");
    }

    /** This instance: it is immutable. */
    @Override
    public HyperpUpdater clone() {
        return this;
    }

    /**
     * The scheduled learning rate times this parameter's multiplier, evaluated at DL4J's iteration
     * count (which equals HyperP's step count unless steps were skipped for non-finite gradients).
     */
    @Override
    public double getLearningRate(int iteration, int epoch) {
        return schedule().lr(Math.max(iteration, 0)) * lrMultiplier;
    }

    /** True. */
    @Override
    public boolean hasLearningRate() {
        return true;
    }

    /** Refused: the schedule is fixed when HyperP is attached. */
    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        throw new UnsupportedOperationException(
                "the learning rate of a HyperP parameter is set by the schedule given to HyperpDl4j; attach again to change it");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HyperpUpdater u
                && role.equals(u.role)
                && family.equals(u.family)
                && Double.compare(lrMultiplier, u.lrMultiplier) == 0
                && Double.compare(weightDecay, u.weightDecay) == 0
                && initKind.equals(u.initKind)
                && Double.compare(initScale, u.initScale) == 0
                && scheduleKind.equals(u.scheduleKind)
                && Arrays.equals(scheduleArgs, u.scheduleArgs)
                && Double.compare(muonMomentum, u.muonMomentum) == 0
                && muonNesterov == u.muonNesterov
                && muonSchedule.equals(u.muonSchedule)
                && Double.compare(adamBeta1, u.adamBeta1) == 0
                && Double.compare(adamBeta2, u.adamBeta2) == 0
                && Double.compare(adamEpsilon, u.adamEpsilon) == 0
                && muonShapeFactor.equals(u.muonShapeFactor)
                && Objects.equals(clipNorm, u.clipNorm)
                && nonFinitePolicy.equals(u.nonFinitePolicy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                role,
                family,
                lrMultiplier,
                weightDecay,
                initKind,
                initScale,
                scheduleKind,
                Arrays.hashCode(scheduleArgs),
                muonMomentum,
                muonNesterov,
                muonSchedule,
                adamBeta1,
                adamBeta2,
                adamEpsilon,
                muonShapeFactor,
                clipNorm,
                nonFinitePolicy);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "HyperpUpdater[%s %s lr x %s wd %s, %s%s]",
                role,
                family,
                lrMultiplier,
                weightDecay,
                scheduleKind,
                Arrays.toString(scheduleArgs));
    }

    /** The record components of a schedule as doubles (longs below 2^53 are exact). */
    private static double[] encode(LrSchedule schedule) {
        RecordComponent[] comps = schedule.getClass().getRecordComponents();
        checkArgument(comps != null, "schedule %s is not a record", schedule);
        double[] out = new double[comps.length];
        try {
            for (int i = 0; i < comps.length; i++) {
                Object v = comps[i].getAccessor().invoke(schedule);
                out[i] = ((Number) v).doubleValue();
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot read schedule " + schedule, e);
        }
        return out;
    }

    /** The schedule of this kind with these component values. */
    private static LrSchedule decode(String kind, double[] args) {
        for (Class<?> c : LrSchedule.class.getPermittedSubclasses()) {
            if (!c.getSimpleName().equals(kind)) {
                continue;
            }
            RecordComponent[] comps = c.getRecordComponents();
            checkArgument(
                    comps.length == args.length,
                    "schedule %s needs %s values, found %s",
                    kind,
                    comps.length,
                    args.length);
            Class<?>[] types = new Class<?>[comps.length];
            Object[] values = new Object[comps.length];
            for (int i = 0; i < comps.length; i++) {
                types[i] = comps[i].getType();
                values[i] = types[i] == long.class ? (Object) (long) args[i] : (Object) args[i];
            }
            try {
                Constructor<?> ctor = c.getDeclaredConstructor(types);
                return (LrSchedule) ctor.newInstance(values);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "invalid %s schedule %s: %s",
                                kind,
                                Arrays.toString(args),
                                e.getCause().getMessage()),
                        e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot build schedule " + kind, e);
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "unknown learning-rate schedule '%s'", kind));
    }
}
