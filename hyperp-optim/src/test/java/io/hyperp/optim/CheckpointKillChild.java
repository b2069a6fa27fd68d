package io.hyperp.optim;

import static io.hyperp.optim.OptimizerTest.HYPERP;
import static io.hyperp.optim.OptimizerTest.hyperP;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training process that {@link CheckpointKillTest} kills: it resumes from the latest checkpoint in a
 * directory (or starts afresh), then steps the optimizer of {@link TestParams} with gradients that depend only
 * on the step, and every {@code interval} steps saves the parameters and then the optimizer, each with
 * {@link Checkpoints#writeAtomically}, as {@code step-N.params} and {@code step-N.ckpt}. The optimizer file is
 * written second, so a pair is complete when its {@code .ckpt} exists; older pairs are deleted after a save.
 *
 * <p>Prints {@code warm} once ND4J is loaded and waits for a line {@code go} on standard input (any other line
 * or the end of input ends it); then resumes, prints {@code ready S} (resumed at step S), and prints
 * {@code step S} after each step.
 */
final class CheckpointKillChild {
    private CheckpointKillChild() {}

    /** Gradients of step {@code s}: the same in every process, so a resumed run equals an uninterrupted one. */
    static ParamSet grads(ParamSet params, long s) {
        return TestParams.grads(params, 1000 + s);
    }

    static ParamSet freshParams() {
        return TestParams.params(HYPERP, DataType.FLOAT, 5);
    }

    static Path ckpt(Path dir, long step) {
        return dir.resolve(String.format(Locale.ROOT, "step-%08d.ckpt", step));
    }

    static Path paramsFile(Path dir, long step) {
        return dir.resolve(String.format(Locale.ROOT, "step-%08d.params", step));
    }

    /** The step of the latest complete pair, if any. */
    static Optional<Long> latest(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("step-\\d{8}\\.ckpt"))
                    .map(n -> Long.parseLong(n.substring(5, 13)))
                    .max(Long::compare);
        }
    }

    static void saveParams(ParamSet params, Path file) throws IOException {
        Checkpoints.writeAtomically(file, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            for (ParamSet.Entry e : params.entries()) {
                for (float v : e.array().dup('c').data().asFloat()) {
                    out.writeFloat(v);
                }
            }
            out.flush();
        });
    }

    static void loadParams(ParamSet params, Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            DataInputStream in = new DataInputStream(raw);
            for (ParamSet.Entry e : params.entries()) {
                float[] v = new float[(int) e.array().length()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = in.readFloat();
                }
                INDArray a = Nd4j.create(v, e.array().shape(), 'c');
                e.array().assign(a);
            }
            if (in.read() != -1) {
                throw new IOException(file + ": trailing bytes");
            }
        }
    }

    /** Resumes from the latest pair in {@code dir}, or starts at step 0. */
    static Optimizer resume(Path dir, ParamSet params) throws IOException {
        Optimizer opt = hyperP(params);
        Optional<Long> at = latest(dir);
        if (at.isPresent()) {
            loadParams(params, paramsFile(dir, at.get()));
            opt.restore(ckpt(dir, at.get()));
        }
        return opt;
    }

    /**
     * Runs until killed or until {@code total} steps.
     *
     * @param args the directory, the total step count, the save interval
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long total = Long.parseLong(args[1]);
        long interval = Long.parseLong(args[2]);
        // The same native thread settings as the test JVM, so that both compute bit for bit the same.
        new NdTestThreads().beforeAll(null);
        ParamSet params = freshParams();
        // Warm up (ND4J's native libraries, the JIT) on a copy, then wait for the go: the test starts the
        // next process while the current one trains, so a kill is not followed by a JVM start-up.
        ParamSet warm = TestParams.copy(params);
        hyperP(warm).step(grads(warm, 0), warm);
        System.out.println("warm");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"go".equals(in.readLine())) {
            System.exit(0); // ND4J may hold non-daemon threads
        }
        Optimizer opt = resume(dir, params);
        System.out.println("ready " + opt.stepCount());
        System.out.flush();
        while (opt.stepCount() < total) {
            long s = opt.stepCount();
            opt.step(grads(params, s), params);
            long done = s + 1;
            if (done % interval == 0) {
                saveParams(params, paramsFile(dir, done));
                opt.save(ckpt(dir, done));
                for (long old : List.of(done - 2 * interval, done - 3 * interval)) {
                    Files.deleteIfExists(ckpt(dir, old));
                    Files.deleteIfExists(paramsFile(dir, old));
                }
            }
            System.out.println("step " + done);
            System.out.flush();
        }
        System.exit(0);
    }
}
