package io.hyperp.core.param;

/**
 * The role of a trainable tensor. The role decides how the tensor is initialized, which optimizer
 * direction updates it and whether it lives on a Frobenius sphere (SPEC section 1).
 *
 * <table>
 *   <caption>Roles under HyperP</caption>
 *   <tr><th>role</th><th>direction</th><th>on sphere</th><th>reference init</th></tr>
 *   <tr><td>HIDDEN</td><td>Muon</td><td>yes</td><td>U(-1/sqrt(fan_in), 1/sqrt(fan_in))</td></tr>
 *   <tr><td>ROUTER</td><td>Muon</td><td>yes</td><td>as HIDDEN</td></tr>
 *   <tr><td>EXPERT</td><td>Muon per expert</td><td>one sphere per expert</td><td>as HIDDEN, per expert</td></tr>
 *   <tr><td>OUTPUT_HEAD</td><td>Adam direction</td><td>yes</td><td>N(0, 0.02^2)</td></tr>
 *   <tr><td>EMBEDDING</td><td>AdamW</td><td>no</td><td>N(0, 1e-4^2)</td></tr>
 *   <tr><td>GAIN</td><td>AdamW</td><td>no</td><td>1</td></tr>
 * </table>
 *
 * <p>References: Ren et al., <i>Rethinking Language Model Scaling under Transferable Hypersphere
 * Optimization</i> (arXiv 2603.28743), section 3.
 */
public enum ParamRole {
    /** Attention and MLP matrices, shared-expert matrices: Muon on the sphere. */
    HIDDEN(true, true),
    /** The MoE router {@code [E, d]}: Muon on the sphere. */
    ROUTER(true, true),
    /** A stacked expert tensor {@code [E, out, in]}: Muon per expert, one sphere per expert. */
    EXPERT(true, true),
    /** The language-model head {@code [V, d]}: the Adam direction on the sphere. */
    OUTPUT_HEAD(false, true),
    /** The token embedding: AdamW, not on a sphere. */
    EMBEDDING(false, false),
    /** RMSNorm and QK-norm gains: AdamW, not on a sphere. */
    GAIN(false, false);

    private final boolean matrixDirection;
    private final boolean sphereUnderHyperP;

    ParamRole(boolean matrixDirection, boolean sphereUnderHyperP) {
        this.matrixDirection = matrixDirection;
        this.sphereUnderHyperP = sphereUnderHyperP;
    }

    /**
     * Whether tensors of this role are updated by an orthogonalized (Muon) direction and so must be
     * matrices or stacks of matrices (rank >= 2).
     */
    public boolean usesMuon() {
        return matrixDirection;
    }

    /** Whether HyperP keeps tensors of this role on a Frobenius sphere of fixed radius. */
    public boolean onSphereUnderHyperP() {
        return sphereUnderHyperP;
    }

    /** Whether tensors of this role must have rank >= 2 (matrices or stacks of matrices). */
    public boolean requiresMatrix() {
        return matrixDirection || this == OUTPUT_HEAD;
    }
}
