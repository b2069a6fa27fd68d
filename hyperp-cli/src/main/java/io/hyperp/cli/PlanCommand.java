package io.hyperp.cli;

import io.hyperp.core.shape.ModelShape;
import io.hyperp.scaling.fit.OptimalLr;
import io.hyperp.scaling.fit.OptimalLrOptions;
import io.hyperp.scaling.fit.OptimalLrResult;
import io.hyperp.scaling.fit.OptimalLrStatus;
import io.hyperp.scaling.io.CsvTable;
import io.hyperp.scaling.io.Json;
import io.hyperp.scaling.io.LawJson;
import io.hyperp.scaling.sweep.Sweep;
import io.hyperp.scaling.sweep.SweepCsv;
import io.hyperp.scaling.sweep.SweepGroup;
import io.hyperp.scaling.sweep.SweepPoint;
import io.hyperp.scaling.transfer.Axis;
import io.hyperp.scaling.transfer.CompleteMuE;
import io.hyperp.scaling.transfer.ExplainedTransfer;
import io.hyperp.scaling.transfer.FittedLaw;
import io.hyperp.scaling.transfer.LrPlanner;
import io.hyperp.scaling.transfer.PlannedLr;
import io.hyperp.scaling.transfer.PlanningRule;
import io.hyperp.scaling.transfer.Scale;
import io.hyperp.scaling.transfer.StepLaw;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyperp plan}: from learning-rate sweeps at one or more base scales to the learning rate at a target, in
 * one command.
 *
 * <p>Steps: (1) read the sweep CSV files, keep the rows matching every {@code --where}, and split them into one
 * sweep per base scale by the {@code --scale-by} axis columns; (2) fit eta* of each sweep with
 * {@link OptimalLr} (bootstrap interval; the same defaults as {@code hyperp optimum} and the demo); (3) combine
 * the base optima into a prediction at the target with {@link LrPlanner}: by a chosen rule ({@code --rule hyperp},
 * ..., each base transferred and the results averaged in ln eta), or by a law fitted to the bases ({@code --rule
 * fit}: a power law in the {@code --scale-by} axes, or {@code --fit constant}), with an interval propagated from
 * the bases' bootstrap intervals; (4) report the target's token budget, batch and, from hyperp-core's
 * {@link ModelShape} (see {@link Shapes}), its parameter count, FLOPs per token and training compute.
 *
 * <p>A target axis outside {@code --scale-by} takes its base value from a CSV column of that name that is constant
 * over the selected runs (for example {@code depth}); with no such column the plan refuses (a target without a
 * base). The held-out check of {@code hyperp optimum --across} is the same computation: {@code --rule hyperp} (or
 * {@code --rule fit --fit constant}) from the smaller scales predicts what {@code optimum --across AXIS} reports
 * as {@code eta_predicted} for the largest one, and {@code --rule fit} what {@code optimum --across AXIS --law
 * power} reports.
 *
 * <p>JSON output: {@code {"selection", "scale_by", "bases": [{"scale": {...}, "eta_star", "ci_low", "ci_high",
 * ...}], "target": {...}, "prediction": {"method", "eta", "ci_low", "ci_high", "level", "weights", "factors"},
 * "transfer" (the explained transfer from the single base, or null), "budget": {"tokens", "tokens_source",
 * "batch", "batch_source", "step_law_batch", "params", "active_params", "flops_per_token", "compute"}, "notes"}}.
 * A refused base sweep prints the table and exits with status 1.
 *
 * <p>Not thread-safe (picocli fills the fields).
 *
 * <p>References: SPEC sections 4, 7 and 8; Zhou et al., arXiv 2601.05049; Kalra and Barkeshli, arXiv 2605.21486.
 */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = "From sweep CSVs at one or more base scales to a target: eta* per base with intervals, the"
                + " transfer rule (chosen or fitted), eta at the target with an interval, and the target's token"
                + " budget, batch and compute.")
