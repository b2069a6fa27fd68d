package io.hyperp.dl4j;

import io.hyperp.core.param.ParamSpec;
import io.hyperp.dl4j.internal.NetworkBinding;
import java.util.List;
import java.util.Objects;

/**
 * A DL4J network bound to its HyperP optimizer, as returned by {@link HyperpDl4j#attach} and
 * {@link HyperpDl4j#bind}: read-only access to what the optimizer sees. The counters and radii are
 * read from the network's updater state, so they are what ModelSerializer saves.
 *
 * <p>Not thread-safe: read it between training steps.
 */
public final class HyperpBinding {

    private final NetworkBinding binding;

    private HyperpBinding(NetworkBinding binding) {
        this.binding = binding;
    }

    static HyperpBinding of(NetworkBinding binding) {
        return new HyperpBinding(Objects.requireNonNull(binding, "binding"));
    }

    /** The number of HyperP steps applied so far (the schedule position). */
    public long stepCount() {
        return binding.stepCount();
    }

    /** The number of steps skipped for non-finite gradients (under {@code NonFinitePolicy.SKIP}). */
    public long skippedSteps() {
        return binding.skippedSteps();
    }

    /**
     * The specs HyperP uses for the network's parameters, in parameter order. DL4J's {@code [nIn, nOut]}
     * weights are {@code [in, out]} matrices; biases and gains are vectors.
     */
    public List<ParamSpec> specs() {
        return binding.specs();
    }

    /**
     * The stored sphere radius of a parameter (its Frobenius norm when HyperP was attached).
     *
     * @throws IllegalArgumentException if the parameter is not on a sphere
     */
    public double radius(String param) {
        return binding.radius(param);
    }

    @Override
    public String toString() {
        return "HyperpBinding[step " + stepCount() + ", " + specs().size() + " parameters]";
    }
}
