package io.hyperp.scaling.fit;

/**
 * A fitted loss basin \( L(\eta) = a x^2 + b x + c \) with \( x = \ln \eta \); when a &gt; 0 it is
 * \( L_{min} + a (x - x^*)^2 \) with \( x^* = -b / 2a \).
 *
 * <p>Immutable and thread-safe. All coefficients are NaN for a basin that could not be fitted.
 *
 * <p>References: Zhou et al., arXiv 2601.05049; SPEC section 7.
 *
 * @param a curvature in ln(lr) (convex when positive)
 * @param b linear coefficient
 * @param c constant
 */
public record QuadraticBasin(double a, double b, double c) {
    /** The basin that could not be fitted. */
    public static final QuadraticBasin UNFITTED = new QuadraticBasin(Double.NaN, Double.NaN, Double.NaN);

    /**
     * Returns whether the basin is convex (a &gt; 0).
     *
     * @return false for a &lt;= 0 or NaN
     */
    public boolean isConvex() {
        return a > 0;
    }

    /**
     * Returns the fitted loss at a learning rate.
     *
     * @param eta learning rate, positive
     * @return a ln(eta)^2 + b ln(eta) + c
     */
    public double loss(double eta) {
        double x = Math.log(eta);
        return (a * x + b) * x + c;
    }

    /**
     * Returns the stationary point ln(eta*) = -b / 2a.
     *
     * @return ln eta* (a maximum when the basin is not convex; NaN/infinite when a = 0)
     */
    public double lnEtaStar() {
        return -b / (2 * a);
    }

    /**
     * Returns the loss at the stationary point, c - b^2 / 4a.
     *
     * @return the fitted minimum loss (for a convex basin)
     */
    public double minimum() {
        return c - b * b / (4 * a);
    }

    /**
     * Returns the excess loss of a learning rate over the basin's optimum, \( a (\ln\eta - \ln\eta^*)^2 \).
     *
     * @param eta learning rate, positive
     * @return the excess loss (non-negative for a convex basin)
     */
    public double excessLoss(double eta) {
        double d = Math.log(eta) - lnEtaStar();
        return a * d * d;
    }
}
