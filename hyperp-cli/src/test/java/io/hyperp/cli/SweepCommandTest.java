package io.hyperp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.scaling.sweep.Sweep;
import io.hyperp.scaling.sweep.SweepCsv;
import io.hyperp.scaling.sweep.SweepPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hyperp sweep} end to end on the demo's tiny study and on small plan files. */
class SweepCommandTest {

    @TempDir
    Path dir;

    private static final String PLAN = "trainer: demo\n"
            + "settings: {study: tiny, steps: 4, seed: 2}\n"
            + "grid:\n"
            + "  method: [hyperp, muon]\n"
            + "  width: 16\n"
            + "  lr: [0.01, 0.04]\n";

    /** The cell, loss and train_loss columns of a runs.csv, as written (exact). */
    private static List<String> losses(Path runsCsv) throws Exception {
        List<String> lines = Files.readAllLines(runsCsv);
        List<String> header = List.of(lines.get(0).split(","));
        List<String> out = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            out.add(c[0] + " " + c[header.indexOf("loss")] + " " + c[header.indexOf("train_loss")]);
        }
        return out;
    }

    @Test
    void demoStudy_writesRunsThatOptimumReads_andARerunResumes() throws Exception {
        Path out = dir.resolve("tiny");
        CliRunner.Result r =
                CliRunner.run("sweep", "--demo", "tiny", "--steps", "4", "--threads", "2", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("12 cells: 12 trained, 0 resumed"), r.out());
        Sweep sweep = SweepCsv.read(out.resolve("runs.csv"));
        assertEquals(12, sweep.points().size());
        Set<String> seen = new HashSet<>();
        for (SweepPoint p : sweep.points()) {
            assertTrue(
                    seen.add(p.label("method") + "/" + p.label("width") + "/" + SweepPoint.format(p.learningRate())));
            assertEquals(4, (int) p.numeric("steps_run"));
        }
        CliRunner.Result opt = CliRunner.run(
                "optimum",
                "--csv",
                out.resolve("runs.csv").toString(),
                "--group-by",
                "method,width",
                "--across",
                "width");
        assertTrue(opt.status() == 0 || opt.status() == 1, "optimum reads the sweep's runs.csv: " + opt.err());
        assertTrue(opt.out().contains("across width"), opt.out());

        String before = Files.readString(out.resolve("runs.csv"));
        CliRunner.Result again =
                CliRunner.run("sweep", "--demo", "tiny", "--steps", "4", "--threads", "2", "--out", out.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("12 cells: 0 trained, 12 resumed"), again.out());
        assertEquals(before, Files.readString(out.resolve("runs.csv")));
    }

    @Test
    void planFile_onLocalAndOnSparkLocal2_bitIdenticalLosses() throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), PLAN);
        Path local = dir.resolve("local");
        Path spark = dir.resolve("spark");
        CliRunner.Result a =
                CliRunner.run("sweep", "--plan", plan.toString(), "--threads", "2", "--out", local.toString());
        assertEquals(0, a.status(), a.err());
        CliRunner.Result b = CliRunner.run(
                "sweep",
                "--plan",
                plan.toString(),
                "--engine",
                "spark",
                "--master",
                "local[2]",
                "--out",
                spark.toString());
        assertEquals(0, b.status(), b.err());
        assertTrue(b.out().contains("Spark engine, master local[2]"), b.out());
        List<String> la = losses(local.resolve("runs.csv"));
        assertEquals(4, la.size());
        assertEquals(la, losses(spark.resolve("runs.csv")));
    }

    @Test
    void readmePlan_parsesAndSuitsTheDemoTrainer() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "<!-- sweep-plan -->\\s*```yaml\\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(readme);
        assertTrue(m.find(), "README has no yaml block after <!-- sweep-plan -->");
        io.hyperp.sweep.SweepPlan plan =
                io.hyperp.sweep.PlanFiles.parse(Files.writeString(dir.resolve("readme.yaml"), m.group(1)));
        assertEquals("demo", io.hyperp.sweep.SweepRunner.check(plan).name());
        assertEquals(60, plan.cells().size());
    }

    @Test
    void badInput_oneLine_exit2_nothingWritten() throws Exception {
        Path out = dir.resolve("never");
        Path unknownAxis = Files.writeString(dir.resolve("axis.yaml"), PLAN + "  colour: red\n");
        Path emptyGrid =
                Files.writeString(dir.resolve("empty.json"), "{\"trainer\": \"demo\", \"grid\": {\"lr\": []}}");
        Path plan = Files.writeString(dir.resolve("plan.yaml"), PLAN);
        List<List<String>> cases = List.of(
                List.of("--plan", unknownAxis.toString(), "unknown axis 'colour'"),
                List.of("--plan", emptyGrid.toString(), "empty grid"),
                List.of("--plan", plan.toString(), "--trainer", "com.example.NoSuchTrainer", "not found"),
                List.of("--plan", plan.toString(), "--trainer", "java.lang.String", "does not implement"),
                List.of(
                        "--plan",
                        plan.toString(),
                        "--engine",
                        "spark",
                        "--master",
                        "spark://127.0.0.1:1",
                        "is unreachable"),
                List.of("--plan", plan.toString(), "--engine", "yarn", "engine 'yarn' is not available"),
                List.of("--demo", "huge", "--demo must be"));
        for (List<String> c : cases) {
            List<String> args = new ArrayList<>(List.of("sweep", "--out", out.toString()));
            args.addAll(c.subList(0, c.size() - 1));
            CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(2, r.status(), c + ": " + r.out() + r.err());
            assertEquals(1, r.errLines().length, c + ": " + r.err());
            assertTrue(r.err().contains(c.get(c.size() - 1)), c + ": " + r.err());
            assertFalse(Files.exists(out), c + " wrote " + out);
        }
    }
}
