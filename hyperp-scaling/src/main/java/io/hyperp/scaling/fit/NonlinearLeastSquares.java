package io.hyperp.scaling.fit;

import io.hyperp.scaling.internal.Checks;
import io.hyperp.scaling.internal.LinearLeastSquares;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.exception.ConvergenceException;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresProblem;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.commons.math3.util.Pair;

/**
 * Unweighted nonlinear least squares \( \min_p \sum_i (y_i - f(x_i; p))^2 \) by Levenberg-Marquardt
 * (Commons Math's port of MINPACK lmder), with asymptotic standard errors.
 *
 * <p>Stateless and thread-safe as long as the model is. The data arrays are not modified. A fit that does
 * not converge within the iteration limit, or whose model returns a non-finite value at the solution, throws
 * {@link IllegalStateException}.
 *
 * <p>References: Moré, The Levenberg-Marquardt algorithm: implementation and theory (1978); Bates and Watts,
 * Nonlinear Regression Analysis and its Applications (1988); NIST StRD nonlinear regression datasets.
 */
public final class NonlinearLeastSquares {
    /** Relative pivot threshold for the covariance's decomposition. */
    private static final double SINGULARITY_THRESHOLD = 1e-14;

    private NonlinearLeastSquares() {}

    /**
     * Fits {@code model} to (x, y) from {@code start}.
     *
     * @param model the model
     * @param x predictor rows, one per observation (not modified)
     * @param y responses (not modified)
     * @param start starting parameters (not modified)
     * @param options solver settings
     * @return the fit
     * @throws IllegalArgumentException if lengths disagree, data or start are not finite, or there are fewer
     *     observations than parameters
     * @throws IllegalStateException if the solver does not converge or the solution is not finite
     */
    public static NllsResult fit(ParametricModel model, double[][] x, double[] y, double[] start, NllsOptions options) {
        return fitDetailed(model, x, y, start, options).result();
    }

    /**
     * A fit together with what the bootstrap needs. Package-private.
     *
     * @param result the public result
     * @param fitted fitted values
     * @param residuals y - fitted
     * @param leverages diagonal of the hat matrix of the Jacobian at the solution (zeros if singular)
     */
    // An internal result passed within the fit package: never compared, hashed or handed out.
    @SuppressWarnings("ArrayRecordComponent")
    record Detailed(NllsResult result, double[] fitted, double[] residuals, double[] leverages) {}

    static Detailed fitDetailed(ParametricModel model, double[][] x, double[] y, double[] start, NllsOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        Checks.sameLength(x.length, "x", y.length, "y");
        Checks.allFinite(y, "y");
        Checks.allFinite(start, "start");
        for (int i = 0; i < x.length; i++) {
            Checks.allFinite(x[i], "x row " + i);
        }
        int n = y.length;
        int p = start.length;
        if (n < p || p == 0) {
            throw Checks.iae("%d observations cannot determine %d parameters", n, p);
        }
        LeastSquaresProblem problem = new LeastSquaresBuilder()
                .start(start.clone())
                .target(y.clone())
                .model(point -> evaluate(model, x, point.toArray()))
                .lazyEvaluation(false)
                .maxIterations(options.maxIterations())
                .maxEvaluations(Integer.MAX_VALUE)
                .build();
        LevenbergMarquardtOptimizer optimizer = new LevenbergMarquardtOptimizer()
                .withCostRelativeTolerance(options.costRelativeTolerance())
                .withParameterRelativeTolerance(options.parameterRelativeTolerance())
                .withOrthoTolerance(options.orthoTolerance());
        LeastSquaresOptimizer.Optimum optimum;
        try {
            optimum = optimizer.optimize(problem);
        } catch (TooManyIterationsException | TooManyEvaluationsException e) {
            throw new IllegalStateException(
                    Checks.fmt(
                            "nonlinear least squares did not converge within %d iterations", options.maxIterations()),
                    e);
        } catch (ConvergenceException e) {
            throw new IllegalStateException("nonlinear least squares stalled: " + e.getMessage(), e);
        }
        double[] params = optimum.getPoint().toArray();
        Checks.allFinite(params, "fitted parameters");
        double[] fitted = new double[n];
        double[] residuals = new double[n];
        double rss = 0;
        for (int i = 0; i < n; i++) {
            fitted[i] = model.value(x[i], params);
            residuals[i] = y[i] - fitted[i];
            rss += residuals[i] * residuals[i];
        }
        if (!Double.isFinite(rss)) {
            throw new IllegalStateException("model is not finite at the fitted parameters");
        }
        RealMatrix jacobian = optimum.getJacobian();
        int dof = n - p;
        List<Double> se = new ArrayList<>(p);
        double[] leverages = new double[n];
        try {
            RealMatrix cov = optimum.getCovariances(SINGULARITY_THRESHOLD);
            double s2 = dof > 0 ? rss / dof : Double.NaN;
            for (int j = 0; j < p; j++) {
                se.add(Math.sqrt(s2 * cov.getEntry(j, j)));
            }
            LinearLeastSquares lls = LinearLeastSquares.of(jacobian.getData());
            if (lls.isFullRank()) {
                leverages = lls.leverages();
            }
        } catch (SingularMatrixException e) {
            se.clear();
            for (int j = 0; j < p; j++) {
                se.add(Double.NaN);
            }
        }
        List<Double> paramList = new ArrayList<>(p);
        for (double v : params) {
            paramList.add(v);
        }
        NllsResult result = new NllsResult(paramList, se, rss, dof, optimum.getIterations(), optimum.getEvaluations());
        return new Detailed(result, fitted, residuals, leverages);
    }

    private static Pair<org.apache.commons.math3.linear.RealVector, RealMatrix> evaluate(
            ParametricModel model, double[][] x, double[] p) {
        int n = x.length;
        double[] values = new double[n];
        double[][] jac = new double[n][p.length];
        for (int i = 0; i < n; i++) {
            values[i] = model.value(x[i], p);
            model.gradient(x[i], p, jac[i]);
        }
        return new Pair<>(new ArrayRealVector(values, false), new Array2DRowRealMatrix(jac, false));
    }
}
