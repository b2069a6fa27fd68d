package io.hyperp.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user's build gets: resolves the class path of the two consumer projects in
 * {@code hyperp-bom/src/it} (nd4j-native with and without {@code hyperp-bom} imported) with the Maven
 * running this build, then runs {@link BomProbe} on each class path in a new JVM and checks which
 * OpenBLAS it resolved and which one the process loaded.
 *
 * <p>Why it works on a fresh machine where {@code mvn verify} is the first build: nothing is installed.
 * The BOM is read from this source tree, as a module of the consumer's reactor (Maven resolves an
 * imported POM from the reactor); everything else comes from the build's local repository, with the
 * build's own online or offline mode, so an online build downloads what the consumer lacks (OpenBLAS
 * 0.3.19 for the project without the BOM) and an offline one uses what is there.
 */
class BomConsumerTest {

    private static final Pattern OPENBLAS_JAR =
            Pattern.compile("openblas-(\\d+(?:\\.\\d+)+)-([0-9.]+)-linux-x86_64\\.jar");

    private static Path mavenHome;

    @BeforeAll
    static void needsMavenAndLinux() {
        String home = System.getProperty("hyperp.it.mavenHome", "");
        assumeTrue(!home.isEmpty() && !home.contains("${"), "run by Maven (surefire sets hyperp.it.mavenHome)");
        mavenHome = Path.of(home);
        // The consumers use nd4j-native; a -Pcuda build pins the 1.5.7 line, which they do not compare to.
        assumeTrue("nd4j-native".equals(System.getProperty("hyperp.it.backend")), "CPU backend build only");
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")), "linux-x86_64 only");
    }

    @Test
    void withBom_resolvesAndLoadsThePinnedOpenBlas(@TempDir Path dir) throws Exception {
        BlasLibrary.Pins pins = BlasLibrary.pins();
        String cp = resolveClassPath("with-bom", dir);
        assertEquals(pins.openblasArtifact(), openblasArtifact(cp), cp);

        String loaded = runProbe(cp);
        assertEquals(pins.openblasVersion(), loaded);
    }

    @Test
    void withoutBom_getsNd4jsOlderOpenBlas(@TempDir Path dir) throws Exception {
        BlasLibrary.Pins pins = BlasLibrary.pins();
        String cp = resolveClassPath("without-bom", dir);
        String artifact = openblasArtifact(cp);
        String resolved = artifact.substring(0, artifact.indexOf('-'));
        // Maven's nearest-wins: nd4j-native 1.0.0-M2.1 declares OpenBLAS 0.3.19, older than the pin.
        assertTrue(BlasLibrary.compareVersions(resolved, pins.openblasVersion()) < 0, cp);

        String loaded = runProbe(cp);
        assertEquals(resolved, loaded);
    }

    @Test
    void readme_showsTheTestedConsumer() throws IOException {
        // The README's quick start shows the BOM import and nd4j-native as with-bom/pom.xml declares them.
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("<!-- bom -->\\s*```xml\\n(.*?)```", Pattern.DOTALL)
                .matcher(readme);
        assertTrue(block.find(), "README.md has no xml block after <!-- bom -->");
        String shown = squeeze(block.group(1));
        String pom = Files.readString(
                Path.of("..", "hyperp-bom", "src", "it", "with-bom", "pom.xml"), StandardCharsets.UTF_8);
        Matcher section = Pattern.compile(
                        "(?s)<dependencyManagement>.*?</dependencyManagement>|<dependency>.*?</dependency>")
                .matcher(pom.replace("${hyperp.version}", BlasLibrary.pins().hyperpVersion()));
        int n = 0;
        while (section.find()) {
            assertTrue(shown.contains(squeeze(section.group())), "README.md does not show " + section.group());
            n++;
        }
        assertTrue(n >= 3, "with-bom/pom.xml: expected the import and two dependencies, found " + n);
    }

    private static String squeeze(String xml) {
        return xml.replaceAll(">\\s+<", "><").trim();
    }

    /** The OpenBLAS artifact version (such as {@code 0.3.31-1.5.13}) of the native jar on {@code cp}. */
    private static String openblasArtifact(String cp) {
        Matcher m = OPENBLAS_JAR.matcher(cp);
        assertTrue(m.find(), "no linux-x86_64 OpenBLAS jar on the consumer's class path: " + cp);
        return m.group(1) + "-" + m.group(2);
    }

    /** Resolves the consumer project's class path with the Maven running this build. */
    private static String resolveClassPath(String project, Path dir) throws IOException, InterruptedException {
        Path pom = Path.of("..", "hyperp-bom", "src", "it", project, "pom.xml")
                .toAbsolutePath()
                .normalize();
        assertTrue(Files.isRegularFile(pom), pom + " is missing");
        Path out = dir.resolve("classpath.txt");
        List<String> cmd = new ArrayList<>(List.of(
                mavenHome.resolve("bin").resolve("mvn").toString(),
                "-B",
                "-q",
                "-f",
                pom.toString(),
                "-Dhyperp.version=" + BlasLibrary.pins().hyperpVersion(),
                "-Dnd4j.version=" + System.getProperty("hyperp.it.nd4jVersion"),
                "-Ddependency.plugin.version=" + System.getProperty("hyperp.it.dependencyPlugin"),
                "-Dclasspath.file=" + out,
                "validate"));
        if ("offline=true".equals(System.getProperty("hyperp.it.offline"))) {
            cmd.add(1, "-o");
        }
        String repo = System.getProperty("hyperp.it.localRepository", "");
        if (!repo.isEmpty() && !repo.contains("${")) {
            cmd.add(1, "-Dmaven.repo.local=" + repo);
        }
        String log = run(cmd, dir, 300);
        assertTrue(Files.isRegularFile(out), "mvn wrote no class path:\n" + log);
        return Files.readString(out, StandardCharsets.UTF_8).trim();
    }

    /** Runs {@link BomProbe} on the consumer's class path and returns the OpenBLAS version it loaded. */
    private static String runProbe(String consumerCp) throws IOException, InterruptedException, URISyntaxException {
        // The consumer's jars first; then this module's classes (BlasLibrary) and test classes (the probe).
        String cp = String.join(
                File.pathSeparator,
                consumerCp,
                codeSource(BlasLibrary.class).toString(),
                codeSource(BomProbe.class).toString());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String out = run(List.of(java.toString(), "-cp", cp, BomProbe.class.getName()), null, 120);
        System.out.println(out); // into the surefire report: what the consumer's JVM loaded
        Matcher m = Pattern.compile("(?m)^openblas\\.version=(.*)$").matcher(out);
        if (!m.find()) {
            fail("the probe printed no OpenBLAS version:\n" + out);
        }
        return m.group(1).trim();
    }

    private static Path codeSource(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Runs {@code cmd}, failing with its output if it exits non-zero or hangs past {@code seconds}. */
    private static String run(List<String> cmd, Path dir, long seconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Path log = Files.createTempFile("bom-it", ".log");
        try {
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                // a guard against a hung child (a nested build takes seconds), not a speed check
                fail(String.join(" ", cmd) + " did not finish within " + seconds + " s:\n" + Files.readString(log));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
