package io.hyperp.cli;

import io.hyperp.scaling.fit.BootstrapOptions;
import io.hyperp.scaling.fit.Interval;
import io.hyperp.scaling.fit.PowerLaw;
import io.hyperp.scaling.fit.PowerLawFit;
import io.hyperp.scaling.fit.PowerLawWithOffset;
import io.hyperp.scaling.io.CsvTable;
import io.hyperp.scaling.io.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyperp fit-law}: fits \( y = c \prod_j x_j^{e_j} \) on log-log ({@link PowerLaw}), or with
 * {@code --offset} \( y = c \prod_j x_j^{e_j} + o \) by nonlinear least squares ({@link PowerLawWithOffset}).
 * With x = params,tokens and y = the optimal learning rate this is the fitting-paradigm law.
 *
 * <p>JSON output: {@code {"coefficient", "exponents": {COL: e}, "offset" (null without --offset), "r2", "ci":
 * {"coefficient": [lo, hi], COL: [lo, hi], "offset": [lo, hi]}, "points"}}.
 *
 * <p>Not thread-safe (picocli fills the fields).
 *
 * <p>References: SPEC section 7; Zhou et al., arXiv 2601.05049.
 */
@Command(
        name = "fit-law",
        mixinStandardHelpOptions = true,
        description = "Fit y = c * x1^e1 * x2^e2 ... (log-log least squares) or, with --offset, y = c * x^e + offset"
                + " (nonlinear least squares), with bootstrap intervals.")
final class FitLawCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "CSV file with a header row.")
    Path csv;

    @Option(names = "--y", required = true, paramLabel = "COL", description = "Response column.")
    String y;

    @Option(
            names = "--x",
            required = true,
            split = ",",
            paramLabel = "COL",
            description = "Predictor column(s), comma separated; values must be positive.")
    List<String> x;

    @Option(names = "--offset", description = "Fit an additive offset (nonlinear least squares).")
    boolean offset;

    @Mixin
    BootstrapFlags bootstrap = new BootstrapFlags();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        BootstrapOptions options = bootstrap.toOptions();
        CsvTable table = CsvTable.read(csv);
        double[] yv = offset ? table.finite(y) : table.positive(y);
        double[][] cols = new double[x.size()][];
        for (int j = 0; j < x.size(); j++) {
            cols[j] = table.positive(x.get(j));
        }
        double[][] rows = new double[yv.length][x.size()];
        for (int i = 0; i < yv.length; i++) {
            for (int j = 0; j < x.size(); j++) {
                rows[i][j] = cols[j][i];
            }
        }
        PowerLawFit fit = offset ? PowerLawWithOffset.fit(rows, yv, x, options) : PowerLaw.fit(rows, yv, x, options);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            out.println(Json.write(fit.toMap()));
        } else {
            StringBuilder formula = new StringBuilder(y + " = " + TextTable.num(fit.coefficient()));
            for (Map.Entry<String, Double> e : fit.exponents().entrySet()) {
                formula.append(" * ").append(e.getKey()).append("^").append(TextTable.num(e.getValue()));
            }
            if (fit.hasOffset()) {
                formula.append(fit.offset() < 0 ? " - " : " + ").append(TextTable.num(Math.abs(fit.offset())));
            }
            out.println(formula);
            TextTable t = TextTable.of("parameter", "estimate", "ci_low", "ci_high");
            row(t, "coefficient", fit.coefficient(), fit.coefficientInterval());
            for (String name : fit.names()) {
                row(
                        t,
                        "exponent " + name,
                        fit.exponent(name),
                        fit.exponentIntervals().get(name));
            }
            if (fit.hasOffset()) {
                row(t, "offset", fit.offset(), fit.offsetInterval());
            }
            t.print(out);
            out.println("r2 " + TextTable.num(fit.r2()) + (fit.hasOffset() ? "" : " (of ln " + y + ")") + ", "
                    + fit.points() + " points, " + TextTable.num(100 * options.level(), 3) + "% bootstrap intervals ("
                    + options.resamples() + " resamples, seed " + options.seed() + ")");
        }
        out.flush();
        return 0;
    }

    private static void row(TextTable t, String name, double value, Interval ci) {
        t.row(name, TextTable.num(value), TextTable.num(ci.low()), TextTable.num(ci.high()));
    }
}
