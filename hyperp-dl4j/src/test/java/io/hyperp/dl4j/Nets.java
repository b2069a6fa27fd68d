package io.hyperp.dl4j;

import io.hyperp.core.param.ParamSpec;
import io.hyperp.optim.ParamSet;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small DL4J networks and data for the adapter's tests. */
final class Nets {

    static final int IN = 8;
    static final int CLASSES = 5;

    private Nets() {}

    /** Dense(8->16, tanh), BatchNorm(16), Dense(16->12, relu), Output(12->5, softmax). */
    static MultiLayerNetwork mlp(long seed, DataType dt) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dt)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(IN)
                        .nOut(16)
                        .activation(Activation.TANH)
                        .build())
                .layer(new BatchNormalization.Builder().nOut(16).build())
                .layer(new DenseLayer.Builder()
                        .nIn(16)
                        .nOut(12)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(12)
                        .nOut(CLASSES)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Embedding(20->8), Dense(8->16, tanh), Output(16->5, softmax). */
    static MultiLayerNetwork embeddingMlp(long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new EmbeddingLayer.Builder().nIn(20).nOut(8).build())
                .layer(new DenseLayer.Builder()
                        .nIn(8)
                        .nOut(16)
                        .activation(Activation.TANH)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(16)
                        .nOut(CLASSES)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** in -> h1 (dense 16) -> h2 (dense 16); res = h1 + h2; out (softmax 5). */
    static ComputationGraph residualGraph(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.feedForward(IN))
                .addLayer(
                        "h1",
                        new DenseLayer.Builder()
                                .nOut(16)
                                .activation(Activation.TANH)
                                .build(),
                        "in")
                .addLayer(
                        "h2",
                        new DenseLayer.Builder()
                                .nOut(16)
                                .activation(Activation.TANH)
                                .build(),
                        "h1")
                .addVertex("res", new ElementWiseVertex(ElementWiseVertex.Op.Add), "h1", "h2")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(CLASSES)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "res")
                .setOutputs("out")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** A random classification batch: features N(0, 1), one-hot labels. */
    static DataSet batch(long seed, int n, DataType dt) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(dt, n, IN);
        INDArray y = Nd4j.zeros(dt, n, CLASSES);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, r.nextInt(CLASSES), 1.0);
        }
        return new DataSet(x, y);
    }

    /** A random batch of token ids in [0, 20) with one-hot labels, for {@link #embeddingMlp}. */
    static DataSet tokenBatch(long seed, int n) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        INDArray x = Nd4j.zeros(DataType.FLOAT, n, 1);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, CLASSES);
        for (int i = 0; i < n; i++) {
            int t = r.nextInt(20);
            x.putScalar(i, 0, t);
            y.putScalar(i, t % CLASSES, 1.0);
        }
        return new DataSet(x, y);
    }

    /** C-order copies of the network's parameters in the shapes of {@code specs}. */
    static ParamSet copyParams(Model net, List<ParamSpec> specs) {
        ParamSet.Builder b = ParamSet.builder();
        for (ParamSpec s : specs) {
            INDArray p = net.getParam(s.name());
            b.add(s, p.reshape(p.ordering(), s.shape()).dup('c'));
        }
        return b.build();
    }

    /** The network's parameter in the shape of {@code spec}, as a c-order copy. */
    static INDArray param(Model net, ParamSpec spec) {
        INDArray p = net.getParam(spec.name());
        return p.reshape(p.ordering(), spec.shape()).dup('c');
    }
}
