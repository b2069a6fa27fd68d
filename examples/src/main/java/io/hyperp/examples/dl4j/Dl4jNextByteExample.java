package io.hyperp.examples.dl4j;

import io.hyperp.core.rule.Parameterizations;
import io.hyperp.demo.data.ByteCorpus;
import io.hyperp.demo.gpt.NdThreads;
import io.hyperp.dl4j.HyperpBinding;
import io.hyperp.dl4j.HyperpDl4j;
import io.hyperp.optim.schedule.LrSchedule;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * An ordinary DL4J network switched to HyperP in three lines: a next-byte model (embedding of the
 * previous byte, two tanh layers, softmax over 256 bytes) on the demo corpus (Guava's Java sources),
 * trained by DL4J's own {@code fit} with HyperP and, for comparison, with DL4J's Adam; then saved,
 * loaded and continued, which must give exactly the parameters of an uninterrupted run.
 *
 * <p>Usage: {@code Dl4jNextByteExample [steps] [learningRate]} (defaults 400 and 0.2, HyperP's
 * relative step). Prints the role table, the held-out loss every 100 steps for both optimizers, and
 * the result of the save-load check. Bad arguments print one line on stderr and exit with status 2.
 */
public final class Dl4jNextByteExample {

    private static final int VOCAB = 256;
    private static final int BATCH = 128;
    private static final int CORPUS_BYTES = 2_000_000;
    private static final int VALIDATION_PAIRS = 4096;

    private Dl4jNextByteExample() {}

    /** Runs the example; see the class documentation for the arguments. */
    public static void main(String[] args) throws IOException {
        int steps;
        double lr;
        try {
            steps = args.length > 0 ? Integer.parseInt(args[0]) : 400;
            lr = args.length > 1 ? Double.parseDouble(args[1]) : 0.2;
            if (steps < 2 || !(lr > 0 && Double.isFinite(lr)) || args.length > 2) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            System.err.println("usage: Dl4jNextByteExample [steps >= 2] [learningRate > 0]");
            System.exit(2);
            return;
        }
        NdThreads.singleModel();
        ByteCorpus corpus = ByteCorpus.load(ByteCorpus.DEFAULT_RESOURCE, CORPUS_BYTES, 0.1);
        System.out.println(corpus);
        DataSet validation = batch(corpus.sampler(ByteCorpus.Split.VALIDATION, 99), VALIDATION_PAIRS);

        MultiLayerNetwork hyperpNet = network(new Adam(1e-3));
        HyperpDl4j hyperp = HyperpDl4j.builder(Parameterizations.hyperP(2), LrSchedule.linearDecay(lr, 0, steps, 0.1))
                .initializeParameters(1)
                .build();
        System.out.print(hyperp.roles(hyperpNet).table());
        HyperpBinding binding = hyperp.attach(hyperpNet);

        MultiLayerNetwork adamNet = network(new Adam(3e-3));
        System.out.printf(Locale.ROOT, "%n%8s %14s %14s%n", "step", "HyperP loss", "Adam loss");
        ByteCorpus.Sampler hs = corpus.sampler(ByteCorpus.Split.TRAIN, 1);
        ByteCorpus.Sampler as = corpus.sampler(ByteCorpus.Split.TRAIN, 1);
        int half = steps / 2;
        File saved = Files.createTempFile("hyperp-dl4j", ".zip").toFile();
        saved.deleteOnExit();
        DataSet[] secondHalf = new DataSet[steps - half];
        for (int s = 0; s < steps; s++) {
            DataSet ds = batch(hs, BATCH);
            if (s == half) {
                ModelSerializer.writeModel(hyperpNet, saved, true);
            }
            if (s >= half) {
                secondHalf[s - half] = ds;
            }
            hyperpNet.fit(ds);
            adamNet.fit(batch(as, BATCH));
            if ((s + 1) % 100 == 0 || s + 1 == steps) {
                System.out.printf(
                        Locale.ROOT,
                        "%8d %14.4f %14.4f%n",
                        s + 1,
                        hyperpNet.score(validation),
                        adamNet.score(validation));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "HyperP steps %d, ||1_W|| %.5f (radius %.5f)%n",
                binding.stepCount(),
                hyperpNet.getParam("1_W").norm2Number().doubleValue(),
                binding.radius("1_W"));

        MultiLayerNetwork resumed = ModelSerializer.restoreMultiLayerNetwork(saved, true);
        HyperpDl4j.bind(resumed);
        for (DataSet ds : secondHalf) {
            resumed.fit(ds);
        }
        INDArray diff = resumed.params().sub(hyperpNet.params());
        System.out.printf(
                Locale.ROOT,
                "saved at step %d, loaded and continued: largest parameter difference %.3g%n",
                half,
                diff.amaxNumber().doubleValue());
    }

    /** Embedding(256 -> 32), Dense(32 -> 128, tanh), Dense(128 -> 128, tanh), Output(128 -> 256, softmax). */
    private static MultiLayerNetwork network(IUpdater updater) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .updater(updater)
                .list()
                .layer(new EmbeddingLayer.Builder().nIn(VOCAB).nOut(32).build())
                .layer(new DenseLayer.Builder()
                        .nIn(32)
                        .nOut(128)
                        .activation(Activation.TANH)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(128)
                        .nOut(128)
                        .activation(Activation.TANH)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(128)
                        .nOut(VOCAB)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** {@code n} (previous byte, next byte) pairs. */
    private static DataSet batch(ByteCorpus.Sampler sampler, int n) {
        int[] windows = new int[n * 2];
        sampler.nextBatch(n, 1, windows);
        INDArray x = Nd4j.zeros(DataType.FLOAT, n, 1);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, VOCAB);
        for (int i = 0; i < n; i++) {
            x.putScalar(i, 0, windows[2 * i]);
            y.putScalar(i, windows[2 * i + 1], 1.0);
        }
        return new DataSet(x, y);
    }
}
