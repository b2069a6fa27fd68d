package io.hyperp.scaling.transfer;

import io.hyperp.scaling.fit.BootstrapOptions;
import io.hyperp.scaling.fit.Leverage;
import io.hyperp.scaling.fit.LossVsCompute;
import io.hyperp.scaling.fit.OptimalLrResult;
import io.hyperp.scaling.fit.PowerLaw;
import io.hyperp.scaling.fit.PowerLawFit;
import io.hyperp.scaling.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The transfer-quality report of SPEC section 7, after Kalra and Barkeshli's three metrics: (1) fit quality,
 * the leave-one-out error of a fitted law's eta* predictions in ln eta; (2) extrapolation robustness, the
 * excess loss of the predicted eta at a held-out larger scale read off that scale's fitted basin; (3)
 * asymptotic penalty, the difference in fitted irreducible loss (and the compute leverage) between two
 * parameterizations.
 *
 * <p>The laws here are power laws in the chosen axes, \( \eta^* = c \prod_a x_a^{e_a} \), fitted on log-log
 * ({@link PowerLaw}); with no axes the law is a constant (the claim that eta* does not move with scale).
 * Stateless and thread-safe.
 *
 * <p>References: Kalra and Barkeshli, Quantifying Hyperparameter Transfer (arXiv 2605.21486); Ren et al.,
 * arXiv 2603.28743; SPEC section 7.
 */
public final class TransferQuality {
  private static final BootstrapOptions NO_BOOTSTRAP = BootstrapOptions.defaults().withResamples(0);

  private TransferQuality() {}

  /**
   * Metric 1: leave-one-out errors of a power law in {@code axes} fitted to measured optima.
   *
   * @param scales the scale of each measured optimum
   * @param etaStar the measured optima, positive
   * @param axes the law's predictors (may be empty)
   * @return the fit quality
   * @throws IllegalArgumentException for mismatched lengths, fewer than axes + 2 points, a missing axis, or
   *     axes that become collinear when a point is left out
   */
  public static FitQuality fitQuality(List<Scale> scales, double[] etaStar, List<Axis> axes) {
    Objects.requireNonNull(scales, "scales");
    Objects.requireNonNull(axes, "axes");
    Checks.sameLength(scales.size(), "scales", etaStar.length, "etaStar");
    Checks.allPositive(etaStar, "etaStar");
    int n = etaStar.length;
    int k = axes.size();
    if (n < k + 2) {
      throw Checks.iae("leave-one-out needs at least %d points for a law in %d axes, found %d", k + 2, k, n);
    }
    double[][] x = rows(scales, axes);
    List<String> names = labels(axes);
    List<Double> errors = new ArrayList<>(n);
    double sum = 0;
    double sumSq = 0;
    double maxAbs = 0;
    for (int i = 0; i < n; i++) {
      double[][] xr = new double[n - 1][];
      double[] yr = new double[n - 1];
      for (int j = 0, r = 0; j < n; j++) {
        if (j != i) {
          xr[r] = x[j];
          yr[r++] = etaStar[j];
        }
      }
      PowerLawFit fit = PowerLaw.fit(xr, yr, names, NO_BOOTSTRAP);
      double e = Math.log(fit.predict(x[i])) - Math.log(etaStar[i]);
      errors.add(e);
      sum += e;
      sumSq += e * e;
      maxAbs = Math.max(maxAbs, Math.abs(e));
    }
    return new FitQuality(axes, errors, Math.sqrt(sumSq / n), maxAbs, sum / n);
  }

