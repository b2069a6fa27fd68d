package io.hyperp.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyperp.cli.CliRunner;
import io.hyperp.demo.train.DemoPlan;
import io.hyperp.scaling.sweep.Sweep;
import io.hyperp.scaling.sweep.SweepCsv;
import io.hyperp.scaling.sweep.SweepPoint;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the demo end to end on its tiny configuration (two widths, three learning rates per method, six
 * steps per run) and checks that every output exists and agrees with the others.
 */
class DemoCommandTest {

    @TempDir
    Path dir;

    private static CliRunner.Result run(String... args) {
        return CliRunner.run(args);
    }

    @Test
    void tinyDemo_writesConsistentOutputs() throws Exception {
        Path out = dir.resolve("demo");
        CliRunner.Result o = run("demo", "--tiny", "--threads", "2", "--out", out.toString());
        assertEquals(0, o.status(), o.err());

        DemoPlan plan = DemoPlan.tiny(6, 1);
        List<DemoPlan.Cell> cells = plan.cells();
        assertEquals(12, cells.size());

        // runs.csv: one row per planned run, each (method, width, lr) exactly once, all steps run or diverged
        Sweep sweep = SweepCsv.read(out.resolve("runs.csv"));
        assertEquals(cells.size(), sweep.points().size());
        Set<String> seen = new HashSet<>();
        for (SweepPoint p : sweep.points()) {
            String key =
                    p.label("method") + "/" + p.label(SweepPoint.WIDTH) + "/" + SweepPoint.format(p.learningRate());
            assertTrue(seen.add(key), "run listed twice: " + key);
            boolean diverged = Boolean.parseBoolean(p.label("diverged"));
            assertEquals(diverged, Double.isNaN(p.loss()), key);
            if (!diverged) {
                assertEquals(6, (int) p.numeric("steps_run"), key);
                assertTrue(p.loss() > 0 && p.loss() < 2 * Math.log(256), key + " loss " + p.loss());
            }
        }
        for (DemoPlan.Cell c : cells) {
            String key = c.method().name() + "/" + c.scale() + "/" + SweepPoint.format(c.learningRate());
            assertTrue(seen.contains(key), "planned run missing from runs.csv: " + key);
        }

        // curves.csv: every run's evaluations (every 3 steps: 2 per run), the last equal to runs.csv's loss
        List<String> curves = Files.readAllLines(out.resolve("curves.csv"), StandardCharsets.UTF_8);
        assertEquals(
                "method,width,depth,top_k,lr,step,train_loss,validation_loss,attention_z,output_rms,outlier_pct,"
                        + "router_z",
                curves.get(0));
        assertEquals(1 + 2 * cells.size(), curves.size());
        for (SweepPoint p : sweep.points()) {
            String prefix = String.format(
                    Locale.ROOT,
                    "%s,%s,2,0,%s,6,",
                    p.label("method"),
                    p.label(SweepPoint.WIDTH),
                    SweepPoint.format(p.learningRate()));
            String line = curves.stream()
                    .filter(l -> l.startsWith(prefix))
                    .findFirst()
                    .orElseThrow();
            String[] cols = line.split(",");
            assertEquals(p.loss(), Double.parseDouble(cols[7]), 1e-12, line);
            if (!Double.isNaN(p.loss())) {
                assertTrue(Double.parseDouble(cols[8]) > 0 && Double.parseDouble(cols[9]) > 0, line);
                double outliers = Double.parseDouble(cols[10]);
                assertTrue(outliers >= 0 && outliers <= 100, line);
                assertTrue(Double.isNaN(Double.parseDouble(cols[11])), "dense runs have no router Z: " + line);
            }
        }

        // summary.json: parseable, one entry per method with an optimum record per scale
        JsonNode summary =
                new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("width", summary.get("axis").asText());
        assertEquals(cells.size(), summary.get("runs").asInt());
        for (DemoPlan.Method m : plan.methods()) {
            JsonNode method = summary.get("methods").get(m.name());
            assertNotNull(method, m.name());
            assertEquals(plan.scales().size(), method.get("optima").size());
            assertFalse(method.get("verdict").asText().isEmpty());
            for (JsonNode opt : method.get("optima")) {
                String status = opt.get("status").asText();
                assertTrue(status.equals("OK") ? opt.has("eta_star") : opt.has("message"), opt.toString());
            }
        }

        // plots: readable PNGs with two panels side by side; the HTML shows them
        for (String png : List.of("lr_sweep.png", "training.png", "stability.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(img, png + " is not a readable image");
            assertTrue(img.getWidth() > img.getHeight(), png + " should hold two panels side by side");
        }
        String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
        for (String png : List.of("lr_sweep.png", "training.png", "stability.png")) {
            assertTrue(html.contains("src=\"" + png + "\""), png + " missing from the report");
        }

        // the printed table names every method and scale
        for (DemoPlan.Method m : plan.methods()) {
            for (int s : plan.scales()) {
                assertTrue(
                        o.out().lines().anyMatch(l -> l.startsWith(m.title()) && l.contains(" " + s + " ")),
                        "no table row for " + m.title() + " at width " + s + ":\n" + o.out());
            }
        }
    }

    @Test
    void tinyDemoWithSeeds_runsEachCellPerSeedAndReportsTheSeedsAndTheAnswerFirst() throws Exception {
        Path out = dir.resolve("seeds");
        CliRunner.Result o =
                run("demo", "--tiny", "--seeds", "2", "--seed", "5", "--threads", "2", "--out", out.toString());
        assertEquals(0, o.status(), o.err());
        Sweep sweep = SweepCsv.read(out.resolve("runs.csv"));
        assertEquals(24, sweep.points().size());
        Set<String> seen = new HashSet<>();
        for (SweepPoint p : sweep.points()) {
            String key = p.label("method") + "/" + p.label(SweepPoint.WIDTH) + "/" + SweepPoint.format(p.learningRate())
                    + "/" + p.label(SweepPoint.SEED);
            assertTrue(seen.add(key), "run listed twice: " + key);
        }
        Set<String> seedValues = new HashSet<>();
        sweep.points().forEach(p -> seedValues.add(p.label(SweepPoint.SEED)));
        assertEquals(Set.of("5", "6"), seedValues);
        JsonNode summary =
                new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(2, summary.get("seeds").asInt());
        JsonNode scale0 = summary.get("methods")
                .get("hyperp")
                .get("transfer")
                .get("scales")
                .get(0);
        assertEquals(2, scale0.get("seed_eta_star").size());
        assertTrue(o.out().contains("eta* per seed (sd of ln)"), o.out());
        String answer = summary.get("answer").asText();
        assertTrue(answer.startsWith("Across widths 16 to 32 (6 steps, 2 seeds): HyperP "), answer);
        assertTrue(o.out().contains(answer), o.out());
        // The report opens with the answer, above the first plot.
        String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
        int a = html.indexOf("<strong>Across widths 16 to 32");
        assertTrue(a > 0 && a < html.indexOf("<img"), html);
    }

    @Test
    void tinyMoeDemo_sweepsTopKForBothGates() throws Exception {
        Path out = dir.resolve("moe");
        CliRunner.Result o = run("demo", "--moe", "--tiny", "--threads", "2", "--out", out.toString());
        assertEquals(0, o.status(), o.err());
        Sweep sweep = SweepCsv.read(out.resolve("runs.csv"));
        assertEquals(12, sweep.points().size());
        Set<String> cells = new HashSet<>();
        for (SweepPoint p : sweep.points()) {
            cells.add(p.label("method") + "/" + p.label(SweepPoint.TOP_K));
        }
        assertEquals(Set.of("sqrtgate/1", "sqrtgate/2", "plain/1", "plain/2"), cells);
        List<String> curves = Files.readAllLines(out.resolve("curves.csv"), StandardCharsets.UTF_8);
        assertEquals(1 + 2 * 12, curves.size());
        for (String line : curves.subList(1, curves.size())) {
            String[] cols = line.split(",");
            if (!cols[7].equals("NaN")) {
                double routerZ = Double.parseDouble(cols[11]);
                assertTrue(routerZ > 0 && Double.isFinite(routerZ), "router Z of an MoE run: " + line);
            }
        }
        JsonNode summary =
                new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("top_k", summary.get("axis").asText());
        assertNotNull(ImageIO.read(out.resolve("stability.png").toFile()));
    }

    @Test
    void badOptions_oneLineError_nonZero() {
        CliRunner.Result axis = run("demo", "--axis", "heads", "--out", dir.toString());
        assertEquals(2, axis.status());
        assertTrue(axis.err().contains("--axis must be width or depth, found heads"), axis.err());
        assertFalse(axis.err().contains("\tat "), axis.err());

        CliRunner.Result steps = run("demo", "--steps", "1", "--out", dir.toString());
        assertEquals(2, steps.status());
        assertTrue(steps.err().contains("--steps must be >= 2, found 1"), steps.err());

        CliRunner.Result moeAxis = run("demo", "--moe", "--axis", "depth", "--out", dir.toString());
        assertEquals(2, moeAxis.status());
        assertTrue(moeAxis.err().contains("--moe sweeps top-k; it cannot be combined with --axis"), moeAxis.err());

        CliRunner.Result seeds = run("demo", "--tiny", "--seeds", "0", "--out", dir.toString());
        assertEquals(2, seeds.status());
        assertTrue(seeds.err().contains("--seeds must be >= 1, found 0"), seeds.err());
        assertFalse(seeds.err().contains("\tat "), seeds.err());

        CliRunner.Result threads = run("demo", "--tiny", "--threads", "0", "--out", dir.toString());
        assertEquals(2, threads.status());
        assertTrue(threads.err().contains("--threads must be >= 1, found 0"), threads.err());
    }
}
