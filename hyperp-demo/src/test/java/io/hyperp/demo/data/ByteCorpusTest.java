package io.hyperp.demo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ByteCorpusTest {

    private static ByteCorpus guava;

    @BeforeAll
    static void load() {
        guava = ByteCorpus.loadDefault();
    }

    @Test
    void loadDefault_isGuavasJavaSourcesSplitNinetyTen() {
        assertTrue(guava.files() > 300, guava.toString());
        assertTrue(guava.size() > 3_000_000, guava.toString());
        assertEquals(guava.size(), guava.trainSize() + guava.validationSize());
        assertEquals(0.1, guava.validationSize() / (double) guava.size(), 1e-6);
        // Sorted entry names put com/google/common/annotations/Beta.java first; it opens with the
        // Apache license header comment.
        byte[] head = new byte[2];
        head[0] = (byte) guava.token(0);
        head[1] = (byte) guava.token(1);
        assertEquals("/*", new String(head, StandardCharsets.US_ASCII));
    }

    @Test
    void loadDefault_twice_sameBytes() {
        ByteCorpus again = ByteCorpus.loadDefault();
        assertEquals(guava.size(), again.size());
        assertEquals(guava.crc32(), again.crc32());
    }

    @Test
    void load_byteBudget_truncates() {
        ByteCorpus small = ByteCorpus.load(ByteCorpus.DEFAULT_RESOURCE, 100_000, 0.2);
        assertEquals(100_000, small.size());
        assertEquals(80_000, small.trainSize());
        assertEquals(guava.token(99_999), small.token(99_999));
    }

    @Test
    void load_missingResource_throwsIseSayingHowToBuild() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> ByteCorpus.load("/corpus/nothing-here.jar", 10, 0.1));
        assertTrue(e.getMessage().contains("mvn package"), e.getMessage());
    }

    @Test
    void sampler_sameSeed_sameBatches_otherSeed_different() {
        int[] a = new int[4 * 33];
        int[] b = new int[4 * 33];
        int[] c = new int[4 * 33];
        ByteCorpus.Sampler sa = guava.sampler(ByteCorpus.Split.TRAIN, 7L);
        ByteCorpus.Sampler sb = guava.sampler(ByteCorpus.Split.TRAIN, 7L);
        for (int i = 0; i < 5; i++) {
            sa.nextBatch(4, 32, a);
            sb.nextBatch(4, 32, b);
            assertArrayEquals(a, b);
        }
        guava.sampler(ByteCorpus.Split.TRAIN, 8L).nextBatch(4, 32, c);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void sampler_windowsAreConsecutiveBytesInsideTheirSplit() {
        byte[] text = new byte[1000];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) (i % 251);
        }
        ByteCorpus corpus = ByteCorpus.of("ramp", text, 0.3);
        int[] out = new int[50 * 9];
        corpus.sampler(ByteCorpus.Split.TRAIN, 1L).nextBatch(50, 8, out);
        checkWindows(out, 9, 0, 700);
        corpus.sampler(ByteCorpus.Split.VALIDATION, 1L).nextBatch(50, 8, out);
        checkWindows(out, 9, 700, 1000);
    }

    /** Each window of the ramp corpus must be a run of consecutive positions in [from, to). */
    private static void checkWindows(int[] out, int row, int from, int to) {
        for (int b = 0; b < out.length / row; b++) {
            int start = -1;
            for (int p = from; p + row <= to && start < 0; p++) {
                boolean match = true;
                for (int t = 0; t < row && match; t++) {
                    match = out[b * row + t] == (p + t) % 251;
                }
                if (match) {
                    start = p;
                }
            }
            assertTrue(start >= 0, "window " + b + " is not a run of the split [" + from + ", " + to + ")");
        }
    }

    @Test
    void sampler_wrongBufferLength_throwsIaeAndLeavesBufferUntouched() {
        int[] out = new int[10];
        Arrays.fill(out, -5);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> guava.sampler(ByteCorpus.Split.TRAIN, 1L).nextBatch(2, 8, out));
        assertTrue(e.getMessage().contains("out"), e.getMessage());
        assertTrue(Arrays.stream(out).allMatch(v -> v == -5));
    }

    @Test
    void sampler_windowLongerThanSplit_throwsIae() {
        ByteCorpus corpus = ByteCorpus.of("short", new byte[20], 0.25);
        assertThrows(
                IllegalArgumentException.class,
                () -> corpus.sampler(ByteCorpus.Split.VALIDATION, 1L).nextBatch(1, 5, new int[6]));
    }

    @Test
    void of_badFraction_throwsIae() {
        assertThrows(IllegalArgumentException.class, () -> ByteCorpus.of("x", new byte[100], Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ByteCorpus.of("x", new byte[100], 0.0));
        assertThrows(IllegalArgumentException.class, () -> ByteCorpus.of("x", new byte[100], 1.0));
        assertThrows(IllegalArgumentException.class, () -> ByteCorpus.of("x", new byte[3], 0.5));
    }
}
