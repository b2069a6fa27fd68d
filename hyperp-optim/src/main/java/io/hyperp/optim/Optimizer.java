package io.hyperp.optim;

import io.hyperp.core.linalg.DenseOps;
import io.hyperp.core.param.ParamSpec;
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
 * A ready-to-use optimizer: a {@link Transform}, its {@link TransformState}, a learning-rate
 * schedule, and a preallocated update buffer per parameter.
 *
 * <p>{@link #step} does, in this order: check the names, shapes and dtypes of gradients and
 * parameters; evaluate the schedule at the step count (the root state's {@link TransformState#count()});
 * check every gradient for NaN and infinities (one sum-of-squares reduction per tensor, through
 * {@link DenseOps}); run {@link Transform#checkUpdate}; and only then copy the gradients into the
 * update buffers (the caller's gradients are never modified) and run {@link Transform#update}, which
 * moves the parameters in place and advances the count.
 *
 * <p><b>Non-finite gradients</b>: under {@link NonFinitePolicy#THROW} (default) an
 * {@link IllegalStateException} names the first such parameter and the step; under
 * {@link NonFinitePolicy#SKIP} the step is skipped and counted in {@link #skippedSteps()}. Either
 * way parameters, state and step count are unchanged.
 *
 * <p>Mutable and not thread-safe. After the first step, a step allocates no ND4J arrays, and on the
 * host path of {@link DenseOps} (CPU backend with OpenBLAS) no Java objects either.
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
    private final DenseOps ops;
    private long skippedSteps;

    private Optimizer(Transform transform, LrSchedule schedule, NonFinitePolicy policy, ParamSet params) {
        this.transform = transform;
        this.schedule = schedule;
        this.nonFinitePolicy = policy;
        this.template = params;
        this.state = Reductions.outsideWorkspaces(() -> transform.init(params));
        this.updates = Reductions.outsideWorkspaces(() -> {
            ParamSet.Builder b = ParamSet.builder();
            for (ParamSet.Entry e : params.entries()) {
                b.add(e.spec(), Nd4j.create(e.array().dataType(), e.array().shape()));
            }
            return b.build();
        });
        this.ops = DenseOps.create(2 * params.size() + 2);
    }

    /**
     * An optimizer running {@code transform} on {@code params}, whose state is built now (so the
     * parameters must already hold their initial values: sphere radii are measured here).
     *
     * @param transform       the update rule
     * @param schedule        the learning rate per step
     * @param params          the parameters (the names, specs and dtypes every step must pass)
     * @param nonFinitePolicy what to do with non-finite gradients
     * @throws IllegalArgumentException if the transform refuses a parameter (the message names it)
     */
    public static Optimizer create(
            Transform transform, LrSchedule schedule, ParamSet params, NonFinitePolicy nonFinitePolicy) {
        Objects.requireNonNull(transform, "transform");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(nonFinitePolicy, "nonFinitePolicy");
        return new Optimizer(transform, schedule, nonFinitePolicy, params);
    }

    /**
     * One optimizer step; see the class documentation for the order of checks and updates.
     *
     * @param grads  the gradients, with the names, shapes and dtypes of the parameters; read only
     * @param params the parameters; updated in place
     * @return {@code true} if the step was applied, {@code false} if it was skipped for non-finite
     *         gradients under {@link NonFinitePolicy#SKIP}
     * @throws IllegalArgumentException if names, shapes or dtypes do not match the parameters given
     *                                  to {@link #create}, or the schedule gives a bad learning rate;
     *                                  nothing is modified
     * @throws IllegalStateException    for non-finite gradients under {@link NonFinitePolicy#THROW};
     *                                  nothing is modified
     */
    public boolean step(ParamSet grads, ParamSet params) {
        template.checkCompatible("params", params);
        template.checkCompatible("grads", grads);
        long step = state.count();
        double lr = schedule.lr(step);
        if (!(lr >= 0 && Double.isFinite(lr))) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "learning rate (%s) of step %d from %s must be finite and >= 0", lr, step, schedule));
        }
        double total = 0;
        for (int i = 0; i < grads.size(); i++) {
            double s = ops.sumOfSquares(grads.get(i).array());
            total += s;
            // A finite sum needs no second look; an infinite one may be float overflow of finite entries.
            if (!Double.isFinite(s) && Reductions.hasNonFinite(grads.get(i).array())) {
                if (nonFinitePolicy == NonFinitePolicy.SKIP) {
                    skippedSteps++;
                    return false;
                }
                throw new IllegalStateException(String.format(
                        Locale.ROOT,
                        "grads[%s] holds NaN or infinite values at step %d; parameters and optimizer state are unchanged",
                        grads.get(i).name(),
                        step));
            }
        }
        transform.checkUpdate(updates, state, params, lr);
        for (int i = 0; i < grads.size(); i++) {
            ops.copyInto(grads.get(i).array(), updates.get(i).array());
        }
        // A clip at the head of the transform reuses the check's sums instead of summing the copies again.
        Transforms.updateWithKnownSumOfSquares(transform, updates, state, params, lr, total);
        return true;
    }

    /** The number of applied steps: the root state's count and the schedule's position. */
    public long stepCount() {
        return state.count();
    }

    /** The number of steps skipped for non-finite gradients under {@link NonFinitePolicy#SKIP}. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** The learning rate the next step will use: {@code schedule().lr(stepCount())}. */
    public double currentLearningRate() {
        return schedule.lr(state.count());
    }

    /** The transform. */
    public Transform transform() {
        return transform;
    }

    /** The schedule. */
    public LrSchedule schedule() {
        return schedule;
    }

    /** The non-finite gradient policy. */
    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    /** The live state (inspect it; modifying its arrays changes the optimizer). */
    public TransformState state() {
        return state;
    }

    /** The parameter specs this optimizer was built for, in order. */
    public List<ParamSpec> specs() {
        return template.specs();
    }

    /** Every persistent state buffer under its hierarchical name (live arrays). */
    public Map<String, INDArray> stateBuffers() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        state.collectBuffers("", out);
        return out;
    }

    /** Every state of the tree under its path ({@code ""} for the root, {@code "0/"} for its first child...). */
    Map<String, TransformState> states() {
        Map<String, TransformState> out = new LinkedHashMap<>();
        state.collectStates("", out);
        return out;
    }

    /**
     * A description of the transform and of the parameters (spec and dtype of each), stored in
     * checkpoints to refuse a file written by a different optimizer.
     */
    public String fingerprint() {
        StringBuilder sb = new StringBuilder(transform.fingerprint()).append(" | ");
        for (ParamSet.Entry e : template.entries()) {
            sb.append(e.spec()).append(' ').append(e.array().dataType()).append("; ");
        }
        return sb.toString();
    }

    /**
     * Saves the whole optimizer state (every buffer, every state's count, the skipped-step count and
     * the schedule) to {@code file}, atomically: the bytes go to a temporary file in the same
     * directory, are forced to the device, and the temporary file is renamed over {@code file}. See
     * {@link Checkpoints} for the format.
     *
     * @param file the checkpoint file; its directory is created if missing
     * @throws IOException if the file cannot be written; a previous file of that name is left intact
     */
    public void save(Path file) throws IOException {
        Checkpoints.save(this, file);
    }

    /**
     * Restores a state saved by {@link #save}. The file is checked whole (magic, version, CRC-32,
     * optimizer fingerprint, schedule, every buffer's name, dtype and shape, counts in [0, 2^53], every
     * value admissible as {@link Checkpoints#checkAdmissible} says) and read into
     * temporaries before anything changes: a truncated, corrupted or mismatched file throws
     * {@link IllegalArgumentException} and leaves this optimizer as it was.
     *
     * @param file a file written by {@link #save} of an optimizer with the same transform, parameter
     *             specs and dtypes, and schedule
     * @throws IOException if the file cannot be read
     */
    public void restore(Path file) throws IOException {
        Checkpoints.restore(this, file, false);
    }

    /**
     * As {@link #restore(Path)}, but accepts a checkpoint written under a different learning-rate
     * schedule: the step count is restored and this optimizer's own schedule continues from it (for
     * example to branch a decay phase off a warmup-stable-decay run at several budgets).
     *
     * @param file a file written by {@link #save} of an optimizer with the same transform and parameters
     * @throws IOException if the file cannot be read
     */
    public void restoreWithNewSchedule(Path file) throws IOException {
        Checkpoints.restore(this, file, true);
    }

    void restoreSkippedSteps(long skipped) {
        this.skippedSteps = skipped;
    }
}
