package io.hyperp.optim;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.hyperp.core.param.ParamSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The state of one {@link Transform} for one set of parameters: its update count, its named
 * persistent buffers (moments, radii), the states of its child transforms, and a record of what
 * built it (the transform's fingerprint and the specs and dtypes of the parameters passed to
 * {@link Transform#init}). The caller owns it; it can be inspected through {@link #count()},
 * {@link #buffers()} and {@link #children()}, and saved with {@link Optimizer#save}.
 *
 * <p><b>Step count</b>: {@link #count()} is the number of updates applied through this state
 * (transforms call {@link #recordUpdate()} at the end of a successful update). Adam's bias
 * correction reads it, and the root state's count is the optimizer's step and the position of its
 * learning-rate schedule.
 *
 * <p><b>Mutation</b>: buffers are allocated once by {@link Transform#init} and overwritten in place
 * by {@link Transform#update}; the state's structure never changes after creation. Not thread-safe.
 *
 * <p>References: DeepMind optax (explicit optimizer state); Ren et al., arXiv 2603.28743.
 */
public final class TransformState {

    private final Transform builtBy;
    private final String fingerprint;
    private final ImmutableList<ParamSpec> specs;
    private final ImmutableList<DataType> dataTypes;
    private final ImmutableMap<String, INDArray> buffers;
    private final ImmutableList<TransformState> children;
    private final Object scratch;
    private long count;

    private TransformState(
            Transform builtBy,
            ParamSet params,
            Map<String, INDArray> buffers,
            List<TransformState> children,
            Object scratch) {
        this.builtBy = builtBy;
        this.fingerprint = builtBy.fingerprint();
        this.specs = ImmutableList.copyOf(params.specs());
        this.dataTypes =
                params.entries().stream().map(e -> e.array().dataType()).collect(ImmutableList.toImmutableList());
        this.buffers = ImmutableMap.copyOf(buffers);
        this.children = ImmutableList.copyOf(children);
        this.scratch = scratch;
    }

    /**
     * A new state with count 0. Called by {@link Transform#init} implementations.
     *
     * @param builtBy  the transform whose {@code init} creates this state
     * @param params   the parameters given to {@code init}; their specs and dtypes are recorded and
     *                 every later update must pass the same ones
     * @param buffers  persistent buffers by name (saved in checkpoints); the map is copied, the arrays
     *                 are kept
     * @param children the states of child transforms, in order
     * @param scratch  transform-private working memory that need not survive a checkpoint, or null
     */
    public static TransformState of(
            Transform builtBy,
            ParamSet params,
            Map<String, INDArray> buffers,
            List<TransformState> children,
            Object scratch) {
        Objects.requireNonNull(builtBy, "builtBy");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(buffers, "buffers");
        Objects.requireNonNull(children, "children");
        return new TransformState(builtBy, params, buffers, children, scratch);
    }

    /** The fingerprint of the transform that built this state. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The number of updates applied through this state. */
    public long count() {
        return count;
    }

    /** Adds one to {@link #count()}; transforms call it once at the end of a successful update. */
    public void recordUpdate() {
        count++;
    }

    /** Sets the count (checkpoint restore only). */
    void restoreCount(long value) {
        count = value;
    }

    /** The specs of the parameters this state was built for, in order. */
    public List<ParamSpec> specs() {
        return specs;
    }

    /** This transform's own persistent buffers (live arrays). */
    public Map<String, INDArray> buffers() {
        return buffers;
    }

    /** The states of child transforms, in order. */
    public List<TransformState> children() {
        return children;
    }

    /**
     * The transform-private working memory given at creation, cast to {@code type}.
     *
     * @throws IllegalStateException if it is not of that type
     */
    public <T> T scratch(Class<T> type) {
        if (!type.isInstance(scratch)) {
            throw new IllegalStateException(
                    String.format(Locale.ROOT, "state of %s holds no %s scratch", fingerprint, type.getSimpleName()));
        }
        return type.cast(scratch);
    }

    /**
     * Checks that this state was built by {@code transform} (the same instance, or one with the same
     * fingerprint) and that {@code updates} and {@code params} hold the tensors it was built for: same
     * names in the same order, same specs, same dtypes. Reads only names and specs, never tensor data.
     *
     * @throws IllegalArgumentException naming what differs; nothing is modified
     */
    public void checkFor(Transform transform, ParamSet updates, ParamSet params) {
        Objects.requireNonNull(transform, "transform");
        if (transform != builtBy && !transform.fingerprint().equals(fingerprint)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "state was built by a different transform: expected %s, found %s",
                    transform.fingerprint(),
                    fingerprint));
        }
        checkSet("updates", updates);
        checkSet("params", params);
    }

    private void checkSet(String what, ParamSet set) {
        Objects.requireNonNull(set, what);
        if (set.size() != specs.size()) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: the state of %s was built for %d tensors %s, found %d %s",
                    what,
                    fingerprint,
                    specs.size(),
                    names(specs),
                    set.size(),
                    names(set.specs())));
        }
        for (int i = 0; i < specs.size(); i++) {
            ParamSet.Entry e = set.get(i);
            ParamSpec expected = specs.get(i);
            if (!e.spec().equals(expected)) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "%s[%s]: the state was built for %s, found %s",
                        what,
                        e.name(),
                        expected,
                        e.spec()));
            }
            if (e.array().dataType() != dataTypes.get(i)) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "%s[%s]: the state was built for dtype %s, found %s",
                        what,
                        e.name(),
                        dataTypes.get(i),
                        e.array().dataType()));
            }
        }
    }

    private static List<String> names(List<ParamSpec> specs) {
        return specs.stream().map(ParamSpec::name).toList();
    }

    /**
     * Adds every persistent buffer of this state tree to {@code out}: this state's under
     * {@code prefix + name}, child {@code i}'s under {@code prefix + i + "/" + name}, recursively.
     */
    public void collectBuffers(String prefix, Map<String, INDArray> out) {
        for (Map.Entry<String, INDArray> e : buffers.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (int i = 0; i < children.size(); i++) {
            children.get(i).collectBuffers(prefix + i + "/", out);
        }
    }

    /**
     * Adds every state of this tree to {@code out} in depth-first order, this one under {@code prefix},
     * child {@code i} under {@code prefix + i + "/"}.
     */
    void collectStates(String prefix, Map<String, TransformState> out) {
        out.put(prefix, this);
        for (int i = 0; i < children.size(); i++) {
            children.get(i).collectStates(prefix + i + "/", out);
        }
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "TransformState[%s, count %d, %d buffers, %d children]",
                fingerprint,
                count,
                buffers.size(),
                children.size());
    }
}
