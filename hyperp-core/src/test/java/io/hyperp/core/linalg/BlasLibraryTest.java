package io.hyperp.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link BlasLibrary}: the parsing and the decisions as pure functions on recorded inputs, then the
 * library this test JVM has really loaded.
 */
class BlasLibraryTest {

    // What openblas_get_config() returned on this project's machines (AMD EPYC, Zen 5, CPU family 26),
    // with OPENBLAS_CORETYPE unset: 0.3.31 from org.bytedeco:openblas:0.3.31-1.5.13 and 0.3.19 from
    // 0.3.19-1.5.7, the version nd4j-native 1.0.0-M2.1 declares.
    private static final String CONFIG_31 = "OpenBLAS 0.3.31 DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64";
    private static final String CONFIG_19 = "OpenBLAS 0.3.19 DYNAMIC_ARCH NO_AFFINITY Barcelona MAX_THREADS=64";
    private static final BlasLibrary.Pins PINS = new BlasLibrary.Pins("0.1.0", "0.3.31-1.5.13", "1.5.13");
    private static final String PATH = "/home/u/.javacpp/cache/openblas.jar/libopenblas.so.0";

    private static BlasLibrary.Info info(String config, String core) {
        return new BlasLibrary.Info(BlasLibrary.parseVersion(config).orElse(""), core, config, PATH);
    }

    @Nested
    class Parsing {

        @Test
        void parseVersion_configStrings_giveTheirVersion() {
            assertEquals(Optional.of("0.3.31"), BlasLibrary.parseVersion(CONFIG_31));
            assertEquals(Optional.of("0.3.19"), BlasLibrary.parseVersion(CONFIG_19));
            assertEquals(Optional.of("0.3.9"), BlasLibrary.parseVersion("OpenBLAS 0.3.9.dev NO_AFFINITY Haswell"));
            assertEquals(Optional.empty(), BlasLibrary.parseVersion("MKL 2024"));
        }

        @Test
        void compareVersions_isNumericPerPart() {
            assertTrue(BlasLibrary.compareVersions("0.3.19", "0.3.31") < 0);
            assertTrue(BlasLibrary.compareVersions("0.3.9", "0.3.19") < 0); // not string order
            assertTrue(BlasLibrary.compareVersions("0.4", "0.3.31") > 0);
            assertEquals(0, BlasLibrary.compareVersions("0.3.31", "0.3.31"));
            assertEquals(0, BlasLibrary.compareVersions("0.3", "0.3.0"));
        }

        @Test
        void compareVersions_nonNumericPart_throwsIaeNamingIt() {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> BlasLibrary.compareVersions("0.3.x", "0.3.31"));
            assertTrue(e.getMessage().contains("\"x\""), e.getMessage());
        }

        @Test
        void findOpenBlas_picksTheMappedLibraryAmongOthers() {
            List<String> maps = List.of(
                    "55d0c6a00000-55d0c6a01000 r--p 00000000 08:01 1311 /usr/lib/jvm/java-17/bin/java",
                    "7f10a0000000-7f10a0021000 rw-p 00000000 00:00 0 ",
                    "7f10b2000000-7f10b2100000 r-xp 00000000 08:01 99 /root/.javacpp/cache/openblas.jar/"
                            + "org/bytedeco/openblas/linux-x86_64/libjniopenblas_nolapack.so",
                    "7f10b3000000-7f10b5000000 r-xp 00010000 08:01 98 /root/.javacpp/cache/my dir/"
                            + "org/bytedeco/openblas/linux-x86_64/libopenblas.so.0",
                    "7f10b6000000-7f10b6100000 r--p 00000000 08:01 97 /usr/lib/libopenblas_other.so.0");
            assertEquals(
                    Optional.of("/root/.javacpp/cache/my dir/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0"),
                    BlasLibrary.findOpenBlas(maps));
        }

        @Test
        void findOpenBlas_noneMapped_isEmpty() {
            assertEquals(
                    Optional.empty(),
                    BlasLibrary.findOpenBlas(List.of(
                            "7f10b3000000-7f10b5000000 r-xp 00000000 08:01 98 /opt/intel/mkl/libmkl_rt.so.2",
                            "7f10a0000000-7f10a0021000 rw-p 00000000 00:00 0 [heap]")));
        }

        @Test
        void cpuHasAvx2_readsTheFlagsLineOnly() {
            assertTrue(BlasLibrary.cpuHasAvx2(
                    List.of("processor\t: 0", "cpu family\t: 26", "flags\t\t: fpu sse sse2 avx avx2 fma avx512f")));
            assertFalse(BlasLibrary.cpuHasAvx2(List.of("flags\t\t: fpu sse sse2 avx fma", "bugs\t\t: avx2")));
            assertFalse(BlasLibrary.cpuHasAvx2(List.of("flags\t\t: avx2x avx512f")));
            assertFalse(BlasLibrary.cpuHasAvx2(List.of()));
        }

