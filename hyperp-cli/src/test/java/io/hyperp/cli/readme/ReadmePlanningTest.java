package io.hyperp.cli.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyperp.cli.CliRunner;
import io.hyperp.cli.HyperpCli;
import io.hyperp.core.testing.ReadmeSnippets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles and runs the README's planning snippet on the checked-in demo run, and checks that it prints the
 * numbers the command line prints for the same data: {@code hyperp optimum}, {@code fit-law}, {@code plan} and
 * {@code transfer}.
 */
class ReadmePlanningTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    /** The snippet prints with {@code %.4g}; so is the command line's number formatted here. */
    private static String g4(JsonNode n) {
        return String.format(Locale.ROOT, "%.4g", n.asDouble());
    }

    private static JsonNode cli(String... args) throws IOException {
        return cli(0, args);
    }

    private static JsonNode cli(int status, String... args) throws IOException {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(status, r.status(), r.err());
        return MAPPER.readTree(r.out());
    }

    @Test
    void planningSnippet_printsTheNumbersOfTheCommandLine() throws Exception {
        Path runs = dir.resolve("runs.csv");
        try (InputStream in = CliRunner.class.getResourceAsStream("demo-width-runs.csv")) {
            Files.copy(in, runs);
        }
        Path build = Files.createDirectories(dir.resolve("classes"));
        String printed = ReadmeSnippets.compileAndRun(
                Path.of("..", "README.md"),
                "planning",
                "PlanFromJava",
                build,
                ReadmePlanningTest.class,
                runs.toString());

        // eta* per width: hyperp optimum (status 1: a sweep of the muon baseline is refused; hyperp's are not)
        JsonNode optima = cli(
                HyperpCli.EXIT_REFUSED, "optimum", "--csv", runs.toString(), "--group-by", "method,width", "--json");
        StringBuilder etaCsv = new StringBuilder("width,eta\n");
        int hyperp = 0;
        for (JsonNode o : optima) {
            if (!o.get("group").get("method").asText().equals("hyperp")) {
                continue;
            }
            hyperp++;
            assertEquals("ok", o.get("status").asText(), o.toString());
            String width = o.get("group").get("width").asText();
            String line = "width " + width + ": eta* " + g4(o.get("eta_star")) + " [" + g4(o.get("ci_low")) + ", "
                    + g4(o.get("ci_high")) + "]";
            assertTrue(printed.contains(line), "expected '" + line + "' in:\n" + printed);
            etaCsv.append(width)
                    .append(',')
                    .append(o.get("eta_star").asDouble())
                    .append('\n');
        }
        assertEquals(3, hyperp, "the demo run has three widths");

        // the law: hyperp fit-law on the optima
        Path etas = Files.writeString(dir.resolve("optima.csv"), etaCsv.toString());
        JsonNode law = cli("fit-law", "--csv", etas.toString(), "--y", "eta", "--x", "width", "--json");
        String lawLine = "law: eta* = " + g4(law.get("coefficient")) + " width^"
                + g4(law.get("exponents").get("width")) + ", exponent in ["
                + g4(law.get("ci").get("width").get(0)) + ", "
                + g4(law.get("ci").get("width").get(1)) + "]";
        assertTrue(printed.contains(lawLine), "expected '" + lawLine + "' in:\n" + printed);

        // the target: hyperp plan by the rule and by the fitted law
        for (String rule : List.of("hyperp", "fit")) {
            JsonNode plan = cli(
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
                    rule,
                    "--json");
            JsonNode p = plan.get("prediction");
            String line = "width 512 by " + p.get("method").asText() + ": eta " + g4(p.get("eta")) + " ["
                    + g4(p.get("ci_low")) + ", " + g4(p.get("ci_high")) + "]";
            assertTrue(printed.contains(line), "expected '" + line + "' in:\n" + printed);
        }

        // the explained transfer: hyperp transfer
        JsonNode t = cli(
                "transfer",
                "--base-lr",
                "0.02",
                "--base-width",
                "128",
                "--target-width",
                "1024",
                "--base-depth",
                "2",
                "--target-depth",
                "8",
                "--base-tokens",
                "184320",
                "--target-tokens",
                "2e9",
                "--json");
        assertTrue(printed.contains("eta " + g4(t.get("eta")) + System.lineSeparator()), printed);
        List<String> factors = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^(\\S+)\\s+x (\\S+)  ").matcher(printed);
        while (m.find()) {
            factors.add(m.group(1) + "=" + m.group(2));
        }
        for (JsonNode a : t.get("axes")) {
            String expected = a.get("axis").asText() + "=" + g4(a.get("factor"));
            assertTrue(factors.contains(expected), expected + " not in " + factors);
        }
        // HyperP moves depth by sqrt(2/8) and keeps width: the numbers the README's text promises.
        assertTrue(factors.contains("width=1.000") && factors.contains("depth=0.5000"), factors.toString());
    }
}
