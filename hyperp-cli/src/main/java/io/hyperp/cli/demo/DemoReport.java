package io.hyperp.cli.demo;

import io.hyperp.cli.StudyText;
import io.hyperp.demo.train.DemoPlan;
import io.hyperp.demo.train.TrainRunResult;
import io.hyperp.scaling.fit.OptimalLr;
import io.hyperp.scaling.fit.OptimalLrEstimator;
import io.hyperp.scaling.fit.OptimalLrResult;
import io.hyperp.scaling.fit.OptimalLrStatus;
import io.hyperp.scaling.io.Json;
import io.hyperp.scaling.sweep.Sweep;
import io.hyperp.scaling.sweep.SweepCsv;
import io.hyperp.scaling.sweep.SweepPoint;
import io.hyperp.scaling.transfer.Axis;
import io.hyperp.scaling.transfer.Scale;
import io.hyperp.scaling.transfer.SeedOptima;
import io.hyperp.scaling.transfer.StudyReport;
import io.hyperp.scaling.transfer.TransferQuality;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The outputs of a demo study: the fits, the printed table and transfer report, and the files.
 *
 * <ul>
 *   <li>{@code runs.csv}: one row per run (method, width, depth, top-k, the swept learning rate
 *       {@code lr} and the run's {@code peak_lr} (they differ by the depth factor in a depth study),
 *       final validation loss or NaN if diverged, final training loss, divergence, parameters,
 *       seconds); readable by {@code hyperp optimum};</li>
 *   <li>{@code curves.csv}: every evaluation of every run (step, training and validation loss, stability
 *       indicators);</li>
 *   <li>{@code summary.json}: the plan, each sweep's fit (eta*, bootstrap interval, fitted minimum
 *       loss, or the refusal), each method's transfer report ({@link TransferQuality#acrossScales}) and
 *       the wall time;</li>
 *   <li>{@code lr_sweep.png}: validation loss against learning rate, one curve per scale with its
 *       fitted quadratic, HyperP and the baseline side by side on one loss axis;</li>
 *   <li>{@code training.png}: validation loss over training at each scale's best learning rate;</li>
 *   <li>{@code stability.png}: the stability indicators of SPEC section 6 (attention Z, output RMS,
 *       outlier percentage) over training at each scale's best learning rate;</li>
 *   <li>{@code report.html}: the table, the verdicts and the plots on one page.</li>
 * </ul>
 */
final class DemoReport {

