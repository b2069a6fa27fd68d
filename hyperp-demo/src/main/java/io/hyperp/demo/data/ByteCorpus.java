package io.hyperp.demo.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A byte-level text corpus with a held-out validation split and deterministic batch sampling.
 *
 * <p>The default corpus is the Java source text of Google Guava: the build copies Guava's
 * {@code -sources} jar from Maven Central into the examples jar as the resource {@value
 * #DEFAULT_RESOURCE}, so nothing is downloaded at run time. {@link #load} reads every {@code .java}
 * entry of such a jar in lexicographic order of entry names (so the byte sequence does not depend on
 * the order inside the archive), concatenates them up to a byte budget and splits the result: the
 * first {@code 1 - validationFraction} of the bytes for training, the rest held out for validation.
 * Tokens are the byte values 0..255.
 *
 * <p>Instances are immutable and thread-safe. A {@link Sampler} is not thread-safe; create one per
 * training run.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP) for the learning-rate transfer study this
 * corpus serves.
 */
public final class ByteCorpus {

    /** The classpath resource holding Guava's source jar, written there by the build. */
    public static final String DEFAULT_RESOURCE = "/corpus/guava-sources.jar";

    /** The default held-out fraction. */
    public static final double DEFAULT_VALIDATION_FRACTION = 0.1;

    /** Which part of the corpus to sample from. */
    public enum Split {
        /** The first part, for training. */
        TRAIN,
        /** The held-out last part, for validation. */
        VALIDATION
    }

    private final String name;
    private final byte[] bytes;
    private final int files;
    private final int trainSize;
    private final long crc32;

    private ByteCorpus(String name, byte[] bytes, int files, double validationFraction) {
        this.name = name;
        this.bytes = bytes;
        this.files = files;
        this.trainSize = (int) Math.round(bytes.length * (1.0 - validationFraction));
        CRC32 crc = new CRC32();
        crc.update(bytes);
        this.crc32 = crc.getValue();
    }

    /**
     * The default corpus: every {@code .java} file of the embedded Guava source jar, 10% held out.
     *
     * @throws IllegalStateException if the resource is missing (the program was not built by Maven)
     */
    public static ByteCorpus loadDefault() {
        return load(DEFAULT_RESOURCE, Integer.MAX_VALUE - 8, DEFAULT_VALIDATION_FRACTION);
    }

