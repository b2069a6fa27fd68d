package io.hyperp.optim;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.optim.schedule.LrSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A ready-to-use optimizer: a {@link Transform}, its state, a learning-rate schedule, the step count
 * and a preallocated copy of the gradients that the transform turns into the update.
 *
 * <p>{@link #step} checks the gradients' names, shapes and finiteness before anything is written,
 * copies them into the update buffers (the caller's gradients are never modified), runs the
 * transform with the scheduled learning rate, and advances the step. A non-finite gradient either
 * throws {@link IllegalStateException} (default) or skips the step and counts it; in both cases
 * parameters and state are unchanged.
 *
 * <p>Mutable and not thread-safe. After the first step, a step allocates no arrays.
 *
 * <p>References: Ren et al., arXiv 2603.28743.
 */
public final class Optimizer {

    private final Transform transform;
    private final LrSchedule schedule;
    private final NonFinitePolicy nonFinitePolicy;
    private final ParamSet template;
    private final TransformState state;
    private final ParamSet updates;
    private final INDArray[] scalars;
    private long step;
    private long skippedSteps;

    private Optimizer(Transform transform, LrSchedule schedule, NonFinitePolicy policy, ParamSet params) {
        this.transform = transform;
        this.schedule = schedule;
        this.nonFinitePolicy = policy;
        this.template = params;
        this.state = transform.init(params);
        ParamSet.Builder b = ParamSet.builder();
        for (ParamSet.Entry e : params.entries()) {
            b.add(e.spec(), Nd4j.create(e.array().dataType(), e.array().shape()));
        }
        this.updates = b.build();
        this.scalars = Reductions.scalars(params);
    }

    /**
     * Builds the state of {@code transform} for {@code params} (which must already hold their initial
     * values: sphere radii are measured here).
     */
    public static Optimizer create(Transform transform, LrSchedule schedule, ParamSet params,
                                   NonFinitePolicy nonFinitePolicy) {
        Objects.requireNonNull(transform, "transform");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(nonFinitePolicy, "nonFinitePolicy");
        return new Optimizer(transform, schedule, nonFinitePolicy, params);
    }

    /**
     * One optimizer step.
     *
     * @param grads  the gradients, with the names and shapes of the parameters; read only
     * @param params the parameters; updated in place
     * @return {@code true} if the step was applied, {@code false} if it was skipped for non-finite gradients
     * @throws IllegalArgumentException if names, shapes or dtypes do not match the parameters of {@link #create}
     * @throws IllegalStateException    for non-finite gradients under {@link NonFinitePolicy#THROW}
     */
    public boolean step(ParamSet grads, ParamSet params) {
        template.checkCompatible("params", params);
        template.checkCompatible("grads", grads);
        double lr = schedule.lr(step);
        checkArgument(lr >= 0 && Double.isFinite(lr), "learning rate (%s) at step %s must be finite and >= 0", (Object) lr,
                (Object) step);
        for (int i = 0; i < grads.size(); i++) {
            double s = Reductions.sumOfSquares(grads.get(i).array(), scalars[i]);
            if (!Double.isFinite(s) && hasNonFinite(grads.get(i).array())) {
                if (nonFinitePolicy == NonFinitePolicy.SKIP) {
                    skippedSteps++;
                    return false;
                }
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "grads[%s] holds NaN or infinite values at step %d; parameters and optimizer state are unchanged",
                        grads.get(i).name(), step));
            }
        }
        for (int i = 0; i < grads.size(); i++) {
            updates.get(i).array().assign(grads.get(i).array());
        }
        transform.update(updates, state, params, new StepContext(step, lr));
        step++;
        return true;
    }

    private static boolean hasNonFinite(INDArray x) {
        return x.isNaN().any() || x.isInfinite().any();
    }

    /** The number of applied steps (the schedule position). */
    public long stepCount() {
        return step;
    }

    /** The number of steps skipped for non-finite gradients. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** The learning rate the next step will use. */
    public double currentLearningRate() {
        return schedule.lr(step);
    }

    /** The transform. */
    public Transform transform() {
        return transform;
    }

    /** The schedule. */
    public LrSchedule schedule() {
        return schedule;
    }

    /** The live state (inspect, do not replace). */
    public TransformState state() {
        return state;
    }

    /** The parameter specs this optimizer was built for. */
    public List<io.hyperp.core.param.ParamSpec> specs() {
        return template.specs();
    }

    /** Every persistent state buffer under its hierarchical name (live arrays). */
    public Map<String, INDArray> stateBuffers() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        state.collectBuffers("", out);
        return out;
    }

    /** A description of the transform and the parameters, stored in checkpoints to match them. */
    public String fingerprint() {
        StringBuilder sb = new StringBuilder(transform.fingerprint()).append(" | ").append(state.fingerprint())
                .append(" | ");
        for (ParamSet.Entry e : template.entries()) {
            sb.append(e.spec()).append(' ').append(e.array().dataType()).append("; ");
        }
        return sb.toString();
    }

    /**
     * Saves the whole state (buffers, step, skipped steps, schedule position) atomically to {@code file}.
     *
     * @throws IOException if the file cannot be written (the previous file, if any, is left intact)
     */
    public void save(Path file) throws IOException {
        Checkpoints.save(this, file);
    }

    /**
     * Restores the state saved by {@link #save}. Everything is read and validated before anything
     * changes: a truncated, corrupted or mismatched file throws {@link IllegalArgumentException} and
     * leaves this optimizer as it was.
     *
     * @throws IOException if the file cannot be read
     */
    public void restore(Path file) throws IOException {
        Checkpoints.restore(this, file);
    }

    void setCounters(long step, long skipped) {
        this.step = step;
        this.skippedSteps = skipped;
    }
}