final class PlanCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(
            names = "--csv",
            required = true,
            paramLabel = "FILE",
            description = "Sweep CSV (repeatable): one row per run with learning-rate and loss columns; other columns"
                    + " are labels.")
    List<Path> csv;

    @Option(
            names = "--where",
            paramLabel = "COL=V[,V...]",
            description = "Keep only rows whose column COL has one of the values (repeatable), e.g. method=hyperp.")
    List<String> where = new ArrayList<>();

    @Option(
            names = "--scale-by",
            required = true,
            split = ",",
            paramLabel = "AXIS",
            description = "Axis columns whose values define the base scales (width, depth, tokens, batch, params,"
                    + " experts, top_k).")
    List<String> scaleBy;

    @Option(names = "--lr-col", defaultValue = SweepCsv.LR, paramLabel = "COL", description = "Learning-rate column.")
    String lrColumn;

    @Option(
            names = "--loss-col",
            defaultValue = SweepCsv.LOSS,
            paramLabel = "COL",
            description = "Loss column; empty, NaN or inf marks a diverged run.")
    String lossColumn;

    @Option(
            names = "--max-excess",
            defaultValue = "0.2",
            paramLabel = "F",
            description = "Exclude runs whose loss exceeds the best by more than this fraction (default"
                    + " ${DEFAULT-VALUE}).")
    double maxExcess;

    @Option(names = "--target-width", paramLabel = "W", description = "Target width.")
    Double targetWidth;

    @Option(names = "--target-depth", paramLabel = "L", description = "Target depth.")
    Double targetDepth;

    @Option(names = "--target-tokens", paramLabel = "T", description = "Target training tokens.")
    Double targetTokens;

    @Option(names = "--target-batch", paramLabel = "B", description = "Target batch in tokens per step.")
    Double targetBatch;

    @Option(names = "--target-experts", paramLabel = "E", description = "Target number of experts.")
    Double targetExperts;

    @Option(names = "--target-top-k", paramLabel = "K", description = "Target routed experts per token.")
    Double targetTopK;

    @Option(names = "--target-params", paramLabel = "N", description = "Target parameter count.")
    Double targetParams;

    @Option(names = "--target-model", paramLabel = "PRESET", description = "Target model preset, reference:L.")
    String targetModel;

    @Option(
            names = "--rule",
            defaultValue = "fit",
            paramLabel = "RULE",
            description = "fit (a law fitted to the bases, see --fit) or a transfer rule: hyperp, muon, mup, step-law,"
                    + " fitting-paradigm, complete-mue, fitted (default ${DEFAULT-VALUE}).")
    String rule;

    @Option(
            names = "--fit",
            defaultValue = "power",
            paramLabel = "LAW",
            description = "With --rule fit: power (eta* = c prod x^e in the --scale-by axes that vary) or constant"
                    + " (default ${DEFAULT-VALUE}).")
    String fit;

    @Option(names = "--law", paramLabel = "FILE", description = "For --rule fitted: JSON from hyperp fit-law --json.")
    Path law;

    @Option(
            names = "--expert-width",
            defaultValue = "granular",
            paramLabel = "W",
            description = "For complete-mue: granular (4d/k) or full (4d); default ${DEFAULT-VALUE}.")
    String expertWidth;

    @Option(
            names = "--tokens-per-param",
            paramLabel = "R",
            description = "Token budget of the target as R times its parameter count (when --target-tokens is not"
                    + " given).")
    Double tokensPerParam;

    @Option(
            names = "--vocab",
            defaultValue = "32000",
            paramLabel = "V",
            description = "Vocabulary of the target shape (default ${DEFAULT-VALUE}).")
    int vocab;

    @Option(
            names = "--context",
            defaultValue = "4096",
            paramLabel = "C",
            description = "Context of the target shape (default ${DEFAULT-VALUE}).")
    int context;

    @Mixin
    BootstrapFlags bootstrap = new BootstrapFlags();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        OptimalLrOptions options = new OptimalLrOptions(
                bootstrap.toOptions(), positive("--max-excess", maxExcess), Double.POSITIVE_INFINITY, 3);
        List<Axis> axes = new ArrayList<>();
        for (String s : scaleBy) {
            Axis a = Axis.fromLabel(s);
            if (axes.contains(a)) {
                throw new IllegalArgumentException("--scale-by names " + a.label() + " twice");
            }
            axes.add(a);
        }
        if (vocab < 1 || context < 1) {
            throw new IllegalArgumentException(
                    "--vocab (" + vocab + ") and --context (" + context + ") must be positive");
        }
        boolean fitMode = rule.trim().equalsIgnoreCase("fit");
        boolean constant = switch (fit.toLowerCase(Locale.ROOT)) {
            case "power" -> false;
            case "constant" -> true;
            default -> throw new IllegalArgumentException("unknown --fit '" + fit + "' (known: power, constant)");
        };
        PlanningRule planningRule = null;
        if (!fitMode) {
            CompleteMuE mue = switch (expertWidth.toLowerCase(Locale.ROOT)) {
                case "granular" -> CompleteMuE.reference();
                case "full" -> new CompleteMuE(CompleteMuE.ExpertWidth.FULL);
                default ->
                    throw new IllegalArgumentException(
                            "unknown --expert-width '" + expertWidth + "' (known: granular, full)");
            };
            FittedLaw fitted = law == null ? null : LawJson.read(law);
            try {
                planningRule = PlanningRule.named(rule, fitted, mue);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().replace("(known: ", "(known: fit, "));
            }
        }
        Map<String, Set<String>> filters = filters();
        List<SweepPoint> points = new ArrayList<>();
        for (Path file : csv) {
            CsvTable table = CsvTable.read(file);
            for (String col : filters.keySet()) {
                requireColumn(table, col, "--where");
            }
            for (Axis a : axes) {
                requireColumn(table, a.label(), "--scale-by");
            }
            for (SweepPoint p : SweepCsv.read(table, lrColumn, lossColumn).points()) {
                boolean keep = true;
                for (Map.Entry<String, Set<String>> f : filters.entrySet()) {
                    keep &= f.getValue().contains(p.labels().get(f.getKey()).trim());
                }
                if (keep) {
                    points.add(p);
                }
            }
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException(
                    "no runs match " + (where.isEmpty() ? "(no --where)" : String.join(" ", where)));
        }
        List<String> labels = new ArrayList<>();
        axes.forEach(a -> labels.add(a.label()));
        List<SweepGroup> groups = Sweep.of(points).groupBy(labels);
        List<Scale> bases = new ArrayList<>();
        List<OptimalLrResult> optima = new ArrayList<>();
        for (SweepGroup g : groups) {
            checkOneSweep(g);
            Scale s = Scale.fromLabels(g.key());
            OptimalLrResult r = OptimalLr.fit(g.points(), options);
            if (r.status() == OptimalLrStatus.TOO_FEW_POINTS) {
                throw new IllegalArgumentException("base " + Labels.text(g.key()) + ": " + r.message());
            }
            bases.add(s);
            optima.add(r);
        }
        List<String> notes = new ArrayList<>();
        Scale target = target(axes, points, bases, notes);
        PrintWriter out = spec.commandLine().getOut();
        List<Integer> refused = new ArrayList<>();
        for (int i = 0; i < optima.size(); i++) {
            if (!optima.get(i).isOk()) {
                refused.add(i);
            }
        }
        if (!refused.isEmpty()) {
            if (output.json) {
                out.println(Json.write(Map.of("bases", baseRows(bases, optima))));
            } else {
                baseTable(out, axes, bases, optima);
            }
            out.flush();
            OptimalLrResult r = optima.get(refused.get(0));
            PrintWriter err = spec.commandLine().getErr();
            err.println("hyperp plan: base " + describe(bases.get(refused.get(0))) + " refused: " + r.message()
                    + (refused.size() > 1 ? " (" + refused.size() + " bases refused)" : ""));
            err.flush();
            return HyperpCli.EXIT_REFUSED;
        }
        double level = options.bootstrap().level();
        PlannedLr plan;
        if (fitMode) {
            List<Axis> varying = new ArrayList<>();
            if (!constant) {
                for (Axis a : axes) {
                    if (bases.stream().mapToDouble(s -> s.get(a)).distinct().count() > 1) {
                        varying.add(a);
                    }
                }
                if (varying.isEmpty() || bases.size() < varying.size() + 1) {
                    throw new IllegalArgumentException(String.format(
                            Locale.ROOT,
                            "%d base scale%s cannot fit a power law in %s; add base scales, use --fit constant or"
                                    + " choose a rule (--rule hyperp, ...)",
                            bases.size(),
                            bases.size() == 1 ? "" : "s",
                            String.join(", ", labels)));
                }
            }
            plan = LrPlanner.byLaw(varying, bases, optima, target, level);
        } else {
            plan = LrPlanner.byRule(planningRule, bases, optima, target, level);
        }
        ExplainedTransfer single = planningRule != null && bases.size() == 1
                ? planningRule.transfer(optima.get(0).etaStar(), bases.get(0), target)
                : null;
        Map<String, Object> budget = budget(target, points, notes);
        if (output.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("selection", where);
            m.put("scale_by", labels);
            m.put("bases", baseRows(bases, optima));
            m.put("target", scaleMap(target));
            m.put("prediction", plan.toMap());
            m.put("transfer", single == null ? null : single.toMap());
            m.put("budget", budget);
            m.put("notes", notes);
            out.println(Json.write(m));
        } else {
            baseTable(out, axes, bases, optima);
            out.println("target: " + describe(target));
            if (single != null) {
                for (var f : single.factors()) {
                    if (f.factor() != 1 || !Double.isNaN(f.base())) {
                        out.println("  " + f.axis().label() + " factor " + TextTable.num(f.factor()) + ": " + f.why());
                    }
                }
            } else if (planningRule != null) {
                for (int i = 0; i < bases.size(); i++) {
                    out.println("  from " + describe(bases.get(i)) + ": eta* "
                            + TextTable.num(optima.get(i).etaStar()) + " x "
                            + TextTable.num(plan.factors().get(i)) + " (rule " + planningRule.name() + ")");
                }
            } else {
                out.println("  weights in ln eta: " + weights(plan));
            }
            out.println("eta " + TextTable.num(plan.eta(), 4) + "  ["
                    + TextTable.num(plan.interval().low(), 4) + ", "
                    + TextTable.num(plan.interval().high(), 4) + "] " + TextTable.num(100 * level, 3) + "% ("
                    + plan.method() + "; interval propagated from the bases' bootstrap intervals)");
            out.println("budget: tokens " + TextTable.num((Double) budget.get("tokens")) + " ("
                    + budget.get("tokens_source") + "), batch " + TextTable.num((Double) budget.get("batch")) + " ("
                    + budget.get("batch_source") + "), params " + TextTable.num((Double) budget.get("params"))
                    + " (active " + TextTable.num((Double) budget.get("active_params")) + "), FLOPs/token "
                    + TextTable.num((Double) budget.get("flops_per_token")) + ", compute "
                    + TextTable.num((Double) budget.get("compute")) + " FLOPs");
            for (String n : notes) {
                out.println("note: " + n);
            }
        }
        out.flush();
        return 0;
    }

    private static String weights(PlannedLr plan) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < plan.bases().size(); i++) {
            b.append(i == 0 ? "" : ", ")
                    .append(describe(plan.bases().get(i)))
                    .append(": ")
                    .append(TextTable.num(plan.weights().get(i)));
        }
        return b.toString();
    }

    private Map<String, Set<String>> filters() {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        for (String w : where) {
            int eq = w.indexOf('=');
            if (eq <= 0 || eq == w.length() - 1) {
                throw new IllegalArgumentException("--where '" + w + "' must look like COL=VALUE[,VALUE...]");
            }
            Set<String> values = new LinkedHashSet<>();
            for (String v : w.substring(eq + 1).split(",")) {
                values.add(v.trim());
            }
            String col = w.substring(0, eq).trim();
            if (m.containsKey(col)) {
                m.get(col).retainAll(values);
            } else {
                m.put(col, values);
            }
        }
        return m;
    }

    private static void requireColumn(CsvTable table, String col, String flag) {
        if (!table.has(col)) {
            throw new IllegalArgumentException(table.source() + ": no column '" + col + "' for " + flag + " (columns: "
                    + String.join(", ", table.columns()) + ")");
        }
    }

    /**
     * Refuses a base that mixes sweeps: a text label (not a number, not true/false) with two values, such as two
     * methods.
     */
    private static void checkOneSweep(SweepGroup g) {
        Map<String, String> first = g.points().get(0).labels();
        for (SweepPoint p : g.points()) {
            for (Map.Entry<String, String> e : p.labels().entrySet()) {
                String v0 = first.get(e.getKey());
                String v = e.getValue().trim();
                if (v0 != null && !v0.trim().equals(v) && isText(v) && isText(v0.trim())) {
                    throw new IllegalArgumentException("base " + Labels.text(g.key()) + " mixes " + e.getKey() + " '"
                            + v0.trim() + "' and '" + v + "'; keep one with --where " + e.getKey() + "=" + v0.trim()
                            + " or add the column to --scale-by");
                }
            }
        }
    }

    private static boolean isText(String v) {
        if (v.isEmpty() || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return false;
        }
        try {
            Double.parseDouble(v);
            return false;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Builds the target scale: every --scale-by axis, plus other given axes with a base value from the CSV. */
    private Scale target(List<Axis> axes, List<SweepPoint> points, List<Scale> bases, List<String> notes) {
        Map<Axis, Double> t = new EnumMap<>(Axis.class);
        if (targetModel != null) {
            t.putAll(Shapes.preset("--target-model", targetModel).values());
        }
        put(t, Axis.WIDTH, "--target-width", targetWidth);
        put(t, Axis.DEPTH, "--target-depth", targetDepth);
        put(t, Axis.TOKENS, "--target-tokens", targetTokens);
        put(t, Axis.BATCH, "--target-batch", targetBatch);
        put(t, Axis.EXPERTS, "--target-experts", targetExperts);
        put(t, Axis.TOP_K, "--target-top-k", targetTopK);
        put(t, Axis.PARAMS, "--target-params", targetParams);
        for (Axis a : axes) {
            if (!t.containsKey(a)) {
                throw new IllegalArgumentException("the bases differ in " + a.label() + " (--scale-by) but the target"
                        + " has none; give --target-" + flag(a));
            }
        }
        Scale target = new Scale(t);
        for (Axis a : Axis.values()) {
            if (!t.containsKey(a) || axes.contains(a)) {
                continue;
            }
            Optional<Double> base = constantColumn(points, a.label());
            if (base.isEmpty()) {
                throw new IllegalArgumentException("target " + a.label() + " (" + TextTable.num(t.get(a))
                        + ") has no base: the runs have no constant '" + a.label() + "' column; add one to the CSV or"
                        + " put " + a.label() + " in --scale-by");
            }
            for (int i = 0; i < bases.size(); i++) {
                bases.set(i, bases.get(i).with(a, base.get()));
            }
            notes.add("base " + a.label() + " " + TextTable.num(base.get()) + " from the CSV (the same in every run)");
        }
        return target;
    }

    private static String flag(Axis a) {
        return a.label().replace('_', '-');
    }

    private static Optional<Double> constantColumn(List<SweepPoint> points, String col) {
        Double value = null;
        for (SweepPoint p : points) {
            String v = p.labels().get(col);
            if (v == null) {
                return Optional.empty();
            }
            double d;
            try {
                d = Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (!(d > 0 && Double.isFinite(d)) || (value != null && value != d)) {
                return Optional.empty();
            }
            value = d;
        }
        return Optional.ofNullable(value);
    }

    /** The target's token budget, batch and compute. */
    private Map<String, Object> budget(Scale target, List<SweepPoint> points, List<String> notes) {
        Map<String, Object> b = new LinkedHashMap<>();
        Scale shaped = target;
        String depthSource = "";
        if (!shaped.has(Axis.DEPTH)) {
            Optional<Double> depth = constantColumn(points, Axis.DEPTH.label());
            if (depth.isPresent()) {
                shaped = shaped.with(Axis.DEPTH, depth.get());
                depthSource = " (depth " + TextTable.num(depth.get()) + " from the CSV, the same in every run)";
            }
        }
        Optional<ModelShape> shape = Shapes.of(shaped, vocab, context);
        double params = target.has(Axis.PARAMS)
                ? target.get(Axis.PARAMS)
                : shape.map(s -> (double) s.totalParams()).orElse(Double.NaN);
        double active = shape.map(s -> (double) s.activeParams()).orElse(Double.NaN);
        double tokens = Double.NaN;
        String tokensSource = "unknown: give --target-tokens or --tokens-per-param";
        if (target.has(Axis.TOKENS)) {
            tokens = target.get(Axis.TOKENS);
            tokensSource = "given";
        } else if (tokensPerParam != null) {
            positive("--tokens-per-param", tokensPerParam);
            if (Double.isNaN(params)) {
                throw new IllegalArgumentException(
                        "--tokens-per-param needs the target's parameter count: give --target-depth (and width) or"
                                + " --target-params");
            }
            tokens = tokensPerParam * params;
            tokensSource = TextTable.num(tokensPerParam) + " tokens per parameter";
            notes.add("the token budget is reported, not transferred: the prediction holds tokens at the bases'"
                    + " value (give --target-tokens with a tokens column in the CSV to move it)");
        }
        double batch = Double.NaN;
        String batchSource = "unknown: give --target-batch";
        if (target.has(Axis.BATCH)) {
            batch = target.get(Axis.BATCH);
            batchSource = "given";
        } else {
            Optional<Double> base = constantColumn(points, Axis.BATCH.label());
            if (base.isPresent()) {
                batch = base.get();
                batchSource = "the bases' batch";
            }
        }
        b.put("tokens", tokens);
        b.put("tokens_source", tokensSource);
        b.put("batch", batch);
        b.put("batch_source", batchSource);
        b.put("step_law_batch", Double.isNaN(tokens) ? Double.NaN : StepLaw.batchTokens(tokens));
        b.put("params", params);
        b.put("active_params", active);
        double flops = shape.map(ModelShape::flopsPerToken).orElse(Double.NaN);
        b.put("flops_per_token", flops);
        b.put("compute", flops * tokens);
        if (shape.isPresent()) {
            ModelShape s = shape.get();
            String text = String.format(
                    Locale.ROOT,
                    "depth %d, width %d, %d heads of %d, FFN %d, vocab %d, context %d%s",
                    s.depth(),
                    s.width(),
                    s.heads(),
                    s.headDim(),
                    s.ffnWidth(),
                    s.vocab(),
                    s.context(),
                    s.moe()
                            .map(m -> ", " + m.routedExperts() + " experts top-" + m.topK())
                            .orElse(""));
            b.put("shape", text);
            notes.add("target shape" + depthSource + ": " + text);
        } else {
            b.put("shape", null);
            notes.add("no compute: the target has no depth (give --target-depth or a constant depth column)");
        }
        return b;
    }

    private static List<Object> baseRows(List<Scale> bases, List<OptimalLrResult> optima) {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < bases.size(); i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scale", scaleMap(bases.get(i)));
            m.putAll(optima.get(i).toMap());
            rows.add(m);
        }
        return rows;
    }

    private static void baseTable(PrintWriter out, List<Axis> axes, List<Scale> bases, List<OptimalLrResult> optima) {
        List<String> header = new ArrayList<>();
        axes.forEach(a -> header.add(a.label()));
        header.addAll(List.of("eta_star", "ci_low", "ci_high", "loss_min", "points", "status"));
        TextTable t = TextTable.of(header);
        for (int i = 0; i < bases.size(); i++) {
            OptimalLrResult r = optima.get(i);
            List<String> row = new ArrayList<>();
            for (Axis a : axes) {
                row.add(TextTable.num(bases.get(i).get(a)));
            }
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
    }

    private static Map<String, Object> scaleMap(Scale s) {
        Map<String, Object> m = new LinkedHashMap<>();
        s.values().forEach((a, v) -> m.put(a.label(), v));
        return m;
    }

    private static String describe(Scale s) {
        StringBuilder b = new StringBuilder();
        s.values()
                .forEach((a, v) -> b.append(b.length() == 0 ? "" : ", ")
                        .append(a.label())
                        .append(' ')
                        .append(TextTable.num(v)));
        return b.length() == 0 ? "(no axes)" : b.toString();
    }

    private static void put(Map<Axis, Double> m, Axis axis, String flag, Double v) {
        if (v != null) {
            m.put(axis, positive(flag, v));
        }
    }

    private static double positive(String flag, double v) {
        if (!(v > 0 && Double.isFinite(v))) {
            throw new IllegalArgumentException(flag + " (" + v + ") must be positive");
        }
        return v;
    }
}
