package io.hyperp.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles and runs the DL4J snippet of the README (or, until it is there, of this module's
 * README-section.md), so the documentation cannot drift from the API.
 */
class ReadmeDl4jTest {

    private static final Pattern SNIPPET = Pattern.compile("<!-- dl4j -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void dl4jSnippet_compilesRunsAndRestoresTheState() throws Exception {
        Matcher m = SNIPPET.matcher(Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8));
        if (!m.find()) {
            m = SNIPPET.matcher(Files.readString(Path.of("README-section.md"), StandardCharsets.UTF_8));
            assertTrue(m.find(), "neither README.md nor README-section.md has a java block after <!-- dl4j -->");
        }
        Path src = dir.resolve("Dl4jQuickStart.java");
        Files.writeString(src, m.group(1));
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-classpath", cp, "-d", dir.toString(), src.toString());
        assertEquals(0, rc, "the README snippet does not compile:\n" + diagnostics);

        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ReadmeDl4jTest.class.getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            Method main = loader.loadClass("Dl4jQuickStart").getMethod("main", String[].class);
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("SPHERE_MUON") && printed.contains("SPHERE_ADAM"), printed);
        Matcher line = Pattern.compile("step (\\d+), \\|\\|0_W\\|\\| ([0-9.]+) \\(radius ([0-9.]+)\\)").matcher(printed);
        assertTrue(line.find(), "unexpected output: " + printed);
        assertEquals("10", line.group(1), "the step count survives save and load");
        // Norm and stored radius agree to the 4 printed decimals: 0_W stayed on its sphere.
        assertEquals(line.group(3), line.group(2));
    }
}