    /**
     * Reads the {@code .java} entries of the jar (or zip) at classpath {@code resource}, in lexicographic
     * order of their names, concatenated and truncated to {@code maxBytes}.
     *
     * @param resource           an absolute classpath resource name, such as {@link #DEFAULT_RESOURCE}
     * @param maxBytes           the byte budget (the corpus is shorter if the jar holds less)
     * @param validationFraction the held-out fraction, in (0, 1)
     * @throws IllegalArgumentException if {@code maxBytes < 1}, the fraction is outside (0, 1) or NaN,
     *                                  or the jar holds no {@code .java} text
     * @throws IllegalStateException    if the resource is missing
     * @throws UncheckedIOException     if reading fails
     */
    public static ByteCorpus load(String resource, int maxBytes, double validationFraction) {
        Objects.requireNonNull(resource, "resource");
        if (maxBytes < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "maxBytes (%d) must be >= 1", maxBytes));
        }
        checkFraction(validationFraction);
        Map<String, byte[]> sources = new TreeMap<>();
        try (InputStream in = ByteCorpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(String.format(
                        Locale.ROOT,
                        "corpus resource %s not found on the classpath; build the examples module with Maven "
                                + "(mvn package), which copies it from Maven Central",
                        resource));
            }
            try (ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    if (!e.isDirectory() && e.getName().endsWith(".java")) {
                        sources.put(e.getName(), zip.readAllBytes());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading corpus resource " + resource, e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int files = 0;
        for (byte[] text : sources.values()) {
            if (out.size() >= maxBytes) {
                break;
            }
            out.write(text, 0, Math.min(text.length, maxBytes - out.size()));
            files++;
        }
        byte[] all = out.toByteArray();
        String label = resource.substring(resource.lastIndexOf('/') + 1);
        return create(label, all, files, validationFraction);
    }

    /**
     * A corpus over the given bytes (copied).
     *
     * @param name               a label for reports
     * @param bytes              the text
     * @param validationFraction the held-out fraction, in (0, 1)
     * @throws IllegalArgumentException if either split would be shorter than 2 bytes or the fraction
     *                                  is outside (0, 1) or NaN
     */
    public static ByteCorpus of(String name, byte[] bytes, double validationFraction) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bytes, "bytes");
        checkFraction(validationFraction);
        return create(name, bytes.clone(), 1, validationFraction);
    }

    private static ByteCorpus create(String name, byte[] bytes, int files, double validationFraction) {
        long train = Math.round(bytes.length * (1.0 - validationFraction));
        if (train < 2 || bytes.length - train < 2) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "corpus %s: %d bytes split at fraction %s leaves a split shorter than 2 bytes",
                    name,
                    bytes.length,
                    validationFraction));
        }
        return new ByteCorpus(name, bytes, files, validationFraction);
    }

    private static void checkFraction(double f) {
        if (!(f > 0 && f < 1)) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "validationFraction (%s) must be in (0, 1)", f));
        }
    }

    /** The corpus label (the resource's file name for {@link #load}). */
    public String name() {
        return name;
    }

    /** The number of source files read. */
    public int files() {
        return files;
    }

    /** The total number of bytes (tokens). */
    public int size() {
        return bytes.length;
    }

    /** The number of training bytes. */
    public int trainSize() {
        return trainSize;
    }

    /** The number of held-out validation bytes. */
    public int validationSize() {
        return bytes.length - trainSize;
    }

    /** The CRC-32 of all bytes, to identify the exact text in reports. */
    public long crc32() {
        return crc32;
    }

    /** The token (0..255) at {@code position}. */
    public int token(int position) {
        Objects.checkIndex(position, bytes.length);
        return bytes[position] & 0xFF;
    }

    /**
     * A sampler of random windows from one split, fully determined by {@code seed}.
     *
     * @throws NullPointerException if {@code split} is null
     */
    public Sampler sampler(Split split, long seed) {
        Objects.requireNonNull(split, "split");
        return split == Split.TRAIN ? new Sampler(0, trainSize, seed) : new Sampler(trainSize, bytes.length, seed);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "ByteCorpus[%s: %d files, %d bytes (train %d, validation %d), crc32 %08x]",
                name,
                files,
                bytes.length,
                trainSize,
                validationSize(),
                crc32);
    }

    /**
     * Draws windows of {@code context + 1} consecutive tokens at uniformly random start positions
     * inside one split (a window never crosses the split boundary). The sequence of windows is a pure
     * function of the seed and the requested shapes. Not thread-safe.
     */
    public final class Sampler {
        private final int from;
        private final int to;
        private final SplittableRandom rng;

        private Sampler(int from, int to, long seed) {
            this.from = from;
            this.to = to;
            this.rng = new SplittableRandom(seed);
        }

        /**
         * Fills {@code out} with {@code batch} windows of {@code context + 1} tokens, row-major
         * ({@code out[b * (context + 1) + t]}), the layout {@code TinyGpt.forwardBackward} expects.
         *
         * @throws IllegalArgumentException if {@code batch} or {@code context} is below 1, {@code out}
         *                                  has another length than {@code batch * (context + 1)}, or the
         *                                  split is shorter than one window; {@code out} is then untouched
         */
        public void nextBatch(int batch, int context, int[] out) {
            Objects.requireNonNull(out, "out");
            if (batch < 1 || context < 1) {
                throw new IllegalArgumentException(
                        String.format(Locale.ROOT, "batch (%d) and context (%d) must be >= 1", batch, context));
            }
            int row = context + 1;
            if ((long) batch * row != out.length) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "out: expected length batch * (context + 1) = %d, found %d",
                        (long) batch * row,
                        out.length));
            }
            int starts = to - from - row + 1;
            if (starts < 1) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT, "split of %d bytes is shorter than one window of %d", to - from, row));
            }
            for (int b = 0; b < batch; b++) {
                int start = from + rng.nextInt(starts);
                for (int t = 0; t < row; t++) {
                    out[b * row + t] = bytes[start + t] & 0xFF;
                }
            }
        }
    }
}
