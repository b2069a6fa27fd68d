package io.hyperp.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * The build runs JMH's annotation processor: every {@code @Benchmark} method of this module is in the
 * generated {@code META-INF/BenchmarkList}, without which {@code benchmarks.jar} runs nothing.
 */
class BenchmarkListTest {

    @Test
    void everyBenchmarkMethodIsListed() throws IOException {
        String list;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
            assertNotNull(in, "META-INF/BenchmarkList was not generated: JMH's annotation processor did not run");
            list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> declared = new TreeSet<>();
        for (Class<?> c : List.of(
                NewtonSchulzBenchmark.class,
                MuonStepBenchmark.class,
                TrainStepBenchmark.class,
                RouterBenchmark.class)) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(Benchmark.class)) {
                    declared.add(c.getName() + "." + m.getName());
                }
            }
        }
        // each line: JMH S <n> <class> S <n> <generated class> S <n> <method> ...
        Set<String> listed = new TreeSet<>();
        for (String line : list.split("\\R")) {
            String[] t = line.trim().split(" ");
            if (t.length > 9 && "JMH".equals(t[0])) {
                listed.add(t[3] + "." + t[9]);
            }
        }
        assertEquals(15, declared.size(), declared.toString());
        assertEquals(declared, listed);
    }
}
