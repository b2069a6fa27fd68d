package io.hyperp.dl4j.internal;

import io.hyperp.dl4j.HyperpUpdater;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * The DL4J gradient updater of one updater block whose parameters are trained by HyperP. It holds
 * the block's slice of the network's updater state view; the optimizer step itself is done by the
 * {@link NetworkBinding} the block is bound to: the first bound block of the network (the leader)
 * runs the step for every HyperP parameter, which writes the parameters in place, and every block
 * then leaves a zero update for DL4J to subtract.
 *
 * <p>Not thread-safe (DL4J calls updaters from its synchronized update method).
 */
public final class HyperpGradientUpdater implements GradientUpdater<HyperpUpdater> {

    private final HyperpUpdater config;
    private INDArray view;
    private NetworkBinding binding;
    private boolean leader;
    private INDArray expectedGradient;

    private HyperpGradientUpdater(HyperpUpdater config, INDArray view) {
        this.config = config;
        this.view = view;
    }

    /**
     * A gradient updater over {@code view}.
     *
     * @param view       the block's slice of the updater state view
     * @param initialize if true, the view is zeroed: its parameters' state counts as not yet written
     */
    public static HyperpGradientUpdater create(HyperpUpdater config, INDArray view, boolean initialize) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(view, "view");
        if (initialize) {
            view.assign(0);
        }
        return new HyperpGradientUpdater(config, view);
    }

    @Override
    public HyperpUpdater getConfig() {
        return config;
    }

    /** Refused unless empty: the state lives in the updater view. */
    @Override
    public void setState(Map<String, INDArray> stateMap, boolean initialize) {
        if (stateMap != null && !stateMap.isEmpty()) {
            throw new UnsupportedOperationException("HyperP keeps its state in the network's updater view");
        }
    }

    /** The block's state slice under the key {@code "state"}. */
    @Override
    public Map<String, INDArray> getState() {
        return Map.of("state", view);
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
        Objects.requireNonNull(viewArray, "viewArray");
        this.view = viewArray;
        if (initialize) {
            viewArray.assign(0);
        }
        this.binding = null;
    }

    /** The block's slice of the updater state view. */
    INDArray view() {
        return view;
    }

    /**
     * Runs the HyperP step (leader only) and overwrites {@code gradient} with zeros.
     *
     * @throws IllegalStateException if the network was not bound, or if DL4J passes a gradient
     *                               array other than the network's own (external gradients)
     */
    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        NetworkBinding b = binding;
        if (b == null) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT,
                    "a HyperP parameter (%s) is not bound to its network: call HyperpDl4j.bind(net) after creating, "
                            + "loading or cloning a network that uses HyperP",
                    config.role()));
        }
        if (!NetworkBinding.sameMemory(gradient, expectedGradient)) {
            throw new IllegalStateException(
                    "HyperP received a gradient that is not the network's own gradient view; external gradients "
                            + "(parallel or shared training) are not supported");
        }
        if (leader) {
            b.step();
        }
        gradient.assign(0);
    }

    /** Binds this block to {@code b}; the leader runs the step. */
    void bind(NetworkBinding b, boolean isLeader, INDArray blockGradient) {
        this.binding = b;
        this.leader = isLeader;
        this.expectedGradient = blockGradient;
    }

    /** Whether this block is bound to {@code b}. */
    boolean isBoundTo(NetworkBinding b) {
        return binding == b;
    }
}
