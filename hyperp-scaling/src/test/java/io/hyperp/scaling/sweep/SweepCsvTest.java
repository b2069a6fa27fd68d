package io.hyperp.scaling.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCsvTest {
    @Test
    void read_labelsAndDivergedRuns() {
        Sweep s = SweepCsv.read(
                new StringReader("lr,loss,width,seed\n0.01,3.2,64,1\n0.02,,64,1\n0.04,nan,128,2\n"), "s.csv");
        assertEquals(3, s.size());
        assertEquals(Map.of("width", "64", "seed", "1"), s.points().get(0).labels());
        assertTrue(s.points().get(1).isDiverged());
        assertTrue(s.points().get(2).isDiverged());
        assertEquals(128, s.points().get(2).numeric("width"), 0.0);
    }

    @Test
    void read_negativeLearningRate_rejectedWithRow() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SweepCsv.read(new StringReader("lr,loss\n0.01,3\n-0.02,3\n"), "s.csv"));
        assertEquals("s.csv row 2, column 'lr': -0.02 must be positive", e.getMessage());
    }

    @Test
    void read_missingLossColumn_rejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> SweepCsv.read(new StringReader("lr,val\n0.01,3\n"), "s.csv"));
        assertEquals("s.csv: no column 'loss' (columns: lr, val)", e.getMessage());
    }

    @Test
    void read_minusInfinityLoss_rejected() {
        assertThrows(
                IllegalArgumentException.class, () -> SweepCsv.read(new StringReader("lr,loss\n0.01,-inf\n"), "s.csv"));
    }

    @Test
    void writeThenRead_anyPoints_roundTripExactly() {
        qt().withFixedSeed(9L)
                .forAll(
                        lists().of(doubles().between(1e-6, 1.0)).ofSizeBetween(1, 20),
                        doubles().between(-10, 10))
                .checkAssert((lrs, shift) -> {
                    List<SweepPoint> pts = new ArrayList<>();
                    for (int i = 0; i < lrs.size(); i++) {
                        double loss = i % 5 == 4 ? Double.NaN : shift + lrs.get(i) * 7;
                        SweepPoint p = SweepPoint.of(lrs.get(i), loss).withLabel("width", 64 * (i % 3 + 1));
                        pts.add(i % 2 == 0 ? p.withLabel("note", "a,\"b\"") : p);
                    }
                    Sweep s = Sweep.of(pts);
                    StringWriter w = new StringWriter();
                    SweepCsv.write(s, w);
                    Sweep back = SweepCsv.read(new StringReader(w.toString()), "mem");
                    assertEquals(s.size(), back.size());
                    for (int i = 0; i < s.size(); i++) {
                        SweepPoint a = s.points().get(i);
                        SweepPoint b = back.points().get(i);
                        assertEquals(a.learningRate(), b.learningRate(), 0.0);
                        assertEquals(a.loss(), b.loss(), 0.0);
                        assertEquals(a.labels().get("width"), b.labels().get("width"));
                        assertEquals(
                                a.labels().getOrDefault("note", ""), b.labels().get("note"));
                    }
                });
    }

    @Test
    void write_toFile_readsBack(@TempDir Path dir) {
        Path f = dir.resolve("runs.csv");
        Sweep s = Sweep.of(List.of(SweepPoint.of(0.01, 3.0).withLabel("depth", 8)));
        SweepCsv.write(s, f);
        assertEquals(s, SweepCsv.read(f));
    }

    @Test
    void write_labelNamedLoss_rejected() {
        Sweep s = Sweep.of(List.of(SweepPoint.of(0.01, 3.0).withLabel("loss", "x")));
        assertThrows(IllegalArgumentException.class, () -> SweepCsv.write(s, new StringWriter()));
    }
}
