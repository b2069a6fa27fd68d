package io.hyperp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyperp.core.shape.ModelShape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hyperp transfer} along every axis and rule, and {@code hyperp plan}.
 *
 * <p>The demo fixture ({@code demo-width-runs.csv} and {@code demo-width-summary.json}) is the output of one
 * default {@code hyperp demo} run (widths 64, 96, 128; five learning rates per width for HyperP and the Muon
 * baseline; 180 steps; seed 1), checked in unchanged so the test needs no training. In it every HyperP sweep
 * places its optimum, and the baseline's width-64 sweep is unresolved (its interval is wider than the
 * swept range), which {@code plan} must refuse as the demo did.
 */
class PlanningCommandsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private Path runs;
    private JsonNode summary;

    @BeforeEach
    void fixture() throws IOException {
        runs = dir.resolve("runs.csv");
        try (InputStream in = getClass().getResourceAsStream("demo-width-runs.csv")) {
            Files.copy(in, runs);
        }
        try (InputStream in = getClass().getResourceAsStream("demo-width-summary.json")) {
            summary = MAPPER.readTree(in);
        }
    }

    private static JsonNode json(CliRunner.Result r) throws IOException {
        return json(r, 0);
    }

    private static JsonNode json(CliRunner.Result r, int status) throws IOException {
        assertEquals(status, r.status(), r.err());
        return MAPPER.readTree(r.out());
    }

    private static CliRunner.Result run(String... args) {
        return CliRunner.run(args);
    }

    /** Bad input: status 2, exactly one line on stderr containing {@code fragment}, no stack trace, no stdout. */
    private static void assertBadInput(CliRunner.Result r, String fragment) {
        assertEquals(HyperpCli.EXIT_BAD_INPUT, r.status(), r.err() + r.out());
        assertEquals(1, r.errLines().length, "one line on stderr, was:\n" + r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        assertEquals("", r.out());
    }

    private static String[] args(String... a) {
        return a;
    }

    private static String[] concat(String[] a, String... b) {
        List<String> l = new ArrayList<>(Arrays.asList(a));
        l.addAll(Arrays.asList(b));
        return l.toArray(new String[0]);
    }

    @Nested
    class Transfer {
        @Test
        void compare_referenceDepths_everyRuleSideBySide() throws IOException {
            JsonNode n = json(run(
                    "transfer",
                    "--base-lr",
                    "0.014",
                    "--base-model",
                    "reference:8",
                    "--target-model",
                    "reference:24",
                    "--compare",
                    "--json"));
            JsonNode rules = n.get("rules");
            assertEquals(6, rules.size(), "every rule but fitted, which needs --law");
            // hyperp: SPEC 4 worked example, 0.00317 (three digits there: half a unit in the last)
            assertEquals("hyperp", rules.get(0).get("rule").asText());
            assertEquals(0.00317, rules.get(0).get("eta").asDouble(), 0.000005);
            // muon: 0.014 * sqrt(8/24) = 0.014 * 0.57735027 = 0.0080829038, no token factor
            assertEquals(0.0080829038, rules.get(1).get("eta").asDouble(), 0.5e-10);
            // mup and complete-mue do not move depth: refused with the sentence
            assertTrue(rules.get(2).get("eta").isNull());
            assertTrue(rules.get(2).get("refusal").asText().startsWith("rule mup does not cover depth (8 -> 24)"));
            assertTrue(rules.get(5).get("refusal").asText().startsWith("rule complete-mue does not cover depth"));
            // step-law: non-embedding N from ModelShape, 16 d^2 + 1024 d per layer at d = 128 L:
            // N0 = 8 (16 * 1024^2 + 1024 * 1024) = 142,606,336; N = 24 (16 * 3072^2 + 1024 * 3072) = 3,699,376,128
            // T = 10.4e9 * Ntotal(24) / Ntotal(8) (reference family); eta = 0.014 (N/N0)^-0.713 (T/T0)^0.307
            assertEquals(142_606_336L, ModelShape.reference(8).nonEmbeddingParams());
            assertEquals(3_699_376_128L, ModelShape.reference(24).nonEmbeddingParams());
            double t = 10.4e9
                    * ModelShape.reference(24).totalParams()
                    / (double) ModelShape.reference(8).totalParams();
            double step = 0.014 * Math.pow(3_699_376_128.0 / 142_606_336.0, -0.713) * Math.pow(t / 10.4e9, 0.307);
            assertEquals(step, rules.get(3).get("eta").asDouble(), 1e-15, "same powers, a few ulps");
            // fitting-paradigm: all parameters, N^-0.2219 D^-0.3509
            double n0 = ModelShape.reference(8).totalParams();
            double n1 = ModelShape.reference(24).totalParams();
            double fp = 0.014 * Math.pow(n1 / n0, -0.2219) * Math.pow(t / 10.4e9, -0.3509);
            assertEquals(fp, rules.get(4).get("eta").asDouble(), 1e-15, "same powers, a few ulps");
        }

        @Test
        void moeTarget_table_hyperpHoldsCompleteMueScalesWidth() {
            CliRunner.Result r = run(
                    "transfer",
                    "--base-lr",
                    "0.01",
                    "--base-width",
                    "256",
                    "--target-width",
                    "1024",
                    "--base-experts",
                    "1",
                    "--target-experts",
                    "64",
                    "--base-top-k",
                    "1",
                    "--target-top-k",
                    "8",
                    "--compare");
            assertEquals(0, r.status(), r.err());
            // hyperp: width and granularity are 1 by construction; complete-mue: 0.01 * 256/1024 = 0.0025
            assertTrue(r.out().lines().anyMatch(l -> l.matches("hyperp\\s+0\\.01\\s+1\\s+.*")), r.out());
            assertTrue(r.out().lines().anyMatch(l -> l.matches("complete-mue\\s+0\\.0025\\s+0\\.25\\s+.*")), r.out());
            assertTrue(r.out().contains("does not apply: rule muon does not cover experts (1 -> 64)"), r.out());
        }

        @Test
        void hyperpWidth_table_saysOneByConstruction() {
            CliRunner.Result r = run("transfer", "--base-lr", "0.02", "--base-width", "64", "--target-width", "4096");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("1 by construction: the sphere step is relative"), r.out());
            assertTrue(r.out().contains("eta 0.02 "), r.out());
        }

        @Test
        void mupWidth_json_factorAndEmbeddingNote() throws IOException {
            JsonNode n = json(run(
                    "transfer",
                    "--base-lr",
                    "0.008",
                    "--base-width",
                    "256",
                    "--target-width",
                    "2048",
                    "--rule",
                    "mup",
                    "--json"));
            // 0.008 * 256 / 2048 = 0.001
            assertEquals(0.001, n.get("eta").asDouble(), 1e-18);
            assertEquals(0.125, n.get("factors").get("width").asDouble(), 0.0);
            assertTrue(n.get("notes").get(0).asText().startsWith("embedding and gain rate: 0.008"));
        }

        @Test
        void fittedLaw_fromFitLawJson_endToEnd() throws IOException {
            // eta* = 38.4588 N^-0.2219 D^-0.3509 at six (N, D), fitted by fit-law, read back by transfer
            StringBuilder csv = new StringBuilder("params,tokens,eta\n");
            double[][] nd = {{1e8, 1e10}, {1e8, 1e11}, {1e9, 1e10}, {1e9, 1e11}, {1e10, 1e12}, {3e9, 3e11}};
            for (double[] p : nd) {
                csv.append(String.format(
                        Locale.ROOT,
                        "%s,%s,%s%n",
                        p[0],
                        p[1],
                        38.4588 * Math.pow(p[0], -0.2219) * Math.pow(p[1], -0.3509)));
            }
            Path data = Files.writeString(dir.resolve("optima.csv"), csv.toString());
            CliRunner.Result fit = run(
                    "fit-law",
                    "--csv",
                    data.toString(),
                    "--y",
                    "eta",
                    "--x",
                    "params,tokens",
                    "--resamples",
                    "50",
                    "--json");
            assertEquals(0, fit.status(), fit.err());
            Path law = Files.writeString(dir.resolve("law.json"), fit.out());
            JsonNode n = json(run(
                    "transfer",
                    "--base-lr",
                    "0.001",
                    "--rule",
                    "fitted",
                    "--law",
                    law.toString(),
                    "--base-params",
                    "1e8",
                    "--target-params",
                    "1e9",
                    "--base-tokens",
                    "1e10",
                    "--target-tokens",
                    "1e11",
                    "--json"));
            // 0.001 * 10^-0.2219 * 10^-0.3509 = 0.001 * 10^-0.5728 = 2.67424e-4; the exact law is recovered to
            // the rounding of its least squares, well inside half a unit of the sixth digit
            assertEquals(2.67424e-4, n.get("eta").asDouble(), 0.000005e-4);
        }

        @Test
        void badInput_oneLine() throws IOException {
            String[] base = args("transfer", "--base-lr", "0.01");
            assertBadInput(
                    run(concat(base, "--base-depth", "8", "--target-depth", "16", "--rule", "adam")),
                    "unknown rule 'adam' (known: hyperp, muon, mup, step-law, fitting-paradigm, complete-mue, fitted)");
            assertBadInput(
                    run(concat(
                            base,
                            "--base-width",
                            "64",
                            "--target-width",
                            "128",
                            "--base-depth",
                            "2",
                            "--target-depth",
                            "4",
                            "--rule",
                            "mup")),
                    "hyperp transfer: rule mup does not cover depth (2 -> 4): muP (Tensor Programs V) transfers"
                            + " across width only");
            assertBadInput(
                    run(concat(base, "--target-width", "1024")),
                    "width is given for the target only (1024); give the base width too");
            assertBadInput(
                    run(concat(base, "--base-experts", "8", "--target-experts", "64", "--rule", "muon")),
                    "rule muon does not cover experts (8 -> 64)");
            assertBadInput(
                    run(concat(base, "--base-width", "64", "--target-width", "128", "--rule", "fitted")),
                    "rule 'fitted' needs a law");
            Path array = Files.writeString(dir.resolve("optima.json"), "[{\"eta_star\": 0.01}]");
            assertBadInput(
                    run(concat(base, "--rule", "fitted", "--law", array.toString())),
                    "expected a JSON object as written by hyperp fit-law --json, found an array");
            Path offset = Files.writeString(
                    dir.resolve("offset.json"),
                    "{\"coefficient\": 1.5, \"exponents\": {\"tokens\": -0.3}, \"offset\": 0.002, \"r2\": 0.9}");
            assertBadInput(
                    run(concat(base, "--rule", "fitted", "--law", offset.toString())),
                    "the law has an offset (0.002), so it is not a power law");
            assertBadInput(
                    run(concat(
                            base,
                            "--rule",
                            "fitted",
                            "--law",
                            dir.resolve("none.json").toString())),
                    "none.json: no such file");
            assertBadInput(
                    run(concat(base, "--base-model", "gpt2", "--target-model", "reference:8")),
                    "--base-model 'gpt2' is not a model preset (known: reference:L, e.g. reference:8)");
            assertBadInput(
                    run(concat(base, "--base-width", "64", "--target-width", "128", "--expert-width", "huge")),
                    "unknown --expert-width 'huge' (known: granular, full)");
        }
    }

    @Nested
    class Plan {
        @Test
        void demoRuns_reproducesTheDemosOptimaPerWidth() throws IOException {
            String[] plan = args(
                    "plan",
                    "--csv",
                    runs.toString(),
                    "--where",
                    "method=hyperp",
                    "--scale-by",
                    "width",
                    "--target-width",
                    "256",
                    "--rule",
                    "hyperp",
                    "--json");
            JsonNode n = json(run(plan));
            JsonNode demo = summary.get("methods").get("hyperp").get("optima");
            assertEquals(3, n.get("bases").size());
            for (int i = 0; i < 3; i++) {
                JsonNode b = n.get("bases").get(i);
                JsonNode d = demo.get(i);
                assertEquals("OK", d.get("status").asText());
                assertEquals(
                        d.get("width").asDouble(), b.get("scale").get("width").asDouble(), 0.0);
                // the same points, options and seeded bootstrap as the demo: identical numbers
                assertEquals(d.get("eta_star").asDouble(), b.get("eta_star").asDouble(), 0.0);
                assertEquals(d.get("interval_low").asDouble(), b.get("ci_low").asDouble(), 0.0);
                assertEquals(d.get("interval_high").asDouble(), b.get("ci_high").asDouble(), 0.0);
            }
            // the baseline's width-64 sweep was unresolved in the demo: plan refuses it with the demo's reason
            JsonNode muon64 = summary.get("methods").get("muon").get("optima").get(0);
            assertEquals(64, muon64.get("width").asInt());
            assertEquals("UNRESOLVED", muon64.get("status").asText());
            CliRunner.Result refused = run(concat(
                    args("plan", "--csv", runs.toString(), "--where", "method=muon", "--scale-by", "width"),
                    "--target-width",
                    "256",
                    "--rule",
                    "hyperp"));
            assertEquals(HyperpCli.EXIT_REFUSED, refused.status(), refused.err());
            assertEquals(1, refused.errLines().length, refused.err());
            assertTrue(
                    refused.err()
                            .contains("base width 64 refused: "
                                    + muon64.get("message").asText()),
                    refused.err());
            assertTrue(refused.out().contains("refused"), refused.out());
        }

        @Test
        void demoRuns_largestWidthFromTheSmaller_matchesOptimumAcross() throws IOException {
            // the baseline's width-64 group is refused, which makes optimum's exit status 1 (its JSON is complete)
            JsonNode across = json(
                    run(
                            "optimum",
                            "--csv",
                            runs.toString(),
                            "--group-by",
                            "method,width",
                            "--across",
                            "width",
                            "--json"),
                    HyperpCli.EXIT_REFUSED);
            JsonNode acrossPower = json(
                    run(
                            "optimum",
                            "--csv",
                            runs.toString(),
                            "--group-by",
                            "method,width",
                            "--across",
                            "width",
                            "--law",
                            "power",
                            "--json"),
                    HyperpCli.EXIT_REFUSED);
            for (int m = 0; m < 2; m++) {
                String method =
                        across.get("studies").get(m).get("group").get("method").asText();
                double reported = across.get("studies")
                        .get(m)
                        .get("quality")
                        .get("extrapolation")
                        .get("eta_predicted")
                        .asDouble();
                // the demo's own report says the same
                assertEquals(
                        summary.get("methods")
                                .get(method)
                                .get("transfer")
                                .get("quality")
                                .get("extrapolation")
                                .get("eta_predicted")
                                .asDouble(),
                        reported,
                        0.0);
                if (!"hyperp".equals(method)) {
                    // the baseline's width-64 base is unresolved: plan refuses it (see the test above)
                    continue;
                }
                double reportedPower = acrossPower
                        .get("studies")
                        .get(m)
                        .get("quality")
                        .get("extrapolation")
                        .get("eta_predicted")
                        .asDouble();
                String[] plan = args(
                        "plan",
                        "--csv",
                        runs.toString(),
                        "--where",
                        "method=" + method,
                        "--where",
                        "width=64,96",
                        "--scale-by",
                        "width",
                        "--target-width",
                        "128",
                        "--json");
                JsonNode hyperp = json(run(concat(plan, "--rule", "hyperp")));
                JsonNode constant = json(run(concat(plan, "--rule", "fit", "--fit", "constant")));
                JsonNode power = json(run(concat(plan, "--rule", "fit")));
                // HyperP's width factor is 1: the plan is the constant law optimum --across extrapolates with
                assertEquals(reported, hyperp.get("prediction").get("eta").asDouble(), 0.0, method);
                assertEquals(reported, constant.get("prediction").get("eta").asDouble(), 0.0, method);
                assertEquals(reportedPower, power.get("prediction").get("eta").asDouble(), 0.0, method);
                // the interval: each base's bootstrap interval as a split normal in ln eta, weights 1/2 each
                JsonNode b = hyperp.get("bases");
                double z = new NormalDistribution().inverseCumulativeProbability(0.975);
                double down = 0;
                double up = 0;
                for (int i = 0; i < 2; i++) {
                    double e = b.get(i).get("eta_star").asDouble();
                    double lo = Math.log(e / b.get(i).get("ci_low").asDouble()) / z;
                    double hi = Math.log(b.get(i).get("ci_high").asDouble() / e) / z;
                    down += 0.25 * lo * lo;
                    up += 0.25 * hi * hi;
                }
                double eta = hyperp.get("prediction").get("eta").asDouble();
                // exp and log of the same numbers in another order: a few ulps
                assertEquals(
                        eta * Math.exp(-z * Math.sqrt(down)),
                        hyperp.get("prediction").get("ci_low").asDouble(),
                        1e-12 * eta);
                assertEquals(
                        eta * Math.exp(z * Math.sqrt(up)),
                        hyperp.get("prediction").get("ci_high").asDouble(),
                        1e-12 * eta);
            }
        }

        @Test
        void demoRuns_table_budgetAndCompute() {
            CliRunner.Result r = run(
                    "plan",
                    "--csv",
                    runs.toString(),
                    "--where",
                    "method=hyperp",
                    "--scale-by",
                    "width",
                    "--target-width",
                    "512",
                    "--rule",
                    "hyperp",
                    "--tokens-per-param",
                    "20",
                    "--vocab",
                    "256",
                    "--context",
                    "64");
            assertEquals(0, r.status(), r.err());
            // depth 2 from the CSV; width 512: 8 heads of 128, FFN 2048, vocab 256:
            // N = 2 (3*512*2048 + 2*512*1024 + 2*512*512) + 2*256*512
            //   = 2 (3,145,728 + 1,048,576 + 524,288) + 262,144 = 2 * 4,718,592 + 262,144 = 9,699,328
            // T = 20 N = 193,986,560 tokens
            assertEquals(
                    9_699_328L,
                    new ModelShape(2, 512, 8, 128, 4, 2048, 256, 64, false, java.util.Optional.empty()).totalParams());
            assertTrue(r.out().contains("tokens 1.94e8 (20 tokens per parameter)"), r.out());
            assertTrue(r.out().contains("params 9699328"), r.out());
            assertTrue(
                    r.out()
                            .contains(
                                    "note: target shape (depth 2 from the CSV, the same in every run): depth 2, width 512, 8 heads of"
                                            + " 128, FFN 2048, vocab 256, context 64"),
                    r.out());
        }

        @Test
        void badInput_oneLine() throws IOException {
            String[] base = args("plan", "--csv", runs.toString(), "--scale-by", "width");
            assertBadInput(
                    run(concat(base, "--where", "method=hyperp", "--target-width", "256", "--rule", "adamw")),
                    "unknown rule 'adamw' (known: fit, hyperp, muon, mup, step-law");
            assertBadInput(
                    run(concat(base, "--where", "method=hyperp", "--target-depth", "4", "--rule", "hyperp")),
                    "the bases differ in width (--scale-by) but the target has none; give --target-width");
            assertBadInput(
                    run(concat(
                            base,
                            "--where",
                            "method=hyperp",
                            "--target-width",
                            "256",
                            "--target-tokens",
                            "1e9",
                            "--rule",
                            "hyperp")),
                    "target tokens (1e9) has no base: the runs have no constant 'tokens' column");
            assertBadInput(
                    run(concat(base, "--target-width", "256", "--rule", "hyperp")),
                    "base width=64 mixes method 'hyperp' and 'muon'; keep one with --where method=hyperp");
            assertBadInput(
                    run(concat(
                            base,
                            "--where",
                            "method=hyperp",
                            "--target-width",
                            "256",
                            "--target-depth",
                            "4",
                            "--rule",
                            "mup")),
                    "rule mup does not cover depth (2 -> 4)");
            Path array = Files.writeString(dir.resolve("o.json"), "[1, 2]");
            assertBadInput(
                    run(concat(
                            base,
                            "--where",
                            "method=hyperp",
                            "--target-width",
                            "256",
                            "--rule",
                            "fitted",
                            "--law",
                            array.toString())),
                    "found an array");
            assertBadInput(
                    run(concat(base, "--where", "method=adam", "--target-width", "256")), "no runs match method=adam");
            assertBadInput(
                    run("plan", "--csv", runs.toString(), "--scale-by", "heads", "--target-width", "256"),
                    "unknown axis 'heads'");
            assertBadInput(
                    run(concat(base, "--where", "method=hyperp", "--where", "width=64", "--target-width", "256")),
                    "1 base scale cannot fit a power law in width; add base scales, use --fit constant or choose a rule");
        }
    }
}