  /**
   * Metric 2 for a given prediction: the excess loss of {@code etaPredicted} in the held-out basin.
   *
   * @param heldOut the held-out scale's optimal-LR fit, accepted
   * @param etaPredicted the predicted learning rate, positive
   * @return the robustness metric
   * @throws IllegalArgumentException if the held-out fit was refused
   */
  public static ExtrapolationRobustness extrapolation(OptimalLrResult heldOut, double etaPredicted) {
    Objects.requireNonNull(heldOut, "heldOut");
    Checks.positive(etaPredicted, "etaPredicted");
    if (!heldOut.isOk()) {
      throw Checks.iae("the held-out sweep was refused, so it has no basin to read: %s", heldOut.message());
    }
    double excess = Math.max(0, heldOut.basin().excessLoss(etaPredicted));
    boolean inside = etaPredicted >= heldOut.lrMin() && etaPredicted <= heldOut.lrMax();
    return new ExtrapolationRobustness(etaPredicted, heldOut.etaStar(), Math.log(etaPredicted / heldOut.etaStar()),
        excess, inside, heldOut.interval().contains(etaPredicted));
  }

  /**
   * Metric 2 for a law fitted on the smaller scales: fit the power law in {@code axes} to the measured optima,
   * predict at the held-out scale, and read the excess loss.
   *
   * @param scales scales of the fitting points
   * @param etaStar measured optima at those scales
   * @param axes the law's predictors (may be empty)
   * @param heldOutScale the held-out scale
   * @param heldOut the held-out scale's accepted optimal-LR fit
   * @return the robustness metric
   * @throws IllegalArgumentException for bad inputs or a refused held-out fit
   */
  public static ExtrapolationRobustness extrapolation(List<Scale> scales, double[] etaStar, List<Axis> axes,
      Scale heldOutScale, OptimalLrResult heldOut) {
    Checks.sameLength(scales.size(), "scales", etaStar.length, "etaStar");
    PowerLawFit fit = PowerLaw.fit(rows(scales, axes), etaStar, labels(axes), NO_BOOTSTRAP);
    double[] x = rows(List.of(heldOutScale), axes)[0];
    return extrapolation(heldOut, fit.predict(x));
  }

  /**
   * Metric 2 for a transfer rule: transfer the base learning rate to the held-out scale and read the excess
   * loss.
   *
   * @param rule the rule
   * @param baseLr learning rate tuned at {@code base}
   * @param base the base scale
   * @param heldOutScale the held-out scale
   * @param heldOut the held-out scale's accepted optimal-LR fit
   * @return the robustness metric
   * @throws IllegalArgumentException for bad inputs or a refused held-out fit
   */
  public static ExtrapolationRobustness extrapolation(TransferRule rule, double baseLr, Scale base,
      Scale heldOutScale, OptimalLrResult heldOut) {
    return extrapolation(heldOut, rule.transfer(baseLr, base, heldOutScale).eta());
  }

  /**
   * Metric 3: asymptotic penalty of {@code method} against {@code reference}.
   *
   * @param method name of the parameterization assessed
   * @param x its loss-versus-compute law
   * @param reference name of the reference parameterization
   * @param y the reference's law
   * @param atCompute compute at which to read the leverage, positive
   * @return the penalty
   */
  public static AsymptoticPenalty asymptoticPenalty(String method, LossVsCompute x, String reference,
      LossVsCompute y, double atCompute) {
    Leverage lev = Leverage.of(method, x, reference, y, atCompute);
    return new AsymptoticPenalty(method, reference, x.e() - y.e(), atCompute, lev.leverage());
  }

  /**
   * Bundles the metrics; any may be null when not measured.
   *
   * @param fitQuality metric 1, or null
   * @param extrapolation metric 2, or null
   * @param penalty metric 3, or null
   * @return the report
   */
  public static TransferQualityReport report(FitQuality fitQuality, ExtrapolationRobustness extrapolation,
      AsymptoticPenalty penalty) {
    return new TransferQualityReport(fitQuality, extrapolation, penalty);
  }

  private static double[][] rows(List<Scale> scales, List<Axis> axes) {
    double[][] x = new double[scales.size()][axes.size()];
    for (int i = 0; i < scales.size(); i++) {
      for (int j = 0; j < axes.size(); j++) {
        x[i][j] = scales.get(i).get(axes.get(j));
      }
    }
    return x;
  }

  private static List<String> labels(List<Axis> axes) {
    List<String> names = new ArrayList<>();
    for (Axis a : axes) {
      names.add(a.label());
    }
    return names;
  }
}
