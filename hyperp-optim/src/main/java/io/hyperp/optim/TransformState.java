package io.hyperp.optim;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The state of a transform: named buffers (moments, radii, scratch that must survive between steps)
 * and the states of its children, plus the fingerprint of the transform that built it. The caller
 * owns it; it can be inspected through {@link #buffers()} and saved with {@link Checkpoints}.
 *
 * <p>Buffers are allocated once by {@link Transform#init} and overwritten in place by
 * {@link Transform#update}; the state's structure never changes after creation. Not thread-safe.
 */
public final class TransformState {

    private final String fingerprint;
    private final ImmutableMap<String, INDArray> buffers;
    private final ImmutableList<TransformState> children;
    private final Object scratch;
    private Transform builtBy;

    private TransformState(String fingerprint, Map<String, INDArray> buffers, List<TransformState> children,
                           Object scratch) {
        this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
        this.buffers = ImmutableMap.copyOf(buffers);
        this.children = ImmutableList.copyOf(children);
        this.scratch = scratch;
    }

    /**
     * A state.
     *
     * @param fingerprint the structural fingerprint of the transform that built it
     * @param buffers     persistent buffers by name (checkpointed)
     * @param children    the states of child transforms, in order
     * @param scratch     transform-private working memory (not checkpointed), or null
     */
    public static TransformState of(String fingerprint, Map<String, INDArray> buffers, List<TransformState> children,
                                    Object scratch) {
        return new TransformState(fingerprint, buffers, children, scratch);
    }

    /** The fingerprint of the transform that built this state. */
    public String fingerprint() {
        return fingerprint;
    }

    /** This transform's own persistent buffers. */
    public Map<String, INDArray> buffers() {
        return buffers;
    }

    /** The states of child transforms. */
    public List<TransformState> children() {
        return children;
    }

    /** Transform-private working memory. */
    Object scratch() {
        return scratch;
    }

    /** The transform instance that built this state, if recorded (a fast path for state checks). */
    Transform builtBy() {
        return builtBy;
    }

    /** Records the transform instance that built this state; returns this state. */
    TransformState builtBy(Transform t) {
        this.builtBy = t;
        return this;
    }

    /** Adds every persistent buffer of this state tree to {@code out}, under hierarchical names. */
    public void collectBuffers(String prefix, Map<String, INDArray> out) {
        for (Map.Entry<String, INDArray> e : buffers.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (int i = 0; i < children.size(); i++) {
            children.get(i).collectBuffers(prefix + i + "/", out);
        }
    }
}
