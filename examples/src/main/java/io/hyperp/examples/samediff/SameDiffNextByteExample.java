package io.hyperp.examples.samediff;

import io.hyperp.core.rule.Parameterizations;
import io.hyperp.demo.data.ByteCorpus;
import io.hyperp.demo.gpt.NdThreads;
import io.hyperp.optim.OptimizerOptions;
import io.hyperp.optim.samediff.RoleInference;
import io.hyperp.optim.samediff.SameDiffTrainer;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.Locale;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model written in SameDiff, trained with HyperP through {@link SameDiffTrainer}: a next-byte model on
 * the demo corpus (Guava's Java sources) that embeds the previous two bytes (a shared table of width 32),
 * passes them through two tanh layers of width 128 and predicts the next byte with a softmax head.
 *
 * <p>{@link RoleInference} guesses every variable's role from its name and shape and prints the table
 * (the embedding table is EMBEDDING, the two hidden matrices HIDDEN, the biases GAIN, the head
 * OUTPUT_HEAD); the trainer re-draws the weights by HyperP's initialization and trains them in place.
 *
 * <p>Usage: {@code SameDiffNextByteExample [steps] [learningRate]} (defaults 150 and 0.05). Prints the
 * role table, the held-out loss every 50 steps and at the end, and each sphere's norm against its
 * radius. Bad arguments print one line on stderr and exit with status 2.
 */
public final class SameDiffNextByteExample {

    private static final int VOCAB = 256;
    private static final int EMBED = 32;
    private static final int HIDDEN = 128;
    private static final int BATCH = 128;
    private static final int CORPUS_BYTES = 2_000_000;
    private static final int VALIDATION_ROWS = 4096;

    private SameDiffNextByteExample() {}

    /** Runs the example; see the class documentation for the arguments. */
    public static void main(String[] args) {
        int steps;
        double lr;
        try {
            steps = args.length > 0 ? Integer.parseInt(args[0]) : 150;
            lr = args.length > 1 ? Double.parseDouble(args[1]) : 0.05;
            if (steps < 1 || !(lr > 0 && Double.isFinite(lr)) || args.length > 2) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            System.err.println("usage: SameDiffNextByteExample [steps >= 1] [learningRate > 0]");
            System.exit(2);
            return;
        }
        NdThreads.singleModel();
        ByteCorpus corpus = ByteCorpus.load(ByteCorpus.DEFAULT_RESOURCE, CORPUS_BYTES, 0.1);
        System.out.println(corpus);
        Map<String, INDArray> validation = batch(corpus.sampler(ByteCorpus.Split.VALIDATION, 99), VALIDATION_ROWS);

        SameDiff sd = model();
        RoleInference.Report roles = RoleInference.infer(sd);
        System.out.print(roles.table());
        SameDiffTrainer trainer = SameDiffTrainer.create(
                sd,
                "loss",
                roles.specs(),
                Parameterizations.hyperP(2),
                LrSchedule.linearDecay(lr, 0, steps, 0.1),
                OptimizerOptions.defaults(),
                true,
                1);
        Map<String, Double> radius = Map.of(
                "w1", norm(trainer, "w1"),
                "w2", norm(trainer, "w2"),
                "head", norm(trainer, "head"));

        System.out.printf(Locale.ROOT, "%n%8s %12s %12s%n", "step", "train loss", "held-out");
        System.out.printf(Locale.ROOT, "%8d %12s %12.4f%n", 0, "-", trainer.loss(validation));
        ByteCorpus.Sampler train = corpus.sampler(ByteCorpus.Split.TRAIN, 1);
        for (int s = 0; s < steps; s++) {
            double loss = trainer.step(batch(train, BATCH));
            if ((s + 1) % 50 == 0 || s + 1 == steps) {
                System.out.printf(Locale.ROOT, "%8d %12.4f %12.4f%n", s + 1, loss, trainer.loss(validation));
            }
        }
        for (String name : radius.keySet().stream().sorted().toList()) {
            System.out.printf(Locale.ROOT, "||%s|| %.5f (radius %.5f)%n", name, norm(trainer, name), radius.get(name));
        }
        System.out.printf(Locale.ROOT, "steps %d%n", trainer.optimizer().stepCount());
    }

    /**
     * The graph: {@code emb} [256, 32] looked up (as one-hot products) for the previous two bytes,
     * concatenated to [B, 64], then {@code tanh(x w1 + b1)} [64, 128], {@code tanh(h w2 + b2)} [128, 128],
     * logits {@code h head} [128, 256] and the softmax cross-entropy against the next byte.
     */
    static SameDiff model() {
        SameDiff sd = SameDiff.create();
        SDVariable prev2 = sd.placeHolder("prev2", DataType.INT, -1);
        SDVariable prev1 = sd.placeHolder("prev1", DataType.INT, -1);
        SDVariable next = sd.placeHolder("next", DataType.FLOAT, -1, VOCAB);
        SDVariable emb = sd.var("emb", Nd4j.zeros(DataType.FLOAT, VOCAB, EMBED));
        // Embedding lookups as one-hot products: the gradient of two gathers does not build in SameDiff M2.1.
        SDVariable x = sd.concat(
                1,
                sd.oneHot(prev2, VOCAB, -1, 1.0, 0.0, DataType.FLOAT).mmul(emb),
                sd.oneHot(prev1, VOCAB, -1, 1.0, 0.0, DataType.FLOAT).mmul(emb));
        SDVariable h = sd.math.tanh(x.mmul(sd.var("w1", Nd4j.zeros(DataType.FLOAT, 2 * EMBED, HIDDEN)))
                .add(sd.var("b1", Nd4j.zeros(DataType.FLOAT, HIDDEN))));
        h = sd.math.tanh(h.mmul(sd.var("w2", Nd4j.zeros(DataType.FLOAT, HIDDEN, HIDDEN)))
                .add(sd.var("b2", Nd4j.zeros(DataType.FLOAT, HIDDEN))));
        SDVariable logits = h.mmul(sd.var("head", Nd4j.zeros(DataType.FLOAT, HIDDEN, VOCAB)));
        sd.loss.softmaxCrossEntropy("loss", next, logits, null);
        return sd;
    }

    /** {@code n} rows of (byte before last, last byte, next byte as one-hot). */
    static Map<String, INDArray> batch(ByteCorpus.Sampler sampler, int n) {
        int[] windows = new int[n * 3];
        sampler.nextBatch(n, 2, windows);
        int[] a = new int[n];
        int[] b = new int[n];
        INDArray next = Nd4j.zeros(DataType.FLOAT, n, VOCAB);
        for (int i = 0; i < n; i++) {
            a[i] = windows[3 * i];
            b[i] = windows[3 * i + 1];
            next.putScalar(i, windows[3 * i + 2], 1.0);
        }
        return Map.of("prev2", Nd4j.createFromArray(a), "prev1", Nd4j.createFromArray(b), "next", next);
    }

    private static double norm(SameDiffTrainer trainer, String name) {
        return trainer.params().array(name).norm2Number().doubleValue();
    }
}
