package io.hyperp.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanFilesTest {

    @TempDir
    Path dir;

    @Test
    void jsonAndYaml_giveTheSamePlan() throws Exception {
        Path json = Files.writeString(
                dir.resolve("p.json"),
                "{\"trainer\": \"fake\", \"settings\": {\"steps\": 10},"
                        + " \"grid\": {\"width\": [32, 64], \"lr\": [0.01, 0.02], \"seed\": 3}}");
        Path yaml = Files.writeString(
                dir.resolve("p.yaml"),
                "trainer: fake\nsettings:\n  steps: 10\ngrid:\n  width: [32, 64]\n  lr: [0.01, 0.02]\n  seed: 3\n");
        SweepPlan a = PlanFiles.parse(json);
        SweepPlan b = PlanFiles.parse(yaml);
        assertEquals(a, b);
        assertEquals(List.of("width", "lr", "seed"), a.axes());
        assertEquals(Map.of("steps", "10"), a.settings());
        assertEquals(4, a.cells().size());
        assertEquals("width=32,lr=0.01,seed=3", a.cells().get(0).key());
    }

    @Test
    void grids_listGivesSeveralGrids() throws Exception {
        Path yaml = Files.writeString(
                dir.resolve("p.yml"),
                "trainer: fake\ngrids:\n  - {mode: ok, lr: [0.01, 0.02]}\n  - {mode: nan, lr: 0.5}\n");
        assertEquals(3, PlanFiles.parse(yaml).cells().size());
    }

    @Test
    void badFiles_throwIaeNamingFileAndProblem() throws Exception {
        assertMessage(dir.resolve("missing.json"), "does not exist");
        assertMessage(Files.writeString(dir.resolve("p.txt"), "{}"), ".json, .yaml or .yml");
        assertMessage(Files.writeString(dir.resolve("bad.json"), "{\"trainer\": "), "malformed");
        assertMessage(
                Files.writeString(dir.resolve("key.json"), "{\"trainer\": \"fake\", \"gird\": {\"lr\": [1]}}"),
                "unknown key 'gird'");
        assertMessage(Files.writeString(dir.resolve("empty.json"), "{\"trainer\": \"fake\", \"grid\": {}}"), "empty");
        assertMessage(
                Files.writeString(dir.resolve("big.yaml"), "trainer: fake\n#" + "x".repeat(PlanFiles.MAX_BYTES)),
                "a plan file has at most 1048576");
        assertMessage(
                Files.writeString(dir.resolve("nested.json"), "{\"trainer\": \"fake\", \"grid\": {\"lr\": [[1]]}}"),
                "axis lr");
    }

    private static void assertMessage(Path file, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlanFiles.parse(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
