package io.hyperp.optim;

/**
 * One stage of an optimizer, in the shape of optax's gradient transformations with Java's memory
 * discipline: {@link #init} allocates every buffer once, {@link #update} works in place.
 *
 * <p>Sign convention (the only one in this package): {@code updates} holds a <em>descent
 * direction</em>: it starts as a copy of the gradients, direction transforms rewrite it in place, and
 * terminal transforms move the parameters <em>against</em> it ({@code W <- W - lr * U}, or the sphere
 * step with {@code U}). Only terminal transforms write parameters.
 *
 * <p>A transform holds only its immutable configuration; all mutable data lives in the
 * {@link TransformState} it creates. Its {@link #fingerprint()} describes its structure, and
 * {@link #update} rejects a state built by a different transform.
 */
public interface Transform {

    /**
     * Allocates this transform's state for the given parameters (which are read, for example to
     * measure sphere radii, never written).
     */
    TransformState init(ParamSet params);

    /**
     * Applies this stage.
     *
     * @param updates the descent direction per parameter; read and overwritten
     * @param state   the state from {@link #init} of this transform; mutated
     * @param params  the parameters; written only by terminal transforms
     * @param context the step index and scheduled learning rate
     */
    void update(ParamSet updates, TransformState state, ParamSet params, StepContext context);

    /** A description of this transform's structure and configuration, used to match states. */
    String fingerprint();

    /**
     * Checks that {@code state} was built by {@code transform}.
     *
     * @throws IllegalArgumentException naming both fingerprints otherwise
     */
    static void checkState(Transform transform, TransformState state) {
        java.util.Objects.requireNonNull(state, "state");
        if (state.builtBy() == transform) {
            return;
        }
        if (!transform.fingerprint().equals(state.fingerprint())) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "state was built by a different transform: expected %s, found %s", transform.fingerprint(),
                    state.fingerprint()));
        }
    }
}
