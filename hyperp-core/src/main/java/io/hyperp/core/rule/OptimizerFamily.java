package io.hyperp.core.rule;

/**
 * Which optimizer updates a parameter, as a parameterization rule decides it.
 *
 * <p>References: Ren et al., arXiv 2603.28743, section 3; Loshchilov and Hutter, <i>Decoupled Weight
 * Decay Regularization</i>; Jordan, <i>Muon</i> (2024).
 */
public enum OptimizerFamily {
    /** Muon direction, then the sphere step (HyperP's HIDDEN, ROUTER and EXPERT tensors). */
    SPHERE_MUON,
    /** Adam direction m_hat / (sqrt(v_hat) + eps), then the sphere step (HyperP's output head). */
    SPHERE_ADAM,
    /** Muon direction with decoupled weight decay, no sphere (the plain Muon baseline's matrices). */
    MUON,
    /** AdamW (embeddings, gains, and every tensor under muP / standard parameterization). */
    ADAMW;

    /** Whether parameters of this family are kept on a Frobenius sphere. */
    public boolean onSphere() {
        return this == SPHERE_MUON || this == SPHERE_ADAM;
    }

    /** Whether this family's direction is an orthogonalized (Newton-Schulz) matrix. */
    public boolean usesMuon() {
        return this == SPHERE_MUON || this == MUON;
    }
}