    /** One finished run. */
    record Run(DemoPlan.Cell cell, TrainRunResult result) {}

    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd)
    };

    private final DemoPlan plan;
    private final List<Run> runs;
    private final long seed;
    private final double wallSeconds;
    private final Map<String, List<OptimalLrResult>> fits = new LinkedHashMap<>();
    private final Map<String, List<SeedOptima>> seedFits = new LinkedHashMap<>();
    private final Map<String, StudyReport> studies = new LinkedHashMap<>();

    DemoReport(DemoPlan plan, List<Run> runs, long seed, double wallSeconds) {
        this.plan = plan;
        this.runs = List.copyOf(runs);
        this.seed = seed;
        this.wallSeconds = wallSeconds;
        for (DemoPlan.Method m : plan.methods()) {
            List<OptimalLrResult> f = new ArrayList<>();
            List<SeedOptima> perSeed = new ArrayList<>();
            List<Scale> scales = new ArrayList<>();
            for (int s : plan.scales()) {
                f.add(OptimalLr.fit(sweep(m, s)));
                if (plan.seeds() > 1) {
                    List<OptimalLrResult> one = new ArrayList<>();
                    for (long sd : plan.seedList()) {
                        one.add(OptimalLr.fit(runs(m, s).stream()
                                .filter(r -> r.cell().model().seed() == sd)
                                .map(DemoReport::point)
                                .toList()));
                    }
                    perSeed.add(new SeedOptima(one));
                }
                scales.add(Scale.of(plan.axis(), s));
            }
            fits.put(m.name(), f);
            seedFits.put(m.name(), perSeed);
            studies.put(m.name(), TransferQuality.acrossScales(plan.axis(), scales, f, List.of(), perSeed));
        }
    }

    /**
     * The answer in one paragraph: each method's verdict with its spread and the spread's interval, the loss
     * advantage at the largest scale, and what a study of this size can and cannot show.
     */
    String answer() {
        StringBuilder b = new StringBuilder();
        String label = plan.axis().label();
        List<Integer> sc = plan.scales();
        b.append(String.format(
                Locale.ROOT,
                "Across %ss %s to %s (%d steps, %d seed%s): ",
                label,
                sc.get(0),
                sc.get(sc.size() - 1),
                plan.run().steps(),
                plan.seeds(),
                plan.seeds() == 1 ? "" : "s"));
        List<String> parts = new ArrayList<>();
        for (DemoPlan.Method m : plan.methods()) {
            StudyReport r = studies.get(m.name());
            String spread = Double.isNaN(r.spreadInSteps())
                    ? "no spread measured"
                    : String.format(
                            Locale.ROOT,
                            "eta* spread %.2f sweep steps, 95%% interval %s",
                            r.spreadInSteps(),
                            r.spreadInterval().isKnown()
                                    ? String.format(
                                            Locale.ROOT,
                                            "[%.2f, %.2f]",
                                            r.spreadInterval().low(),
                                            r.spreadInterval().high())
                                    : "unknown");
            parts.add(m.title() + " " + verdictText(r) + " (" + spread + ")");
        }
        b.append(String.join("; ", parts)).append(". ");
        if (plan.methods().size() == 2) {
            DemoPlan.Method a = plan.methods().get(0);
            DemoPlan.Method c = plan.methods().get(1);
            int largest = sc.get(sc.size() - 1);
            double la = bestMeanLoss(a, largest);
            double lc = bestMeanLoss(c, largest);
            if (Double.isFinite(la) && Double.isFinite(lc)) {
                b.append(String.format(
                        Locale.ROOT,
                        "At %s %d the best validation loss of %s is %.3f against %.3f for %s (%s by %.3f nats/byte). ",
                        label,
                        largest,
                        a.title(),
                        la,
                        lc,
                        c.title(),
                        la < lc ? "lower" : "higher",
                        Math.abs(la - lc)));
            }
        }
        b.append("A verdict is given only when the spread's interval lies on one side of one step; "
                + "undetermined means this study's runs are too short, too few or too noisy to tell, not that "
                + "the learning rate fails to transfer. A study this small cannot show how the optimum moves "
                + "over the paper's range of widths or token budgets.");
        return b.toString();
    }

    private static String verdictText(StudyReport r) {
        return switch (r.verdict()) {
            case WITHIN_ONE_STEP -> "transfers: its optimum stays within one sweep step";
            case BEYOND_ONE_STEP -> "does not transfer: its optimum moves beyond one sweep step";
            case UNDETERMINED -> "is undetermined";
        };
    }

    /** The lowest, over the swept learning rates, of the validation loss averaged over seeds; NaN if none. */
    private double bestMeanLoss(DemoPlan.Method m, int scale) {
        double best = Double.NaN;
        for (double lr : m.learningRates()) {
            double sum = 0;
            int n = 0;
            for (Run r : runs(m, scale)) {
                double l = r.result().finalValidationLoss();
                if (r.cell().learningRate() == lr && !r.result().diverged() && Double.isFinite(l)) {
                    sum += l;
                    n++;
                }
            }
            if (n == plan.seeds() && !(sum / n >= best)) {
                best = sum / n;
            }
        }
        return best;
    }

    private List<Run> runs(DemoPlan.Method m, int scale) {
        return runs.stream()
                .filter(r -> r.cell().method().equals(m) && r.cell().scale() == scale)
                .sorted((a, b) ->
                        Double.compare(a.cell().learningRate(), b.cell().learningRate()))
                .toList();
    }

    private List<SweepPoint> sweep(DemoPlan.Method m, int scale) {
        return runs(m, scale).stream().map(DemoReport::point).toList();
    }

    private static SweepPoint point(Run r) {
        TrainRunResult t = r.result();
        List<TrainRunResult.Eval> evals = t.evals();
        double lastTrain =
                evals.isEmpty() ? Double.NaN : evals.get(evals.size() - 1).trainLoss();
        return SweepPoint.of(r.cell().learningRate(), t.diverged() ? Double.NaN : t.finalValidationLoss())
                .withLabel("peak_lr", t.learningRate())
                .withLabel("method", r.cell().method().name())
                .withLabel(SweepPoint.WIDTH, t.width())
                .withLabel(SweepPoint.DEPTH, t.depth())
                .withLabel(
                        SweepPoint.TOP_K,
                        r.cell().moe() == null ? 0 : r.cell().moe().router().topK())
                .withLabel("params", (double) r.cell().parameterCount())
                .withLabel("train_loss", lastTrain)
                .withLabel("diverged", String.valueOf(t.diverged()))
                .withLabel("steps_run", t.stepsRun())
                .withLabel(SweepPoint.SEED, (double) r.cell().model().seed())
                .withLabel("seconds", Math.round(t.seconds() * 100) / 100.0);
    }

    /** Prints the table and the transfer reports, and writes every file into {@code dir}. */
    void write(Path dir, PrintWriter o) throws IOException {
        String table = table();
        o.print(table);
        StringWriter verdicts = new StringWriter();
        PrintWriter v = new PrintWriter(verdicts);
        for (DemoPlan.Method m : plan.methods()) {
            StudyText.print(v, m.title() + " across " + plan.axis().label(), studies.get(m.name()));
        }
        v.flush();
        o.print(verdicts);
        String answer = answer();
        o.println();
        o.println(answer);
        List<SweepPoint> points = new ArrayList<>();
        runs.stream()
                .sorted((a, b) -> {
                    int c = a.cell().method().name().compareTo(b.cell().method().name());
                    c = c != 0 ? c : Integer.compare(a.cell().scale(), b.cell().scale());
                    return c != 0
                            ? c
                            : Double.compare(a.cell().learningRate(), b.cell().learningRate());
                })
                .forEach(r -> points.add(point(r)));
        SweepCsv.write(Sweep.of(points), dir.resolve("runs.csv"));
        writeCurves(dir.resolve("curves.csv"));
        Json.write(summary(), dir.resolve("summary.json"));
        lrPlot(dir.resolve("lr_sweep.png"));
        trainingPlot(dir.resolve("training.png"));
        stabilityPlot(dir.resolve("stability.png"));
        html(dir.resolve("report.html"), table, verdicts.toString(), answer);
        o.printf(
                Locale.ROOT,
                "%nwall time %.1f s (%d runs); wrote runs.csv, curves.csv, summary.json, lr_sweep.png, "
                        + "training.png, stability.png and report.html to %s%n",
                wallSeconds,
                runs.size(),
                dir.toAbsolutePath());
        o.flush();
    }

    private String table() {
        boolean multi = plan.seeds() > 1;
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%n%-14s %6s %10s %23s %9s  %-22s%s%n",
                "method",
                plan.axis().label(),
                "eta*",
                "95% interval",
                "loss*",
                "fit",
                multi ? "  eta* per seed (sd of ln)" : ""));
        for (DemoPlan.Method m : plan.methods()) {
            List<OptimalLrResult> f = fits.get(m.name());
            for (int i = 0; i < plan.scales().size(); i++) {
                OptimalLrResult r = f.get(i);
                boolean unresolved = r.status() == OptimalLrStatus.UNRESOLVED;
                String fit = r.isOk()
                        ? (r.estimator() == OptimalLrEstimator.LOCAL_QUADRATIC ? "ok (local fit, below)" : "ok")
                        : unresolved
                                ? "unresolved (see below)"
                                : "refused (" + r.status().name().toLowerCase(Locale.ROOT) + ")";
                String interval = r.isOk()
                        ? (r.interval().isKnown()
                                ? "[" + fmt(r.interval().low()) + ", "
                                        + fmt(r.interval().high()) + "]"
                                : "none (exact fit)")
                        : unresolved ? "unresolved" : "-";
                String perSeed = "";
                if (multi) {
                    SeedOptima so = seedFits.get(m.name()).get(i);
                    List<String> e = new ArrayList<>();
                    for (OptimalLrResult one : so.perSeed()) {
                        e.add(one.isOk() ? fmt(one.etaStar()) : "-");
                    }
                    perSeed = "  " + String.join(" ", e)
                            + (Double.isNaN(so.sdLn()) ? "" : String.format(Locale.ROOT, " (%.3f)", so.sdLn()));
                }
                b.append(String.format(
                        Locale.ROOT,
                        "%-14s %6d %10s %23s %9s  %-22s%s%n",
                        m.title(),
                        plan.scales().get(i),
                        r.isOk() || unresolved ? fmt(r.etaStar()) : "-",
                        interval,
                        r.isOk() ? String.format(Locale.ROOT, "%.4f", r.lossMin()) : "-",
                        fit,
                        perSeed));
            }
        }
        for (DemoPlan.Method m : plan.methods()) {
            List<OptimalLrResult> f = fits.get(m.name());
            for (int i = 0; i < plan.scales().size(); i++) {
                OptimalLrResult r = f.get(i);
                if (r.isOk() && !r.message().isEmpty()) {
                    b.append(String.format(
                            Locale.ROOT,
                            "  %s %s %d: %s%n",
                            m.title(),
                            plan.axis().label(),
                            plan.scales().get(i),
                            r.message()));
                }
            }
        }
        return b.toString();
    }

    private void writeCurves(Path file) throws IOException {
        StringBuilder b = new StringBuilder(
                "method,width,depth,top_k,lr,step,train_loss,validation_loss,attention_z,output_rms,outlier_pct,router_z\n");
        for (Run r : runs) {
            for (TrainRunResult.Eval e : r.result().evals()) {
                b.append(String.format(
                        Locale.ROOT,
                        "%s,%d,%d,%d,%s,%d,%s,%s,%s,%s,%s,%s%n",
                        r.cell().method().name(),
                        r.result().width(),
                        r.result().depth(),
                        r.cell().moe() == null ? 0 : r.cell().moe().router().topK(),
                        SweepPoint.format(r.cell().learningRate()),
                        e.step(),
                        SweepPoint.format(e.trainLoss()),
                        SweepPoint.format(e.validationLoss()),
                        SweepPoint.format(e.indicators().attentionZ()),
                        SweepPoint.format(e.indicators().outputRms()),
                        SweepPoint.format(e.indicators().outlierPercent()),
                        SweepPoint.format(e.indicators().routerZ())));
            }
        }
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    }

    private Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("study", "learning-rate transfer across " + plan.axis().label());
        s.put("axis", plan.axis().label());
        s.put("scales", plan.scales());
        s.put("seed", seed);
        s.put("seeds", plan.seeds());
        s.put("answer", answer());
        s.put("steps_per_run", plan.run().steps());
        s.put("batch", plan.base().batch());
        s.put("context", plan.base().context());
        s.put("tokens_per_run", plan.tokensPerRun());
        s.put("runs", runs.size());
        s.put("diverged_runs", runs.stream().filter(r -> r.result().diverged()).count());
        s.put("wall_seconds", Math.round(wallSeconds * 10) / 10.0);
        Map<String, Object> methods = new LinkedHashMap<>();
        for (DemoPlan.Method m : plan.methods()) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("title", m.title());
            mm.put("learning_rates", m.learningRates());
            List<Object> optima = new ArrayList<>();
            List<OptimalLrResult> f = fits.get(m.name());
            for (int i = 0; i < plan.scales().size(); i++) {
                OptimalLrResult r = f.get(i);
                Map<String, Object> one = new LinkedHashMap<>();
                one.put(plan.axis().label(), plan.scales().get(i));
                one.put("status", r.status().name());
                if (r.isOk()) {
                    one.put("eta_star", r.etaStar());
                    one.put("interval_low", r.interval().low());
                    one.put("interval_high", r.interval().high());
                    one.put("loss_min", r.lossMin());
                } else {
                    one.put("message", r.message());
                }
                optima.add(one);
            }
            mm.put("optima", optima);
            StudyReport study = studies.get(m.name());
            mm.put("verdict", study.verdict().name());
            mm.put("transfer", study.toMap());
            methods.put(m.name(), mm);
        }
        s.put("methods", methods);
        return s;
    }

    private void lrPlot(Path file) throws IOException {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Run r : runs) {
            double l = r.result().finalValidationLoss();
            if (Double.isFinite(l)) {
                lo = Math.min(lo, l);
                hi = Math.max(hi, l);
            }
        }
        boolean any = lo <= hi;
        double yMin = any ? lo - 0.05 * Math.max(hi - lo, 0.1) : 0;
        double yMax = any ? Math.min(hi, lo + 1.5) + 0.05 * Math.max(hi - lo, 0.1) : 1;
        List<XYChart> charts = new ArrayList<>();
        for (DemoPlan.Method m : plan.methods()) {
            XYChart c = chart(
                    m.title() + ": validation loss vs learning rate",
                    plan.axis() == Axis.DEPTH ? "base learning rate (peak = base x sqrt(L0/L))" : "peak learning rate",
                    "validation loss (nats/byte)");
            c.getStyler().setXAxisLogarithmic(true);
            c.getStyler().setYAxisMin(yMin);
            c.getStyler().setYAxisMax(yMax);
            List<OptimalLrResult> f = fits.get(m.name());
            for (int i = 0; i < plan.scales().size(); i++) {
                int s = plan.scales().get(i);
                Color color = COLORS[i % COLORS.length];
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (Run r : runs(m, s)) {
                    double l = r.result().finalValidationLoss();
                    if (Double.isFinite(l) && l <= yMax) {
                        xs.add(r.cell().learningRate());
                        ys.add(l);
                    }
                }
                if (xs.isEmpty()) {
                    continue;
                }
                OptimalLrResult fit = f.get(i);
                XYSeries pts = c.addSeries(
                        plan.axis().label() + " " + s
                                + (fit.isOk()
                                        ? String.format(Locale.ROOT, "  (eta* %.3g)", fit.etaStar())
                                        : "  (no fit)"),
                        xs,
                        ys);
                pts.setLineColor(color);
                pts.setMarkerColor(color);
                pts.setMarker(SeriesMarkers.CIRCLE);
                pts.setLineStyle(SeriesLines.NONE);
                if (fit.isOk()) {
                    List<Double> fx = new ArrayList<>();
                    List<Double> fy = new ArrayList<>();
                    for (int k = 0; k <= 60; k++) {
                        double eta = Math.exp(Math.log(fit.lrMin()) + k / 60.0 * Math.log(fit.lrMax() / fit.lrMin()));
                        fx.add(eta);
                        fy.add(Math.min(fit.basin().loss(eta), yMax));
                    }
                    XYSeries curve = c.addSeries("fit " + s, fx, fy);
                    curve.setLineColor(color);
                    curve.setMarker(SeriesMarkers.NONE);
                    curve.setShowInLegend(false);
                }
            }
            charts.add(c);
        }
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private void trainingPlot(Path file) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        for (DemoPlan.Method m : plan.methods()) {
            XYChart c = chart(
                    m.title() + ": validation loss over training (best lr)", "step", "validation loss (nats/byte)");
            for (int i = 0; i < plan.scales().size(); i++) {
                int s = plan.scales().get(i);
                Run best = best(runs(m, s));
                if (best != null) {
                    curve(
                            c,
                            best,
                            TrainRunResult.Eval::validationLoss,
                            String.format(
                                    Locale.ROOT,
                                    "%s %d, lr %.3g",
                                    plan.axis().label(),
                                    s,
                                    best.cell().learningRate()),
                            COLORS[i % COLORS.length],
                            SeriesLines.SOLID);
                }
            }
            charts.add(c);
        }
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * The stability indicators of SPEC 6 over training at each scale's best learning rate: one panel per
     * indicator, HyperP solid and the baseline dashed.
     */
    private void stabilityPlot(Path file) throws IOException {
        List<String> titles = new ArrayList<>(List.of("attention Z", "output RMS", "outliers (%)"));
        List<ToDoubleFunction<TrainRunResult.Eval>> values = new ArrayList<>(List.of(
                e -> e.indicators().attentionZ(),
                e -> e.indicators().outputRms(),
                e -> e.indicators().outlierPercent()));
        if (runs.stream().anyMatch(r -> r.cell().moe() != null)) {
            titles.add("router Z");
            values.add(e -> e.indicators().routerZ());
        }
        List<XYChart> charts = new ArrayList<>();
        for (int k = 0; k < titles.size(); k++) {
            XYChart c = chart(titles.get(k) + " over training (best lr)", "step", titles.get(k));
            c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
            c.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
            for (int mi = 0; mi < plan.methods().size(); mi++) {
                DemoPlan.Method m = plan.methods().get(mi);
                for (int i = 0; i < plan.scales().size(); i++) {
                    int s = plan.scales().get(i);
                    Run best = best(runs(m, s));
                    if (best != null) {
                        curve(
                                c,
                                best,
                                values.get(k),
                                m.name() + " " + s,
                                COLORS[i % COLORS.length],
                                mi == 0 ? SeriesLines.SOLID : SeriesLines.DASH_DASH);
                    }
                }
            }
            charts.add(c);
        }
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** The run with the lowest final validation loss, or null if every run diverged. */
    private static Run best(List<Run> rs) {
        Run best = null;
        for (Run r : rs) {
            double l = r.result().finalValidationLoss();
            if (Double.isFinite(l) && (best == null || l < best.result().finalValidationLoss())) {
                best = r;
            }
        }
        return best;
    }

    /** Adds the finite values of {@code value} over {@code run}'s evaluations to {@code c} as one series. */
    private static void curve(
            XYChart c,
            Run run,
            ToDoubleFunction<TrainRunResult.Eval> value,
            String name,
            Color color,
            BasicStroke line) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (TrainRunResult.Eval e : run.result().evals()) {
            double y = value.applyAsDouble(e);
            if (Double.isFinite(y)) {
                xs.add((double) e.step());
                ys.add(y);
            }
        }
        if (!xs.isEmpty()) {
            XYSeries ser = c.addSeries(name, xs, ys);
            ser.setLineColor(color);
            ser.setMarkerColor(color);
            ser.setLineStyle(line);
        }
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder()
                .width(620)
                .height(440)
                .title(title)
                .xAxisTitle(x)
                .yAxisTitle(y)
                .build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        c.getStyler().setMarkerSize(6);
        return c;
    }

    private void html(Path file, String table, String verdicts, String answer) throws IOException {
        String h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>HyperP learning-rate transfer</title>"
                + "<style>body{font-family:sans-serif;max-width:1280px;margin:2em auto;padding:0 1em}"
                + "img{max-width:100%}pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style></head><body>\n"
                + "<h1>Learning-rate transfer across " + plan.axis().label() + "</h1>\n"
                + "<p><strong>" + escape(answer) + "</strong></p>\n"
                + "<p>" + escape(plan.describe()) + "; seed " + seed
                + String.format(Locale.ROOT, "; wall time %.0f s.", wallSeconds)
                + " Each run trains a byte-level transformer with "
                + "a linear decay to 0.1 of its peak learning rate and is scored by its loss on fixed held-out "
                + "batches. If a method transfers, the minima of its curves line up as the model grows.</p>\n"
                + "<img src=\"lr_sweep.png\" alt=\"validation loss against learning rate\">\n"
                + "<h2>Optimal learning rates</h2>\n<pre>" + escape(table.strip()) + "</pre>\n"
                + "<h2>Transfer</h2>\n<pre>" + escape(verdicts.strip()) + "</pre>\n"
                + "<h2>Training</h2>\n<img src=\"training.png\" alt=\"validation loss over training\">\n"
                + "<h2>Stability indicators</h2>\n<p>SPEC section 6, on a held-out batch at each evaluation of each "
                + "scale's best run (HyperP solid, the baseline dashed): HyperP claims they stay bounded as the "
                + "model grows.</p>\n<img src=\"stability.png\" alt=\"stability indicators over training\">\n"
                + "<p>Data: <a href=\"runs.csv\">runs.csv</a>, <a href=\"curves.csv\">curves.csv</a>, "
                + "<a href=\"summary.json\">summary.json</a>.</p>\n</body></html>\n";
        Files.writeString(file, h, StandardCharsets.UTF_8);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
