package io.hyperp.scaling.fit;

import java.util.List;

/**
 * The result of a {@link NonlinearLeastSquares} fit.
 *
 * <p>Immutable and thread-safe (lists are unmodifiable copies).
 *
 * <p>References: Bates and Watts (1988), section 2.3.
 *
 * @param parameters fitted parameters
 * @param standardErrors asymptotic standard errors \( s \sqrt{[(J^T J)^{-1}]_{jj}} \) with
 *     \( s^2 = RSS / (n - p) \); NaN when n = p or J is singular
 * @param rss residual sum of squares
 * @param degreesOfFreedom n - p
 * @param iterations Levenberg-Marquardt iterations used
 * @param evaluations model evaluations used
 */
public record NllsResult(
        List<Double> parameters,
        List<Double> standardErrors,
        double rss,
        int degreesOfFreedom,
        int iterations,
        int evaluations) {
    /**
     * Copies the lists.
     *
     * @param parameters fitted parameters
     * @param standardErrors asymptotic standard errors \( s \sqrt{[(J^T J)^{-1}]_{jj}} \) with \( s^2 = RSS / (n -
     *     p) \); NaN when n = p or J is singular
     * @param rss residual sum of squares
     * @param degreesOfFreedom n - p
     * @param iterations Levenberg-Marquardt iterations used
     * @param evaluations model evaluations used
     */
    public NllsResult {
        parameters = List.copyOf(parameters);
        standardErrors = List.copyOf(standardErrors);
    }

    /**
     * Returns parameter {@code j}.
     *
     * @param j index
     * @return the fitted value
     */
    public double parameter(int j) {
        return parameters.get(j);
    }

    /**
     * Returns the parameters as a new array.
     *
     * @return a fresh copy
     */
    public double[] parameterArray() {
        return parameters.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Returns the residual standard deviation \( \sqrt{RSS / (n - p)} \).
     *
     * @return s, NaN when there are no degrees of freedom
     */
    public double residualStandardDeviation() {
        return degreesOfFreedom > 0 ? Math.sqrt(rss / degreesOfFreedom) : Double.NaN;
    }
}
