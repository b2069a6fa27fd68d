package io.hyperp.optim;

/** What {@link Optimizer#step} does when a gradient holds NaN or an infinity. */
public enum NonFinitePolicy {
    /** Throw {@link IllegalStateException} naming the parameter and the step (default). */
    THROW,
    /** Skip the whole step, count it, and leave parameters and state unchanged. */
    SKIP
}
