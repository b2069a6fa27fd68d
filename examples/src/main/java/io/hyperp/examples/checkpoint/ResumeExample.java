package io.hyperp.examples.checkpoint;

import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.demo.data.ByteCorpus;
import io.hyperp.demo.gpt.NdThreads;
import io.hyperp.demo.gpt.TinyGpt;
import io.hyperp.demo.gpt.TinyGptConfig;
import io.hyperp.optim.Optimizer;
import io.hyperp.optim.Optimizers;
import io.hyperp.optim.ParamSet;
import io.hyperp.optim.schedule.LrSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A long run stopped and resumed: the demo's transformer ({@link TinyGpt}, depth 2) trained on the demo
 * corpus with HyperP, three ways from the same initialization and batches.
 *
 * <ol>
 *   <li>Uninterrupted, for {@code steps} steps.</li>
 *   <li>Stopped after {@code steps / 2}: the optimizer state is saved with {@link Optimizer#save} and the
 *       parameters with ND4J's binary format, into a fresh directory.</li>
 *   <li>Resumed in a new model built with another initialization seed (so nothing but the files carries
 *       the state): parameters loaded, a new optimizer restored with {@link Optimizer#restore}, the data
 *       sampler re-seeded and advanced past the batches already used, then trained to {@code steps}.</li>
 * </ol>
 *
 * <p>It prints the held-out loss of both runs and the largest parameter difference between them, which is
 * 0: the continuation is bit-identical. It then offers the optimizer a truncated and a bit-flipped copy of
 * the checkpoint; both are refused with the reason, and the optimizer keeps its step count.
 *
 * <p>Usage: {@code ResumeExample [steps] [width]} (defaults 100 and 64; steps at least 2, width a positive
 * multiple of 32). Bad arguments print one line on stderr and exit with status 2.
 */
public final class ResumeExample {

    private static final int CORPUS_BYTES = 2_000_000;
    private static final double LEARNING_RATE = 0.03;
    private static final int VALIDATION_BATCHES = 4;

    private ResumeExample() {}

    /** Runs the example; see the class documentation for the arguments. */
    public static void main(String[] args) throws IOException {
        int steps;
        int width;
        try {
            steps = args.length > 0 ? Integer.parseInt(args[0]) : 100;
            width = args.length > 1 ? Integer.parseInt(args[1]) : 64;
            if (steps < 2 || width < 32 || width % 32 != 0 || args.length > 2) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            System.err.println("usage: ResumeExample [steps >= 2] [width, a positive multiple of 32]");
            System.exit(2);
            return;
        }
        NdThreads.singleModel();
        ByteCorpus corpus = ByteCorpus.load(ByteCorpus.DEFAULT_RESOURCE, CORPUS_BYTES, 0.1);
        System.out.println(corpus);
        ParameterizationRule rule = Parameterizations.hyperP(2);
        TinyGptConfig config = TinyGptConfig.defaults()
                .withWidth(width)
                .withLogitMultiplier(rule.outputLogitMultiplier())
                .withSeed(1);
        LrSchedule schedule = LrSchedule.linearDecay(LEARNING_RATE, 0, steps, 0.1);
        int window = config.batch() * (config.context() + 1);
        int[][] validation = new int[VALIDATION_BATCHES][window];
        ByteCorpus.Sampler held = corpus.sampler(ByteCorpus.Split.VALIDATION, 2);
        for (int[] b : validation) {
            held.nextBatch(config.batch(), config.context(), b);
        }
        int half = steps / 2;

        // 1. The uninterrupted run.
        TinyGpt a = TinyGpt.create(config, spec -> rule.treatment(spec).init());
        Optimizer optA = Optimizers.create(a.values(), rule, schedule);
        train(a, optA, corpus.sampler(ByteCorpus.Split.TRAIN, 1), 0, steps);

        // 2. A run that stops halfway and writes its checkpoint.
        Path dir = Files.createTempDirectory("hyperp-resume");
        try {
            TinyGpt b = TinyGpt.create(config, spec -> rule.treatment(spec).init());
            Optimizer optB = Optimizers.create(b.values(), rule, schedule);
            train(b, optB, corpus.sampler(ByteCorpus.Split.TRAIN, 1), 0, half);
            optB.save(dir.resolve("optimizer.ckpt"));
            for (ParamSet.Entry e : b.values().entries()) {
                Nd4j.saveBinary(e.array(), dir.resolve(e.name() + ".bin").toFile());
            }
            System.out.printf(
                    Locale.ROOT,
                    "stopped at step %d: %s and %d parameter files in %s%n",
                    optB.stepCount(),
                    "optimizer.ckpt",
                    b.values().size(),
                    dir);

            // 3. Resume: another initialization, overwritten by the files.
            TinyGpt c = TinyGpt.create(
                    config.withSeed(99), spec -> rule.treatment(spec).init());
            for (ParamSet.Entry e : c.values().entries()) {
                e.array().assign(Nd4j.readBinary(dir.resolve(e.name() + ".bin").toFile()));
            }
            Optimizer optC = Optimizers.create(c.values(), rule, schedule);
            optC.restore(dir.resolve("optimizer.ckpt"));
            ByteCorpus.Sampler data = corpus.sampler(ByteCorpus.Split.TRAIN, 1);
            int[] skip = new int[window];
            for (long s = 0; s < optC.stepCount(); s++) {
                data.nextBatch(config.batch(), config.context(), skip); // the batches the first half used
            }
            train(c, optC, data, (int) optC.stepCount(), steps);

            double diff = 0;
            for (ParamSet.Entry e : a.values().entries()) {
                double d =
                        e.array().sub(c.values().array(e.name())).amaxNumber().doubleValue();
                diff = Math.max(diff, d);
            }
            System.out.printf(
                    Locale.ROOT,
                    "held-out loss after %d steps: uninterrupted %.4f, resumed %.4f%n",
                    steps,
                    validationLoss(a, validation),
                    validationLoss(c, validation));
            System.out.printf(
                    Locale.ROOT,
                    "resumed at step %d, step %d: largest parameter difference %s%s%n",
                    half,
                    optC.stepCount(),
                    diff,
                    diff == 0 ? " (bit-identical)" : "");

            // 4. What a damaged file gets.
            byte[] bytes = Files.readAllBytes(dir.resolve("optimizer.ckpt"));
            Path truncated = Files.write(dir.resolve("truncated.ckpt"), Arrays.copyOf(bytes, bytes.length / 3));
            bytes[bytes.length / 2] ^= 1;
            Path flipped = Files.write(dir.resolve("flipped.ckpt"), bytes);
            for (Path bad : new Path[] {truncated, flipped}) {
                try {
                    optC.restore(bad);
                    System.out.println("accepted " + bad.getFileName() + " (unexpected)");
                } catch (IllegalArgumentException e) {
                    System.out.println("refused " + bad.getFileName() + ": " + e.getMessage());
                }
            }
            System.out.printf(Locale.ROOT, "optimizer still at step %d%n", optC.stepCount());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Trains from step {@code from} (the sampler already positioned there) up to {@code to}. */
    private static void train(TinyGpt model, Optimizer optimizer, ByteCorpus.Sampler data, int from, int to) {
        TinyGptConfig cfg = model.config();
        int[] tokens = new int[cfg.batch() * (cfg.context() + 1)];
        for (int s = from; s < to; s++) {
            data.nextBatch(cfg.batch(), cfg.context(), tokens);
            double loss = model.forwardBackward(tokens);
            optimizer.step(model.grads(), model.values());
            if ((s + 1) % 25 == 0) {
                System.out.printf(Locale.ROOT, "  step %4d  train loss %.4f%n", s + 1, loss);
            }
        }
    }

    private static double validationLoss(TinyGpt model, int[][] batches) {
        double sum = 0;
        for (int[] b : batches) {
            sum += model.loss(b);
        }
        return sum / batches.length;
    }
}