        @Test
        void isPreAvx2Core_genericFallbacksOnly() {
            for (String core : List.of("Prescott", "Barcelona", "Nehalem", "Sandybridge", "Core2", "generic")) {
                assertTrue(BlasLibrary.isPreAvx2Core(core), core);
            }
            for (String core : List.of("Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids", "Zen6")) {
                assertFalse(BlasLibrary.isPreAvx2Core(core), core);
            }
        }
    }

    @Nested
    class Warnings {

        @Test
        void pinnedVersionAndAvx2Core_warnsNothing() {
            assertEquals(List.of(), BlasLibrary.warnings(info(CONFIG_31, "Cooperlake"), PINS, true, null));
        }

        @Test
        void newerThanPinned_warnsNothing() {
            assertEquals(
                    List.of(), BlasLibrary.warnings(info("OpenBLAS 0.3.40 DYNAMIC_ARCH", "Zen"), PINS, true, null));
        }

        @Test
        void olderVersion_warnsWithTheBomAndThePins() {
            List<String> w = BlasLibrary.warnings(info(CONFIG_19, "Haswell"), PINS, true, "Haswell");
            assertEquals(1, w.size(), w.toString());
            assertTrue(w.get(0).startsWith("OpenBLAS 0.3.19 is older than 0.3.31"), w.get(0));
            assertTrue(w.get(0).contains("io.hyperp:hyperp-bom:0.1.0"), w.get(0));
            assertTrue(w.get(0).contains("org.bytedeco:openblas 0.3.31-1.5.13"), w.get(0));
            assertTrue(w.get(0).contains("org.bytedeco:javacpp 1.5.13"), w.get(0));
        }

        @Test
        void olderVersionOnUnknownCpu_warnsTwiceAndPointsToTheUpgrade() {
            // What a new user of nd4j-native 1.0.0-M2.1 gets on Zen 5: 0.3.19 falls back to Barcelona.
            List<String> w = BlasLibrary.warnings(info(CONFIG_19, "Barcelona"), PINS, true, null);
            assertEquals(2, w.size(), w.toString());
            assertTrue(w.get(1).contains("core Barcelona"), w.get(1));
            assertTrue(w.get(1).contains("a newer OpenBLAS knows this processor"), w.get(1));
        }

        @Test
        void genericCoreWithoutAvx2_warnsNothing() {
            // An old processor: Barcelona is the right choice there.
            assertEquals(List.of(), BlasLibrary.warnings(info(CONFIG_31, "Barcelona"), PINS, false, null));
        }

        @Test
        void genericCoreForcedByEnvironment_saysSo() {
            List<String> w = BlasLibrary.warnings(info(CONFIG_31, "Prescott"), PINS, true, "PRESCOTT");
            assertEquals(1, w.size(), w.toString());
            assertTrue(w.get(0).contains("OPENBLAS_CORETYPE=PRESCOTT forces it"), w.get(0));
        }

        @Test
        void genericCoreOnPinnedVersion_suggestsTheCoreType() {
            List<String> w = BlasLibrary.warnings(info(CONFIG_31, "Nehalem"), PINS, true, null);
            assertEquals(1, w.size(), w.toString());
            assertTrue(w.get(0).contains("set OPENBLAS_CORETYPE=Haswell"), w.get(0));
        }

        @Test
        void unknownVersion_warnsOnlyAboutTheCore() {
            assertEquals(List.of(), BlasLibrary.warnings(info("custom build", "Haswell"), PINS, true, null));
            List<String> w = BlasLibrary.warnings(info("custom build", "Prescott"), PINS, true, null);
            assertEquals(1, w.size(), w.toString());
            assertTrue(w.get(0).contains("core Prescott"), w.get(0));
        }
    }

    @Test
    void pins_comeFromTheBuild() {
        BlasLibrary.Pins pins = BlasLibrary.pins();
        // Filtered from hyperp-bom at build time: an unfiltered ${...} would fail the parse below.
        assertTrue(pins.openblasVersion().matches("\\d+(\\.\\d+)+"), pins.toString());
        assertTrue(pins.javacppVersion().matches("\\d+(\\.\\d+)+"), pins.toString());
        assertFalse(pins.hyperpVersion().contains("$"), pins.toString());
        assertEquals("0.3.31", new BlasLibrary.Pins("x", "0.3.31-1.5.13", "y").openblasVersion());
    }

    @Test
    void read_thisJvm_isThePinnedOpenBlas() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "reads /proc/self/maps: Linux only");
        assumeTrue(BlasLibrary.CPU_BACKEND.equals(Nd4j.getBackend().getClass().getName()), "CPU backend only");
        Nd4j.create(new float[] {1, 2, 3, 4}, 2, 2).mmul(Nd4j.eye(2)); // make sure BLAS is loaded

        BlasLibrary.Info info = BlasLibrary.read().orElseThrow();
        assertEquals(BlasLibrary.pins().openblasVersion(), info.version(), info.toString());
        assertFalse(info.core().isEmpty(), info.toString());
        String coretype = System.getenv("OPENBLAS_CORETYPE");
        if (coretype != null && !coretype.isBlank()) {
            assertTrue(info.core().equalsIgnoreCase(coretype), info + " with OPENBLAS_CORETYPE=" + coretype);
        }
        assertEquals(Optional.of(info), BlasLibrary.checkOnce());
    }
}
