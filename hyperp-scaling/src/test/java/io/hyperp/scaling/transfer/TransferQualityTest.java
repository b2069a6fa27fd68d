package io.hyperp.scaling.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.scaling.fit.LossVsCompute;
import io.hyperp.scaling.fit.OptimalLr;
import io.hyperp.scaling.fit.OptimalLrResult;
import io.hyperp.scaling.sweep.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferQualityTest {
  private static List<Scale> widths(double... w) {
    List<Scale> out = new ArrayList<>();
    for (double v : w) {
      out.add(Scale.of(Axis.WIDTH, v));
    }
    return out;
  }

  private static OptimalLrResult basin(double etaStar, double curvature) {
    List<SweepPoint> pts = new ArrayList<>();
    for (int k = -4; k <= 4; k++) {
      double lr = etaStar * Math.pow(2, k / 2.0 + 0.1);
      double d = Math.log(lr / etaStar);
      pts.add(SweepPoint.of(lr, 3.0 + curvature * d * d));
    }
    return OptimalLr.fit(pts);
  }

  @Test
  void fitQuality_exactPowerLaw_zeroErrors() {
    double[] eta = {0.02, 0.01, 0.005, 0.0025};
    FitQuality q = TransferQuality.fitQuality(widths(128, 256, 512, 1024), eta, List.of(Axis.WIDTH));
    // Exact 1/width data: each leave-one-out fit is exact up to round-off in ln values ~ -5.
    assertEquals(0.0, q.rmsLnError(), 1e-12);
    assertEquals(4, q.lnErrors().size());
  }

  @Test
  void fitQuality_constantLaw_errorsAreLogRatiosToGeometricMeanOfOthers() {
    double[] eta = {1, 2, 4};
    FitQuality q = TransferQuality.fitQuality(widths(1, 2, 3), eta, List.of());
    // Leaving out 1: geometric mean of 2 and 4 is sqrt(8); leaving out 2: sqrt(4) = 2; leaving out 4: sqrt(2).
    assertEquals(Math.log(Math.sqrt(8)), q.lnErrors().get(0), 1e-15);
    assertEquals(0.0, q.lnErrors().get(1), 1e-15);
    assertEquals(Math.log(Math.sqrt(2) / 4), q.lnErrors().get(2), 1e-15);
    assertEquals(Math.abs(Math.log(Math.sqrt(2) / 4)), q.maxAbsLnError(), 1e-15);
  }

  @Test
  void fitQuality_tooFewPoints_throwsIae() {
    assertThrows(IllegalArgumentException.class,
        () -> TransferQuality.fitQuality(widths(1, 2), new double[] {1, 2}, List.of(Axis.WIDTH)));
  }

  @Test
  void extrapolation_predictionOffByFactorTwo_excessIsCurvatureTimesLn2Squared() {
    OptimalLrResult heldOut = basin(0.004, 0.06);
    assertTrue(heldOut.isOk(), heldOut.message());
    ExtrapolationRobustness r = TransferQuality.extrapolation(heldOut, 0.008);
    // Exact basin: a (ln 2)^2 up to round-off of the fitted coefficients (~1e-13).
    assertEquals(0.06 * Math.log(2) * Math.log(2), r.excessLoss(), 1e-12);
    assertEquals(Math.log(2), r.lnRatio(), 1e-12);
    assertTrue(r.predictionInsideSweep());
  }

  @Test
  void extrapolation_fromFittedLawAndFromRule_useTheirPredictions() {
    OptimalLrResult heldOut = basin(0.0025, 0.06);
    ExtrapolationRobustness law = TransferQuality.extrapolation(widths(128, 256, 512),
        new double[] {0.02, 0.01, 0.005}, List.of(Axis.WIDTH), Scale.of(Axis.WIDTH, 1024), heldOut);
    // The 1/width law predicts 0.0025 at width 1024: no excess loss beyond round-off.
    assertEquals(0.0025, law.etaPredicted(), 1e-15);
    assertEquals(0.0, law.excessLoss(), 1e-12);
    ExtrapolationRobustness rule = TransferQuality.extrapolation(HyperPRule.reference(), 0.0025,
        Scale.of(Axis.DEPTH, 8), Scale.of(Axis.DEPTH, 32), heldOut);
    assertEquals(0.00125, rule.etaPredicted(), 1e-15);
    assertFalse(rule.excessLoss() == 0);
  }

  @Test
  void extrapolation_refusedHeldOut_throwsIae() {
    List<SweepPoint> edge = List.of(SweepPoint.of(0.001, 3.3), SweepPoint.of(0.002, 3.2), SweepPoint.of(0.004, 3.1),
        SweepPoint.of(0.008, 3.05));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TransferQuality.extrapolation(OptimalLr.fit(edge), 0.004));
    assertTrue(e.getMessage().contains("held-out sweep was refused"), e.getMessage());
  }

  @Test
  void penaltyAndReport_collectMetrics() {
    LossVsCompute x = LossVsCompute.of(100, 0.1, 1.8);
    LossVsCompute y = LossVsCompute.of(150, 0.1, 1.9);
    AsymptoticPenalty p = TransferQuality.asymptoticPenalty("hyperp", x, "sp", y, 1e21);
    assertEquals(-0.1, p.deltaE(), 1e-15);
    assertTrue(p.leverage() > 1, p.toString());
    TransferQualityReport report = TransferQuality.report(null, null, p);
    assertNull(report.toMap().get("fit_quality"));
    assertEquals(p.toMap(), report.toMap().get("asymptotic_penalty"));
  }
}
