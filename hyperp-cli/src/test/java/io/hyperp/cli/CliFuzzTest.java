package io.hyperp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of the {@code hyperp} command line as a whole: argument parsing and every input file
 * the commands read ({@code optimum}, {@code fit-law}, {@code leverage}, {@code plan} read CSV; {@code transfer}
 * and {@code plan} read a law's JSON).
 *
 * <p>An input's first line is the command line in UTF-8, arguments separated by tabs, where {@value #FILE}
 * stands for the path of a file holding the rest of the input's bytes. So a seed is a command line over
 * a real input file of the test suite, and the fuzzer mutates both.
 *
 * <p>The contract of the CLI for any input: exit 0 with output (JSON that parses, for {@code --json}); exit 1,
 * a fit refused, with the report and its refusal on standard output and at most one line on standard error;
 * or exit 2, bad input, with exactly one line on standard error. Never an internal error, never a stack
 * trace. To keep each run to milliseconds the harness caps {@code --resamples} at
 * {@value #MAX_RESAMPLES} (more only takes longer) and skips {@code demo} and {@code sweep}, which train
 * models ({@code PlanFilesFuzzTest} fuzzes the sweep plan reader).
 */
class CliFuzzTest {
    static final String FILE = "%FILE%";
    static final int MAX_RESAMPLES = 40;
    private static final Set<String> TRAINS = Set.of("demo", "sweep");
    private static final Set<String> BOOTSTRAPPED = Set.of("optimum", "fit-law", "leverage", "plan");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern INTERNAL = Pattern.compile("hyperp( [a-z-]+)?: internal error: ");

    @FuzzTest(maxDuration = "10m")
    void cli(byte[] data) throws IOException {
        int nl = 0;
        while (nl < data.length && data[nl] != '\n') {
            nl++;
        }
        String line = new String(data, 0, nl, StandardCharsets.UTF_8);
        byte[] content = nl < data.length ? Arrays.copyOfRange(data, nl + 1, data.length) : new byte[0];
        Path file = Files.createTempFile("hyperp-fuzz-", ".txt");
        try {
            Files.write(file, content);
            List<String> args = new ArrayList<>();
            for (String a : line.split("\t", -1)) {
                args.add(a.replace(FILE, file.toString()));
            }
            if (TRAINS.contains(args.get(0)) || args.stream().anyMatch(a -> a.startsWith("@"))) {
                return; // demo and sweep train models (PlanFilesFuzzTest fuzzes sweep plans); @file reads any file
            }
            capResamples(args);
            check(args, CliRunner.run(args.toArray(String[]::new)));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void capResamples(List<String> args) {
        boolean given = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--resamples") && i + 1 < args.size()) {
                args.set(i + 1, capped(args.get(i + 1)));
                given = true;
            } else if (a.startsWith("--resamples=")) {
                args.set(i, "--resamples=" + capped(a.substring("--resamples=".length())));
                given = true;
            }
        }
        if (!given && BOOTSTRAPPED.contains(args.get(0))) {
            args.add("--resamples=" + MAX_RESAMPLES);
        }
    }

    private static String capped(String value) {
        try {
            return Integer.parseInt(value.trim()) > MAX_RESAMPLES ? Integer.toString(MAX_RESAMPLES) : value;
        } catch (NumberFormatException e) {
            return value;
        }
    }

    private static void assertJson(List<String> args, CliRunner.Result r, String what) {
        // help and version requests (also clustered, as in -hx) print text, not JSON
        boolean help = r.out().startsWith("Usage: ") || r.out().startsWith("hyperp ");
        if (args.contains("--json") && !help) {
            try {
                MAPPER.readTree(r.out());
            } catch (IOException e) {
                throw new UncheckedIOException("--json printed no JSON: " + what + "\n" + r.out(), e);
            }
        }
    }

    private static void check(List<String> args, CliRunner.Result r) {
        String what = args + " -> " + r.status() + "\n" + r.err();
        // Messages echo arguments and cells, which may hold anything; so a stack trace is a line that starts
        // with a tab and "at", and an internal error a line that starts as the error handler writes one.
        assertFalse(
                Arrays.stream(r.errLines())
                        .anyMatch(l ->
                                l.startsWith("\tat ") || INTERNAL.matcher(l).lookingAt()),
                what);
        switch (r.status()) {
            case 0 -> assertJson(args, r, what);
            case HyperpCli.EXIT_REFUSED -> {
                // a refused fit: the report, with the refusal in it, on standard output; at most one line on
                // standard error
                assertTrue(r.errLines().length <= 1, "at most one line on stderr: " + what);
                assertFalse(r.out().isBlank(), "a refusal is reported: " + what);
                assertJson(args, r, what);
            }
            case HyperpCli.EXIT_BAD_INPUT -> {
                assertEquals(1, r.errLines().length, "one line on stderr: " + what);
                assertTrue(r.err().strip().length() > 0, what);
            }
            default -> fail("exit status " + r.status() + ": " + what + Arrays.toString(r.errLines()));
        }
    }
}
