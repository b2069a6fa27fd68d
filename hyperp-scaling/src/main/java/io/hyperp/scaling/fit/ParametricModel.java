package io.hyperp.scaling.fit;

/**
 * A model \( f(x; p) \) for {@link NonlinearLeastSquares}: one response from a predictor row x and a
 * parameter vector p.
 *
 * <p>Implementations must be stateless (or immutable) so that fits may run on several threads, must not
 * modify their arguments, and return NaN (not throw) where the model is undefined, which makes the fit
 * fail cleanly.
 *
 * <p>References: Bates and Watts, Nonlinear Regression Analysis and its Applications (1988), chapter 2.
 */
public interface ParametricModel {
    /** Relative step of the default central-difference gradient, about the cube root of machine epsilon. */
    double DIFFERENCE_STEP = 6.0e-6;

    /**
     * Evaluates the model.
     *
     * @param x predictor row (not modified)
     * @param p parameters (not modified)
     * @return f(x; p), NaN where undefined
     */
    double value(double[] x, double[] p);

    /**
     * Writes \( \partial f / \partial p_j \) into {@code out}. The default uses central differences with step
     * {@code DIFFERENCE_STEP * |p_j|} (or {@code DIFFERENCE_STEP} when p_j = 0); override with the analytic
     * gradient where accuracy matters.
     *
     * @param x predictor row (not modified)
     * @param p parameters (not modified)
     * @param out receives the gradient, length p.length
     */
    default void gradient(double[] x, double[] p, double[] out) {
        double[] q = p.clone();
        for (int j = 0; j < p.length; j++) {
            double h = DIFFERENCE_STEP * (p[j] == 0 ? 1 : Math.abs(p[j]));
            q[j] = p[j] + h;
            double up = value(x, q);
            q[j] = p[j] - h;
            double down = value(x, q);
            q[j] = p[j];
            out[j] = (up - down) / (2 * h);
        }
    }
}
