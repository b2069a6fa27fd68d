package io.hyperp.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the reader of a sweep's cell files ({@code OUT/cells/<id>.json}), which a rerun
 * of a sweep reads to resume and to merge.
 *
 * <p>The input is the content of the first cell of {@link SweepKillChild#plan()}'s file. The contract: either
 * an {@link UncheckedIOException} naming the file, or a result that survives a round trip (written again and
 * read back, it is equal). Replays {@code ResultStoreFuzzTestInputs/cellFile/} in a regular build;
 * {@code JAZZER_FUZZ=1} fuzzes (see the README).
 */
class ResultStoreFuzzTest {
    private static final SweepCell CELL = SweepKillChild.plan().cells().get(0);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ResultStore STORE;

    static {
        try {
            Path dir = Files.createTempDirectory("hyperp-store-fuzz-");
            dir.toFile().deleteOnExit();
            STORE = ResultStore.open(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void cellFile(byte[] data) throws IOException {
        Path file = STORE.file(CELL.id());
        Files.write(file, data);
        CellResult r;
        try {
            r = STORE.read(CELL).orElseThrow();
        } catch (UncheckedIOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(file.toString()), "names the file");
            return;
        } finally {
            Files.delete(file);
        }
        byte[] again = ResultStore.encode(CELL, r);
        assertEquals(r, ResultStore.decode(CELL, MAPPER.readTree(again)), "round trip");
    }
}
