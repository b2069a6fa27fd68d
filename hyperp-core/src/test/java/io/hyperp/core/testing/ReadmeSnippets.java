package io.hyperp.core.testing;

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

/**
 * Compiles and runs a Java snippet of the project's README, so that documentation cannot drift from the
 * API: the snippet is the {@code java} code block right after an HTML comment {@code <!-- marker -->}.
 */
public final class ReadmeSnippets {

    private ReadmeSnippets() {}

    /**
     * Extracts the block after {@code <!-- marker -->} from {@code readme}, compiles it as
     * {@code className} against the test class path into {@code dir}, runs its {@code main} and returns
     * what it printed to standard output. Fails the calling test if the block is missing or does not
     * compile.
     *
     * @param caller a class of the calling test, whose class loader resolves the snippet's imports
     */
    public static String compileAndRun(Path readme, String marker, String className, Path dir, Class<?> caller)
            throws Exception {
        return compileAndRun(readme, marker, className, dir, caller, new String[0]);
    }

    /**
     * As {@link #compileAndRun(Path, String, String, Path, Class)}, passing {@code args} to the snippet's
     * {@code main}.
     *
     * @param args the snippet's command-line arguments
     */
    public static String compileAndRun(
            Path readme, String marker, String className, Path dir, Class<?> caller, String... args) throws Exception {
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<!-- " + Pattern.quote(marker) + " -->\\s*```java\\n(.*?)```", Pattern.DOTALL)
                .matcher(text);
        assertTrue(m.find(), readme + " has no java block after <!-- " + marker + " -->");
        Path src = dir.resolve(className + ".java");
        Files.writeString(src, m.group(1));

        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-classpath", cp, "-d", dir.toString(), src.toString());
        assertEquals(0, rc, "the README snippet does not compile:\n" + diagnostics);

        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, caller.getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            Method main = loader.loadClass(className).getMethod("main", String[].class);
            main.invoke(null, (Object) args.clone());
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
