package io.hyperp.cli;

import io.hyperp.scaling.fit.BootstrapOptions;
import io.hyperp.scaling.fit.Leverage;
import io.hyperp.scaling.fit.LossVsCompute;
import io.hyperp.scaling.io.CsvTable;
import io.hyperp.scaling.io.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyperp leverage}: fits \( L(C) = A C^{-b} + E \) per method ({@link LossVsCompute}) and reports the
 * compute leverage of each method over each other one ({@link Leverage}), at {@code --at} or, by default, at the
 * largest compute measured for the method compared against.
 *
 * <p>JSON output: {@code {"fits": {METHOD: {"a", "b", "e", "r2", "ci", "points", "solution"}}, "leverage":
 * [{"method", "over", "at_compute", "leverage", "compute_equivalent", "ci_low", "ci_high"}]}}.
 *
 * <p>Not thread-safe (picocli fills the fields).
 *
 * <p>References: SPEC section 7; Ren et al., arXiv 2603.28743 (1.58 at 6e21 FLOPs).
 */
@Command(
        name = "leverage",
        mixinStandardHelpOptions = true,
        description =
                "Compute leverage of each method over the others, from loss-vs-compute points labelled by" + " method.")
final class LeverageCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(
            names = "--csv",
            required = true,
            paramLabel = "FILE",
            description = "CSV with method, compute and loss columns.")
    Path csv;

    @Option(
            names = "--method-col",
            defaultValue = "method",
            paramLabel = "COL",
            description = "Method column (default ${DEFAULT-VALUE}).")
    String methodColumn;

    @Option(
            names = "--compute-col",
            defaultValue = "compute",
            paramLabel = "COL",
            description = "Compute column in FLOPs (default ${DEFAULT-VALUE}).")
    String computeColumn;

    @Option(
            names = "--loss-col",
            defaultValue = "loss",
            paramLabel = "COL",
            description = "Loss column (default ${DEFAULT-VALUE}).")
    String lossColumn;

    @Option(
            names = "--at",
            paramLabel = "C",
            description = "Compute at which to compare (default: the largest compute of the method compared against).")
    Double at;

    @Mixin
    BootstrapFlags bootstrap = new BootstrapFlags();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        BootstrapOptions options = bootstrap.toOptions();
        if (at != null && !(at > 0 && Double.isFinite(at))) {
            throw new IllegalArgumentException("--at (" + at + ") must be positive");
        }
        CsvTable table = CsvTable.read(csv);
        List<String> methods = table.strings(methodColumn);
        double[] compute = table.positive(computeColumn);
        double[] loss = table.finite(lossColumn);
        Map<String, List<Integer>> rows = new LinkedHashMap<>();
        for (int i = 0; i < methods.size(); i++) {
            if (methods.get(i).isEmpty()) {
                throw new IllegalArgumentException(
                        csv + " row " + (i + 1) + ", column '" + methodColumn + "': empty method name");
            }
            rows.computeIfAbsent(methods.get(i), k -> new ArrayList<>()).add(i);
        }
        if (rows.size() < 2) {
            throw new IllegalArgumentException(
                    "leverage needs at least two methods in column '" + methodColumn + "', found " + rows.size()
                            + (rows.isEmpty() ? "" : " (" + String.join(", ", rows.keySet()) + ")"));
        }
        Map<String, double[][]> data = new LinkedHashMap<>();
        Map<String, LossVsCompute> fits = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : rows.entrySet()) {
            double[] c = new double[e.getValue().size()];
            double[] l = new double[c.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = compute[e.getValue().get(i)];
                l[i] = loss[e.getValue().get(i)];
            }
            data.put(e.getKey(), new double[][] {c, l});
            try {
                fits.put(e.getKey(), LossVsCompute.fit(c, l, options));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("method '" + e.getKey() + "': " + ex.getMessage(), ex);
            }
        }
        List<Leverage> leverages = new ArrayList<>();
        for (String x : rows.keySet()) {
            for (String y : rows.keySet()) {
                if (!x.equals(y)) {
                    double[][] dx = data.get(x);
                    double[][] dy = data.get(y);
                    double cy = at != null
                            ? at
                            : java.util.Arrays.stream(dy[0]).max().orElseThrow();
                    leverages.add(Leverage.estimate(x, dx[0], dx[1], y, dy[0], dy[1], cy, options));
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            Map<String, Object> f = new LinkedHashMap<>();
            fits.forEach((k, v) -> f.put(k, v.toMap()));
            m.put("fits", f);
            List<Object> lv = new ArrayList<>();
            for (Leverage l : leverages) {
                lv.add(l.toMap());
            }
            m.put("leverage", lv);
            out.println(Json.write(m));
        } else {
            out.println("loss = A * C^-b + E");
            TextTable t = TextTable.of("method", "A", "b", "E", "r2", "points", "solution");
            fits.forEach((k, v) -> t.row(
                    k,
                    TextTable.num(v.a()),
                    TextTable.num(v.b()),
                    TextTable.num(v.e()),
                    TextTable.num(v.r2()),
                    Integer.toString(v.points()),
                    v.solution()));
            t.print(out);
            out.println();
            TextTable lt = TextTable.of("method", "over", "at_compute", "leverage", "ci_low", "ci_high");
            for (Leverage l : leverages) {
                lt.row(
                        l.method(),
                        l.over(),
                        TextTable.num(l.atCompute()),
                        TextTable.num(l.leverage()),
                        TextTable.num(l.interval().low()),
                        TextTable.num(l.interval().high()));
            }
            lt.print(out);
            out.println("leverage = C_over / C_method needed to reach the same loss; "
                    + TextTable.num(100 * options.level(), 3) + "% bootstrap intervals (" + options.resamples()
                    + " resamples, seed " + options.seed() + ")");
        }
        out.flush();
        return 0;
    }
}
