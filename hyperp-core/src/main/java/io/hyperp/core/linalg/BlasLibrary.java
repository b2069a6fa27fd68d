package io.hyperp.core.linalg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BLAS library under ND4J's CPU backend: which OpenBLAS the process has loaded, its version and
 * the processor core (kernel set) it chose, read from the running process and checked against the
 * versions this library is built and tested with.
 *
 * <p>{@link #checkOnce()} runs when HyperP first uses ND4J on the CPU backend (the Newton-Schulz kernel
 * detection calls it): it logs at INFO, once per JVM, the library, its version and its core, and at
 * WARN, with the fix, each known-slow combination:
 * <ul>
 *   <li>an OpenBLAS <b>older than the pinned one</b> ({@link Pins#openblasVersion()}, 0.3.31 in this
 *       release): ND4J 1.0.0-M2.1 declares 0.3.19, which does not know recent processors. The fix is to
 *       import {@code io.hyperp:hyperp-bom} in {@code dependencyManagement}, or to pin
 *       {@code org.bytedeco:openblas} and {@code org.bytedeco:javacpp};</li>
 *   <li>a <b>generic core on an AVX2 processor</b>: on x86-64, the core is one of OpenBLAS's kernel
 *       sets that predate AVX2 (Katmai to Nehalem, Athlon to Barcelona, Bobcat, Sandybridge,
 *       Bulldozer to Steamroller, or a generic or unknown one) while the processor's flags ({@code /proc/cpuinfo}) list {@code avx2}. That is what an
 *       OpenBLAS does on a processor it does not know, or what {@code OPENBLAS_CORETYPE} forced. Core
 *       names not in that list (Haswell, Zen, SkylakeX, Cooperlake, SapphireRapids, and any newer name)
 *       never warn, so that a newer OpenBLAS cannot raise a false alarm.</li>
 * </ul>
 *
 * <p>How it reads the library: the path of the mapped {@code libopenblas*.so*} from
 * {@code /proc/self/maps}, then {@code openblas_get_config()} and {@code openblas_get_corename()} of
 * that already loaded library through JNA ({@code dlopen} with {@code RTLD_NOLOAD}, so nothing new is
 * loaded). JNA is on the class path wherever {@code nd4j-api} is (it comes with oshi-core). Elsewhere
 * than Linux, without JNA, or with another BLAS (MKL) the check logs what it could not read and warns
 * about nothing. It never throws.
 *
 * <p>Thread-safe. The pure parts (parsing and the decisions) are package-private static functions.
 */
public final class BlasLibrary {

    static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";

    private static final Logger LOG = LoggerFactory.getLogger(BlasLibrary.class);
    private static final Pattern VERSION = Pattern.compile("OpenBLAS\\s+(\\d+(?:\\.\\d+)+)");

    /** OpenBLAS x86-64 kernel sets without AVX2 kernels, lower case (see the class comment). */
    private static final Set<String> PRE_AVX2_CORES = Set.of(
            "katmai",
            "coppermine",
            "northwood",
            "prescott",
            "banias",
            "atom",
            "core2",
            "penryn",
            "dunnington",
            "nehalem",
            "athlon",
            "opteron",
            "opteron_sse3",
            "barcelona",
            "nano",
            "bobcat",
            "sandybridge",
            "bulldozer",
            "piledriver",
            "steamroller",
            "generic",
            "unknown");

    /**
     * An OpenBLAS loaded in this process.
     *
     * @param version the version from its configuration string, such as {@code 0.3.31}; empty if the
     *     string has none
     * @param core the core (kernel set) it chose at load time, such as {@code Cooperlake}
     * @param config what {@code openblas_get_config()} returned
     * @param path the file it was loaded from
     */
    public record Info(String version, String core, String config, String path) {
        public Info {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(core, "core");
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * The versions this library was built and tested with (from {@code hyperp-bom}).
     *
     * @param hyperpVersion the version of HyperP, hence of {@code io.hyperp:hyperp-bom}
     * @param openblasArtifact the version of {@code org.bytedeco:openblas}, such as {@code 0.3.31-1.5.13}
     * @param javacppVersion the version of {@code org.bytedeco:javacpp}
     */
    public record Pins(String hyperpVersion, String openblasArtifact, String javacppVersion) {
        public Pins {
            Objects.requireNonNull(hyperpVersion, "hyperpVersion");
            Objects.requireNonNull(openblasArtifact, "openblasArtifact");
            Objects.requireNonNull(javacppVersion, "javacppVersion");
        }

        /** The OpenBLAS version inside {@link #openblasArtifact()}: {@code 0.3.31} for {@code 0.3.31-1.5.13}. */
        public String openblasVersion() {
            int dash = openblasArtifact.indexOf('-');
            return dash < 0 ? openblasArtifact : openblasArtifact.substring(0, dash);
        }
    }

    private BlasLibrary() {}

    private static final class Once {
        static final Optional<Info> INFO = checkAndLog();
    }

    /**
     * On the CPU backend, reads the loaded OpenBLAS and logs it (INFO) and any known-slow combination
     * (WARN), the first time only; on other backends does nothing.
     *
     * @return what was read, empty on other backends or if it could not be read
     */
    public static Optional<Info> checkOnce() {
        return Once.INFO;
    }

    /**
     * Reads the OpenBLAS loaded in this process now, without logging.
     *
     * @return empty if none is loaded, or it cannot be read here (not Linux, no JNA)
     */
    public static Optional<Info> read() {
        try {
            return Optional.of(readOrExplain());
        } catch (NotReadable e) {
            return Optional.empty();
        }
    }

    /** The versions this library was built and tested with. */
    public static Pins pins() {
        Properties p = new Properties();
        try (InputStream in = BlasLibrary.class.getResourceAsStream("blas-versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("blas-versions.properties is missing from the hyperp-core jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Pins(
                p.getProperty("hyperp.version", "?"),
                p.getProperty("openblas.version", "?"),
                p.getProperty("javacpp.version", "?"));
    }

    private static Optional<Info> checkAndLog() {
        try {
            String backend = Nd4j.getBackend().getClass().getName();
            if (!CPU_BACKEND.equals(backend)) {
                return Optional.empty();
            }
            Info info = readOrExplain();
            String coretype = System.getenv("OPENBLAS_CORETYPE");
            LOG.info(
                    "BLAS: OpenBLAS {}, core {}{} (\"{}\", {})",
                    info.version().isEmpty() ? "of unknown version" : info.version(),
                    info.core(),
                    coretype == null ? "" : " (OPENBLAS_CORETYPE=" + coretype + ")",
                    info.config(),
                    info.path());
            for (String w : warnings(info, pins(), isX86() && cpuHasAvx2(cpuinfo()), coretype)) {
                LOG.warn("BLAS: {}", w);
            }
            return Optional.of(info);
        } catch (NotReadable e) {
            LOG.info("BLAS: version and core not checked: {}", e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            LOG.info("BLAS: version and core not checked: {}", e.toString());
        }
        return Optional.empty();
    }

    /** Why the library could not be read; a message, not an error. */
    private static final class NotReadable extends Exception {
        private static final long serialVersionUID = 1L;

        NotReadable(String message) {
            super(message, null, false, false);
        }
    }

    private static Info readOrExplain() throws NotReadable {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            throw new NotReadable("only read on Linux (no /proc/self/maps)");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(maps);
        } catch (IOException e) {
            throw new NotReadable("cannot read /proc/self/maps: " + e);
        }
        Optional<String> path = findOpenBlas(lines);
        if (path.isEmpty()) {
            throw new NotReadable("no libopenblas is loaded in this process (another BLAS, such as MKL?)");
        }
        try {
            Class.forName("com.sun.jna.NativeLibrary", false, BlasLibrary.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new NotReadable(path.get() + " is loaded, but JNA (which nd4j-api brings) is not on the class path");
        }
        String[] configAndCore;
        try {
            configAndCore = NativeOpenBlas.configAndCore(path.get());
        } catch (RuntimeException | LinkageError e) {
            throw new NotReadable("cannot call openblas_get_config in " + path.get() + ": " + e);
        }
        String config = Objects.requireNonNullElse(configAndCore[0], "").trim();
        String core = Objects.requireNonNullElse(configAndCore[1], "").trim();
        return new Info(parseVersion(config).orElse(""), core, config, path.get());
    }

    private static List<String> cpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static boolean isX86() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    // ---- pure functions, tested without native code ----

    /**
     * The file of the first mapping in {@code mapsLines} (lines of {@code /proc/self/maps}) whose name
     * starts with {@code libopenblas} and is a shared object.
     */
    static Optional<String> findOpenBlas(List<String> mapsLines) {
        for (String line : mapsLines) {
            // address perms offset dev inode [path]; the path may contain spaces.
            String[] fields = line.trim().split("\\s+", 6);
            if (fields.length < 6 || !fields[5].startsWith("/")) {
                continue;
            }
            String path = fields[5].strip();
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (name.startsWith("libopenblas") && name.contains(".so")) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    /**
     * The version in an {@code openblas_get_config()} string, such as {@code 0.3.31} in
     * {@code "OpenBLAS 0.3.31 DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64"}.
     */
    static Optional<String> parseVersion(String config) {
        Matcher m = VERSION.matcher(config);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * Compares dotted versions numerically, part by part ({@code 0.3.9 < 0.3.19 < 0.3.31}); a missing
     * part counts as 0.
     *
     * @throws IllegalArgumentException if a part is not a number
     */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.", -1);
        String[] y = b.split("\\.", -1);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Long.compare(part(x, i, a), part(y, i, b));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static long part(String[] parts, int i, String version) {
        if (i >= parts.length) {
            return 0;
        }
        try {
            return Long.parseLong(parts[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "version \"%s\": part \"%s\" is not a number", version, parts[i]), e);
        }
    }

    /** Whether {@code core} names one of OpenBLAS's x86-64 kernel sets without AVX2 kernels. */
    static boolean isPreAvx2Core(String core) {
        return PRE_AVX2_CORES.contains(core.trim().toLowerCase(Locale.ROOT));
    }

    /** Whether a {@code flags} line of {@code /proc/cpuinfo} lists {@code avx2}. */
    static boolean cpuHasAvx2(List<String> cpuinfoLines) {
        for (String line : cpuinfoLines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals("flags")) {
                for (String flag : line.substring(colon + 1).trim().split("\\s+")) {
                    if (flag.equals("avx2")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The warnings, with their fixes, for {@code info} (empty if none applies; see the class comment for
     * the rules).
     *
     * @param avx2 whether the processor is x86-64 with AVX2
     * @param coretype the value of {@code OPENBLAS_CORETYPE}, or {@code null} if unset
     */
    static List<String> warnings(Info info, Pins pins, boolean avx2, String coretype) {
        List<String> out = new ArrayList<>();
        boolean old = !info.version().isEmpty() && compareVersions(info.version(), pins.openblasVersion()) < 0;
        String upgrade = String.format(
                Locale.ROOT,
                "import io.hyperp:hyperp-bom:%s (<type>pom</type> <scope>import</scope> in dependencyManagement)"
                        + " or pin org.bytedeco:openblas %s and org.bytedeco:javacpp %s, the plain artifacts and"
                        + " those of your platform's classifier",
                pins.hyperpVersion(),
                pins.openblasArtifact(),
                pins.javacppVersion());
        if (old) {
            out.add(String.format(
                    Locale.ROOT,
                    "OpenBLAS %s is older than %s, the version HyperP is built and tested with; it falls back to"
                            + " slow generic kernels on processors newer than itself (nd4j-native 1.0.0-M2.1"
                            + " declares 0.3.19, which Maven keeps unless the version is pinned). Fix: %s.",
                    info.version(),
                    pins.openblasVersion(),
                    upgrade));
        }
        if (avx2 && isPreAvx2Core(info.core())) {
            String fix;
            if (coretype != null && !coretype.isBlank()) {
                fix = "OPENBLAS_CORETYPE=" + coretype + " forces it: unset it, or set a core with AVX2 such as Haswell";
            } else if (old) {
                fix = "a newer OpenBLAS knows this processor (see above)";
            } else {
                fix = "set OPENBLAS_CORETYPE=Haswell (or SkylakeX, Zen where they fit), or " + upgrade;
            }
            out.add(String.format(
                    Locale.ROOT,
                    "OpenBLAS chose core %s, whose kernels predate AVX2, on a processor with AVX2: matrix products"
                            + " run far below its speed. Fix: %s.",
                    info.core(),
                    fix));
        }
        return out;
    }
}
