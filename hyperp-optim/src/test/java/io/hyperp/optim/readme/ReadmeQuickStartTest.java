package io.hyperp.optim.readme;

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

/** Compiles and runs the README's quick-start snippet, so the README cannot drift from the API. */
class ReadmeQuickStartTest {

    @TempDir
    Path dir;

    @Test
    void quickStartSnippet_compilesRunsAndKeepsTheRadius() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<!-- quickstart -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no quick-start java block after <!-- quickstart -->");
        Path src = dir.resolve("QuickStart.java");
        Files.writeString(src, m.group(1));

        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-classpath", cp, "-d", dir.toString(), src.toString());
        assertEquals(0, rc, "the README snippet does not compile:\n" + diagnostics);

        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ReadmeQuickStartTest.class.getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            Method main = loader.loadClass("QuickStart").getMethod("main", String[].class);
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        Matcher line = Pattern.compile("step (\\d+), \\|\\|w_q\\|\\| ([0-9.]+) \\(radius ([0-9.]+)\\)").matcher(printed);
        assertTrue(line.find(), "unexpected output: " + printed);
        assertEquals("10", line.group(1));
        // The printed norm and radius agree to the 4 printed decimals: w_q stays on its sphere.
        assertEquals(line.group(3), line.group(2));
    }
}
