package io.hyperp.demo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyperp.sweep.CellResult;
import io.hyperp.sweep.SweepCell;
import io.hyperp.sweep.SweepPlan;
import io.hyperp.sweep.SweepRunner;
import io.hyperp.sweep.Trainer;
import io.hyperp.sweep.Trainers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoTrainerTest {

    private static final Map<String, String> TINY = DemoTrainer.settings("tiny", false, 4, 1, 0.08);

    @Test
    void sweepPlan_hasEveryRunOfTheStudy_andMapsBackToItsCells() {
        DemoPlan demo = DemoPlan.tiny(4, 1).withSeeds(2);
        SweepPlan plan = DemoTrainer.sweepPlan(TINY, 2);
        assertEquals(List.of("method", "width", "lr", "seed"), plan.axes());
        List<SweepCell> cells = plan.cells();
        assertEquals(demo.cells().size(), cells.size());
        for (DemoPlan.Cell want : demo.cells()) {
            long matches = cells.stream()
                    .map(c -> DemoTrainer.cell(demo, c))
                    .filter(c -> c.method().equals(want.method())
                            && c.scale() == want.scale()
                            && c.learningRate() == want.learningRate()
                            && c.model().equals(want.model())
                            && c.depthFactor() == want.depthFactor())
                    .count();
            assertEquals(1, matches, want.toString());
        }
        assertEquals("demo", SweepRunner.check(plan).name());
    }

    @Test
    void train_isTheDemoRun_andItsResultRoundTripsExactly() throws Exception {
        SweepPlan plan = DemoTrainer.sweepPlan(TINY, 1);
        SweepCell cell = plan.cells().get(0);
        Trainer t = Trainers.loadAndSetUp(DemoTrainer.NAME, 2);
        CellResult r = t.train(cell, Trainer.StepListener.NONE);
        DemoPlan demo = DemoTrainer.plan(TINY);
        DemoPlan.Cell c = DemoTrainer.cell(demo, cell);
        TrainRunResult direct = TrainRun.run(
                c.model(), c.moe(), c.rule(), c.peakLearningRate(), demo.run(c), DemoTrainer.corpus(TINY), e -> {});
        TrainRunResult back = DemoTrainer.toTrainRunResult(c, r);
        // the same run twice in one ND4J setting: identical numbers (only the wall time differs)
        assertEquals(direct.finalValidationLoss(), back.finalValidationLoss());
        assertEquals(direct.evals(), back.evals());
        assertEquals(java.util.Arrays.toString(direct.trainLosses()), java.util.Arrays.toString(back.trainLosses()));
        assertEquals(direct.diverged(), back.diverged());
        assertTrue(r.metric("params") > 0);
    }

    @Test
    void validate_refusesWhatTheStudyCannotRun() {
        Trainer t = Trainers.load(DemoTrainer.NAME);
        Map<String, List<String>> g = new LinkedHashMap<>();
        g.put("method", List.of("adam"));
        g.put("width", List.of("16"));
        g.put("lr", List.of("0.01"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> t.validate(SweepPlan.of("demo", TINY, g)));
        assertTrue(e.getMessage().contains("'adam' is not a method"), e.getMessage());
        Map<String, List<String>> depth = new LinkedHashMap<>();
        depth.put("method", List.of("hyperp"));
        depth.put("depth", List.of("2"));
        depth.put("lr", List.of("0.01"));
        e = assertThrows(IllegalArgumentException.class, () -> t.validate(SweepPlan.of("demo", TINY, depth)));
        assertTrue(e.getMessage().contains("'width' is missing"), e.getMessage());
        Map<String, String> badStudy = new LinkedHashMap<>(TINY);
        badStudy.put("study", "huge");
        Map<String, List<String>> ok = new LinkedHashMap<>(g);
        ok.put("method", List.of("hyperp"));
        e = assertThrows(IllegalArgumentException.class, () -> t.validate(SweepPlan.of("demo", badStudy, ok)));
        assertTrue(e.getMessage().contains("setting study must be"), e.getMessage());
    }
}
