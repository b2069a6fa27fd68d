package io.hyperp.cli;

import io.hyperp.scaling.fit.OptimalLr;
import io.hyperp.scaling.fit.OptimalLrOptions;
import io.hyperp.scaling.fit.OptimalLrResult;
import io.hyperp.scaling.fit.OptimalLrStatus;
import io.hyperp.scaling.io.CsvTable;
import io.hyperp.scaling.io.Json;
import io.hyperp.scaling.sweep.Sweep;
import io.hyperp.scaling.sweep.SweepCsv;
import io.hyperp.scaling.sweep.SweepGroup;
import io.hyperp.scaling.transfer.Axis;
import io.hyperp.scaling.transfer.Scale;
import io.hyperp.scaling.transfer.StudyReport;
import io.hyperp.scaling.transfer.TransferQuality;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyperp optimum}: the optimal learning rate of each sweep in a CSV file (one group per distinct value of
 * the {@code --group-by} columns), by {@link OptimalLr}.
 *
 * <p>JSON output: an array with one object per group, {@code {"group": {...}, "eta_star", "ci_low", "ci_high",
 * "loss_min", "points", "status", "refusal", ...}}. A refused group (optimum not bracketed, no basin) is reported
 * with its reason and makes the exit status 1; a group with too few usable runs is bad input (status 2).
 *
 * <p>With {@code --across AXIS} (a group-by column), the groups are also split into studies, one per combination
 * of the other group-by columns, and each study is reported by
 * {@link TransferQuality#acrossScales(Axis, List, List, List)}: how far eta* moves along the axis in sweep
 * steps, the verdict, leave-one-out fit quality and held-out extrapolation. The JSON output then becomes
 * {@code {"optima": [...as above...], "studies": [{"group": {...}, "axis", "verdict", "spread_steps", ...}]}}.
 *
 * <p>Not thread-safe (picocli fills the fields).
 *
 * <p>References: Zhou et al., arXiv 2601.05049; SPEC section 7.
 */
@Command(
        name = "optimum",
        mixinStandardHelpOptions = true,
        description = "Optimal learning rate of each sweep: quadratic fit of loss in ln(lr) with a bootstrap interval;"
                + " refuses (exit 1) when the sweep does not bracket a convex optimum.")
final class OptimumCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(
            names = "--csv",
            required = true,
            paramLabel = "FILE",
            description = "Sweep CSV: one row per run with learning-rate and loss columns; other columns are labels.")
    Path csv;

    @Option(
            names = "--group-by",
            split = ",",
            paramLabel = "COL",
            description = "Label columns whose values define one sweep each (e.g. width,depth).")
    List<String> groupBy = new ArrayList<>();

    @Option(
            names = "--lr-col",
            defaultValue = SweepCsv.LR,
            paramLabel = "COL",
            description = "Learning-rate column (default ${DEFAULT-VALUE}).")
    String lrColumn;

    @Option(
            names = "--loss-col",
            defaultValue = SweepCsv.LOSS,
            paramLabel = "COL",
            description = "Loss column (default ${DEFAULT-VALUE}); empty, NaN or inf marks a diverged run.")
    String lossColumn;

    @Option(
            names = "--max-excess",
            defaultValue = "0.2",
            paramLabel = "F",
            description =
                    "Exclude runs whose loss exceeds the best by more than this fraction (default ${DEFAULT-VALUE};"
                            + " Infinity disables).")
    double maxExcess;

    @Option(
            names = "--divergence-loss",
            defaultValue = "Infinity",
            paramLabel = "L",
            description = "Exclude runs with loss at or above L as diverged (default ${DEFAULT-VALUE}).")
    double divergenceLoss;

    @Option(
            names = "--across",
            paramLabel = "AXIS",
            description = "Also report how eta* moves along this --group-by column (one of width, depth, tokens, batch,"
                    + " params, experts, top_k): spread in sweep steps, verdict, leave-one-out fit quality and held-out"
                    + " extrapolation, per combination of the other --group-by columns.")
    String across;

    @Option(
            names = "--law",
            defaultValue = "constant",
            paramLabel = "LAW",
            description = "Law behind the --across metrics: constant (eta* should not move) or power (eta* = c x^e in"
                    + " the axis); default ${DEFAULT-VALUE}.")
    String law;

    @Mixin
    BootstrapFlags bootstrap = new BootstrapFlags();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        if (!(maxExcess > 0)) {
            throw new IllegalArgumentException("--max-excess (" + maxExcess + ") must be positive");
        }
        if (Double.isNaN(divergenceLoss)) {
            throw new IllegalArgumentException("--divergence-loss must be a number");
        }
        OptimalLrOptions options = new OptimalLrOptions(bootstrap.toOptions(), maxExcess, divergenceLoss, 3);
        Axis axis = null;
        List<Axis> lawAxes = List.of();
        if (across != null) {
            axis = Axis.fromLabel(across);
            if (!groupBy.contains(across)) {
                throw new IllegalArgumentException("--across column '" + across + "' must also be a --group-by column");
            }
            lawAxes = switch (law.toLowerCase(Locale.ROOT)) {
                case "constant" -> List.of();
                case "power" -> List.of(axis);
                default -> throw new IllegalArgumentException("unknown --law '" + law + "' (known: constant, power)");
            };
        }
        CsvTable table = CsvTable.read(csv);
        for (String col : groupBy) {
            if (!table.has(col)) {
                throw new IllegalArgumentException(csv + ": no column '" + col + "' to group by (columns: "
                        + String.join(", ", table.columns()) + ")");
            }
        }
        Sweep sweep = SweepCsv.read(table, lrColumn, lossColumn);
        if (sweep.size() == 0) {
            throw new IllegalArgumentException(csv + ": no runs");
        }
        List<SweepGroup> groups = sweep.groupBy(groupBy);
        List<SweepGroup> fitted = new ArrayList<>();
        List<OptimalLrResult> results = new ArrayList<>();
        for (SweepGroup g : groups) {
            OptimalLrResult r = OptimalLr.fit(g.points(), options);
            if (r.status() == OptimalLrStatus.TOO_FEW_POINTS) {
                throw new IllegalArgumentException(
                        (groupBy.isEmpty() ? "" : "group " + Labels.text(g.key()) + ": ") + r.message());
            }
            fitted.add(g);
            results.add(r);
        }
        Map<Map<String, String>, StudyReport> studies =
                axis == null ? Map.of() : studies(axis, lawAxes, fitted, results);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            List<Object> rows = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("group", Labels.jsonValues(fitted.get(i).key()));
                m.putAll(results.get(i).toMap());
                rows.add(m);
            }
            if (axis == null) {
                out.println(Json.write(rows));
            } else {
                List<Object> st = new ArrayList<>();
                studies.forEach((key, report) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("group", Labels.jsonValues(key));
                    m.putAll(report.toMap());
                    st.add(m);
                });
                Map<String, Object> both = new LinkedHashMap<>();
                both.put("optima", rows);
                both.put("studies", st);
                out.println(Json.write(both));
            }
        } else {
            List<String> header = new ArrayList<>(groupBy);
            header.addAll(List.of("eta_star", "ci_low", "ci_high", "loss_min", "points", "status"));
            TextTable t = TextTable.of(header);
            for (int i = 0; i < results.size(); i++) {
                OptimalLrResult r = results.get(i);
                List<String> row = new ArrayList<>(fitted.get(i).key().values());
                row.addAll(List.of(
                        TextTable.num(r.etaStar()),
                        TextTable.num(r.interval().low()),
                        TextTable.num(r.interval().high()),
                        TextTable.num(r.lossMin()),
                        Integer.toString(r.used().size()),
                        r.isOk() ? "ok" : "refused"));
                t.row(row);
            }
            t.print(out);
            for (int i = 0; i < results.size(); i++) {
                OptimalLrResult r = results.get(i);
                String where =
                        groupBy.isEmpty() ? "" : Labels.text(fitted.get(i).key()) + ": ";
                if (!r.isOk()) {
                    out.println(where + "refused: " + r.message());
                } else if (!r.excluded().isEmpty()) {
                    out.println(where + r.excluded().size() + " run(s) excluded (diverged or far up the wall)");
                }
            }
            out.println("interval: " + TextTable.num(100 * options.bootstrap().level(), 3) + "% bootstrap ("
                    + options.bootstrap().resamples() + " "
                    + options.bootstrap().method().name().toLowerCase(Locale.ROOT) + " resamples, seed "
                    + options.bootstrap().seed() + ")");
            studies.forEach((key, report) -> StudyText.print(
                    out,
                    "across " + report.axis().label() + (key.isEmpty() ? "" : " (" + Labels.text(key) + ")"),
                    report));
        }
        out.flush();
        boolean refused = results.stream().anyMatch(r -> !r.isOk());
        return refused ? HyperpCli.EXIT_REFUSED : 0;
    }

    /**
     * Splits the fitted groups into studies along {@code axis}: one per combination of the other group-by
     * columns, each over the values of the axis column.
     */
    private Map<Map<String, String>, StudyReport> studies(
            Axis axis, List<Axis> lawAxes, List<SweepGroup> groups, List<OptimalLrResult> results) {
        Map<Map<String, String>, List<Scale>> scales = new LinkedHashMap<>();
        Map<Map<String, String>, List<OptimalLrResult>> fits = new LinkedHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            Map<String, String> key = new LinkedHashMap<>(groups.get(i).key());
            String text = key.remove(across);
            double value;
            try {
                value = Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                value = Double.NaN;
            }
            if (!(value > 0 && Double.isFinite(value))) {
                throw new IllegalArgumentException(
                        "group " + Labels.text(groups.get(i).key()) + ": --across column '" + across + "' ('" + text
                                + "') must be a positive number");
            }
            scales.computeIfAbsent(key, k -> new ArrayList<>()).add(Scale.of(axis, value));
            fits.computeIfAbsent(key, k -> new ArrayList<>()).add(results.get(i));
        }
        Map<Map<String, String>, StudyReport> out = new LinkedHashMap<>();
        for (Map<String, String> key : scales.keySet()) {
            out.put(key, TransferQuality.acrossScales(axis, scales.get(key), fits.get(key), lawAxes));
        }
        return out;
    }
}
