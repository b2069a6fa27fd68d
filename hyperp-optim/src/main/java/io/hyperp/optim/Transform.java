package io.hyperp.optim;

/**
 * One stage of an optimizer, in the shape of optax's gradient transformations with Java's memory
 * discipline: {@link #init} allocates every buffer once, {@link #update} works in place.
 *
 * <p><b>Sign convention</b> (the only one in this package): {@code updates} holds a <em>descent
 * direction</em> \(U\). It starts as a copy of the gradients; direction transforms (Muon, Adam,
 * clipping, scaling) rewrite it in place; terminal transforms move the parameters <em>against</em>
 * it, \(W \leftarrow W - \eta U\) or the sphere step of SPEC section 2 with \(U\). Only terminal
 * transforms write parameters.
 *
 * <p><b>State</b>: a transform holds only its immutable configuration; every mutable array, and the
 * update count, lives in the {@link TransformState} it creates. {@link #update} rejects a state built
 * by a transform with another {@link #fingerprint()}, or for other parameters, before it modifies
 * anything.
 *
 * <p><b>Thread-safety</b>: transforms are immutable and may be shared; a state and the arrays it
 * touches must be used by one thread at a time.
 *
 * <p>References: DeepMind optax, {@code GradientTransformation}; Ren et al., arXiv 2603.28743.
 */
public interface Transform {

    /**
     * Allocates this transform's state for the given parameters, which are read (for example to
     * measure sphere radii) and never written.
     *
     * @throws IllegalArgumentException if this transform cannot handle one of the parameters (for
     *                                  example Muon given a rank-1 tensor), naming it
     */
    TransformState init(ParamSet params);

    /**
     * Applies this stage in place and adds one to the state's count. Calls {@link #checkUpdate}
     * first, so a bad argument throws before anything is modified.
     *
     * <p>Non-finite values are not checked here (that costs a pass over the data): NaN or infinite
     * entries in {@code updates} propagate into the state and the parameters. {@link Optimizer#step}
     * refuses them before calling this method.
     *
     * @param updates      the descent direction per parameter; read and overwritten
     * @param state        the state from {@link #init} of this transform; mutated
     * @param params       the parameters; written only by terminal transforms
     * @param learningRate the scheduled learning rate of this step, before per-group multipliers;
     *                     finite and >= 0; direction transforms ignore it
     * @throws IllegalArgumentException for a foreign state, mismatched tensors or a bad learning rate
     */
    void update(ParamSet updates, TransformState state, ParamSet params, double learningRate);

    /**
     * Checks everything {@link #update} would check, for this transform and all its children, without
     * modifying anything: the state's origin, the tensors, the learning rate and any constraint that
     * involves it (such as {@code lr * weightDecay < 1}).
     *
     * <p>The default checks the state's origin and tensors ({@link TransformState#checkFor}) and that
     * the learning rate is finite and >= 0; transforms with children or learning-rate constraints
     * extend it.
     *
     * @throws IllegalArgumentException naming the problem
     */
    default void checkUpdate(ParamSet updates, TransformState state, ParamSet params, double learningRate) {
        java.util.Objects.requireNonNull(state, "state");
        state.checkFor(this, updates, params);
        if (!(learningRate >= 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException(
                    String.format(java.util.Locale.ROOT, "learningRate (%s) must be finite and >= 0", learningRate));
        }
    }

    /**
     * A description of this transform's structure and configuration. Two transforms with equal
     * fingerprints accept each other's states; checkpoints store it to refuse a foreign file.
     * Computed once; must not change.
     */
    String fingerprint();
}
