package io.hyperp.scaling.fit;

import io.hyperp.scaling.internal.Checks;

/**
 * Settings of the Levenberg-Marquardt fit in {@link NonlinearLeastSquares}.
 *
 * <p>Immutable and thread-safe. The tolerances are those of MINPACK's lmder as implemented by Commons Math's
 * {@code LevenbergMarquardtOptimizer}: the fit stops when the relative reduction of the sum of squares, the
 * relative change of the scaled parameters, or the cosine between residuals and the Jacobian's columns falls
 * below its tolerance.
 *
 * <p>References: Moré, The Levenberg-Marquardt algorithm: implementation and theory (1978).
 *
 * @param maxIterations iteration limit, &gt;= 1
 * @param costRelativeTolerance relative sum-of-squares tolerance, &gt;= 1e-15
 * @param parameterRelativeTolerance relative parameter tolerance, &gt;= 1e-15
 * @param orthoTolerance orthogonality tolerance, &gt;= 1e-15
 */
public record NllsOptions(
        int maxIterations, double costRelativeTolerance, double parameterRelativeTolerance, double orthoTolerance) {
    /** Smallest accepted tolerance: below it MINPACK's tests cannot be met in double precision. */
    public static final double MIN_TOLERANCE = 1e-15;

    /**
     * Validates the settings.
     *
     * @param maxIterations iteration limit, &gt;= 1
     * @param costRelativeTolerance relative sum-of-squares tolerance, &gt;= 1e-15
     * @param parameterRelativeTolerance relative parameter tolerance, &gt;= 1e-15
     * @param orthoTolerance orthogonality tolerance, &gt;= 1e-15
     * @throws IllegalArgumentException for a non-positive iteration limit or a tolerance below
     *     {@link #MIN_TOLERANCE} (NaN included)
     */
    public NllsOptions {
        if (maxIterations < 1) {
            throw Checks.iae("maxIterations (%d) must be at least 1", maxIterations);
        }
        checkTolerance(costRelativeTolerance, "costRelativeTolerance");
        checkTolerance(parameterRelativeTolerance, "parameterRelativeTolerance");
        checkTolerance(orthoTolerance, "orthoTolerance");
    }

    private static void checkTolerance(double value, String name) {
        if (!(value >= MIN_TOLERANCE && value < 1)) {
            throw Checks.iae("%s (%s) must lie in [1e-15, 1)", name, value);
        }
    }

    /**
     * Returns the defaults: 10000 iterations and all tolerances 1e-14, tight enough to reproduce certified
     * NIST StRD values.
     *
     * @return default options
     */
    public static NllsOptions defaults() {
        return new NllsOptions(10_000, 1e-14, 1e-14, 1e-14);
    }

    /**
     * Returns a copy with another iteration limit.
     *
     * @param value the limit
     * @return new options
     */
    public NllsOptions withMaxIterations(int value) {
        return new NllsOptions(value, costRelativeTolerance, parameterRelativeTolerance, orthoTolerance);
    }

    /**
     * Returns a copy with all three tolerances set to {@code value}.
     *
     * @param value the tolerance
     * @return new options
     */
    public NllsOptions withTolerance(double value) {
        return new NllsOptions(maxIterations, value, value, value);
    }
}
