package io.hyperp.examples.moe;

import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.core.rule.Parameterizations;
import io.hyperp.demo.data.ByteCorpus;
import io.hyperp.demo.gpt.NdThreads;
import io.hyperp.moe.RouterConfig;
import io.hyperp.moe.layer.MoeLayerConfig;
import io.hyperp.moe.metrics.RoutingStats;
import io.hyperp.moe.samediff.SameDiffMoe;
import io.hyperp.optim.OptimizerOptions;
import io.hyperp.optim.samediff.RoleInference;
import io.hyperp.optim.samediff.SameDiffTrainer;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A mixture-of-experts layer inside a SameDiff model, trained with HyperP: a next-byte model on the demo
 * corpus that embeds the previous two bytes (width 64 after concatenation), adds the output of
 * {@link SameDiffMoe}'s feed-forward (8 experts, top-k, experts {@code 4 d / k} wide) to it, and predicts
 * the next byte with a softmax head. The balance losses of the layer are added to the training loss.
 *
 * <p>The model is trained twice, with SqrtGate and with plain softmax gates, from the same initialization
 * and batches. Every 25 steps it logs the training loss, MaxVio (from the layer's per-expert loads) and the
 * router Z on the held-out batch; at the end, the held-out cross-entropy of both.
 *
 * <p>Roles: the layer's own specs (router ROUTER, expert stacks EXPERT) for its variables, and
 * {@link RoleInference} for the rest of the graph (the embedding and the head), whose guess for the router
 * would take its {@code [E, d]} layout the wrong way round.
 *
 * <p>Usage: {@code SameDiffMoeExample [steps] [topK]} (defaults 100 and 2; topK from 1 to 8). Bad
 * arguments print one line on stderr and exit with status 2.
 */
public final class SameDiffMoeExample {

    private static final int VOCAB = 256;
    private static final int EMBED = 32;
    private static final int WIDTH = 2 * EMBED;
    private static final int EXPERTS = 8;
    private static final int BATCH = 128;
    private static final int CORPUS_BYTES = 2_000_000;
    private static final int VALIDATION_ROWS = 2048;
    private static final double LEARNING_RATE = 0.02;

    private SameDiffMoeExample() {}

    /** Runs the example; see the class documentation for the arguments. */
    public static void main(String[] args) {
        int steps;
        int topK;
        try {
            steps = args.length > 0 ? Integer.parseInt(args[0]) : 100;
            topK = args.length > 1 ? Integer.parseInt(args[1]) : 2;
            if (steps < 1 || topK < 1 || topK > EXPERTS || args.length > 2) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            System.err.println("usage: SameDiffMoeExample [steps >= 1] [topK in 1..8]");
            System.exit(2);
            return;
        }
        NdThreads.singleModel();
        ByteCorpus corpus = ByteCorpus.load(ByteCorpus.DEFAULT_RESOURCE, CORPUS_BYTES, 0.1);
        System.out.println(corpus);
        Map<String, INDArray> validation = batch(corpus.sampler(ByteCorpus.Split.VALIDATION, 99), VALIDATION_ROWS);
        RouterConfig router = new RouterConfig(EXPERTS, topK, false, true, RouterConfig.DEFAULT_SHARED_WEIGHT);
        double sqrtGate = train("SqrtGate", router, steps, corpus, validation);
        double plain = train("plain gates", router.withSqrtGate(false), steps, corpus, validation);
        System.out.printf(
                Locale.ROOT,
                "%nheld-out cross-entropy after %d steps, top-%d of %d: SqrtGate %.4f, plain gates %.4f%n",
                steps,
                topK,
                EXPERTS,
                sqrtGate,
                plain);
    }

    /** Trains one model and returns its held-out cross-entropy. */
    private static double train(
            String title, RouterConfig router, int steps, ByteCorpus corpus, Map<String, INDArray> validation) {
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
        SameDiffMoe.Output moe = SameDiffMoe.feedForward(sd, "moe", x, MoeLayerConfig.granular(WIDTH, router), 1);
        SDVariable logits = x.add(moe.output()).mmul(sd.var("head", Nd4j.zeros(DataType.FLOAT, WIDTH, VOCAB)));
        SDVariable ce = sd.loss.softmaxCrossEntropy("ce", next, logits, null);
        sd.identity("loss", ce.add(moe.auxLoss()));

        ParameterizationRule hyperP = Parameterizations.hyperP(1);
        List<ParamSpec> specs = new ArrayList<>(moe.specs());
        Set<String> layer = new HashSet<>();
        moe.specs().forEach(s -> layer.add(s.name()));
        for (RoleInference.Row row : RoleInference.infer(sd).rows()) {
            if (!layer.contains(row.spec().name())) {
                specs.add(row.spec());
            }
        }
        System.out.printf(Locale.ROOT, "%n%s%n", title);
        for (ParamSpec s : specs) {
            System.out.printf(
                    Locale.ROOT,
                    "%-12s %-12s %-12s %s%n",
                    s.name(),
                    Arrays.toString(s.shape()),
                    s.role(),
                    hyperP.treatment(s).family());
        }
        // Re-drawn by HyperP's initialization: U(+-1/sqrt(fan_in)) for the router and the experts (as the
        // layer's own), N(0, 1e-4^2) for the embedding, N(0, 0.02^2) for the head.
        SameDiffTrainer trainer = SameDiffTrainer.create(
                sd,
                "loss",
                specs,
                hyperP,
                LrSchedule.linearDecay(LEARNING_RATE, 0, steps, 0.1),
                OptimizerOptions.defaults(),
                true,
                1);
        System.out.printf(Locale.ROOT, "%8s %12s %8s %10s%n", "step", "train loss", "MaxVio", "router Z");
        ByteCorpus.Sampler train = corpus.sampler(ByteCorpus.Split.TRAIN, 1);
        for (int s = 0; s < steps; s++) {
            double loss = trainer.step(batch(train, BATCH));
            if ((s + 1) % 25 == 0 || s + 1 == steps) {
                Map<String, INDArray> m =
                        sd.output(validation, moe.loads().name(), moe.routerZ().name());
                System.out.printf(
                        Locale.ROOT,
                        "%8d %12.4f %8.3f %10.3f%n",
                        s + 1,
                        loss,
                        RoutingStats.maxVio(m.get(moe.loads().name()).toDoubleVector()),
                        m.get(moe.routerZ().name()).getDouble(0));
            }
        }
        return sd.output(validation, "ce").get("ce").getDouble(0);
    }

    /** {@code n} rows of (byte before last, last byte, next byte as one-hot). */
    private static Map<String, INDArray> batch(ByteCorpus.Sampler sampler, int n) {
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
}
