package io.hyperp.cli;

import io.hyperp.scaling.transfer.ExtrapolationRobustness;
import io.hyperp.scaling.transfer.FitQuality;
import io.hyperp.scaling.transfer.ScaleOptimum;
import io.hyperp.scaling.transfer.StudyReport;
import java.io.PrintWriter;
import java.util.Locale;

/** Text rendering of a transfer study's report, shared by {@code hyperp optimum --across} and the demo. */
public final class StudyText {

    private StudyText() {}

    /**
     * Prints the verdict, the quality metrics the data allowed and the notes of a study, preceded by a
     * blank line.
     *
     * @param out where to print
     * @param heading the study's name, e.g. {@code "across width"}
     * @param r the report
     */
    public static void print(PrintWriter out, String heading, StudyReport r) {
        out.println();
        String label = r.axis().label();
        out.println(heading + ": "
                + r.verdict().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (Double.isNaN(r.spreadInSteps())
                        ? ""
                        : ", eta* spread " + TextTable.num(r.spreadInSteps(), 3) + " sweep steps"
                                + (r.spreadInterval().isKnown()
                                        ? ", 95% interval ["
                                                + TextTable.num(
                                                        r.spreadInterval().low(), 3) + ", "
                                                + TextTable.num(
                                                        r.spreadInterval().high(), 3) + "]"
                                        : ", interval unknown")
                                + " (step x" + TextTable.num(Math.exp(r.sweepStep()), 3) + ")"));
        FitQuality fq = r.quality().fitQuality();
        if (fq != null) {
            out.println("  fit quality (" + (r.lawAxes().isEmpty() ? "constant law" : "power law in " + label)
                    + ", leave-one-out): rms ln error " + TextTable.num(fq.rmsLnError(), 3) + ", max "
                    + TextTable.num(fq.maxAbsLnError(), 3));
        }
        ExtrapolationRobustness ex = r.quality().extrapolation();
        if (ex != null) {
            ScaleOptimum held = null;
            for (ScaleOptimum o : r.scales()) {
                if (o.optimum().isOk()) {
                    held = o;
                }
            }
            out.println("  extrapolation to " + label + " " + TextTable.num(held.value()) + ": predicted "
                    + TextTable.num(ex.etaPredicted()) + " vs eta* " + TextTable.num(ex.etaStar()) + ", excess loss "
                    + TextTable.num(ex.excessLoss(), 3)
                    + (ex.predictionInsideSweep() ? "" : " (outside the swept range)"));
        }
        for (String note : r.notes()) {
            out.println("  note: " + note);
        }
    }
}
