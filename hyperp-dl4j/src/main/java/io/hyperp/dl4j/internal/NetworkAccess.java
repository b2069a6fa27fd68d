package io.hyperp.dl4j.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the adapter needs from a MultiLayerNetwork or a ComputationGraph, behind one interface:
 * its layers with their parameter-key prefixes, its updater, and the checks every network must pass.
 */
public final class NetworkAccess {

    /**
     * One layer with parameters.
     *
     * @param prefix the prefix of its parameter keys (index or vertex name)
     * @param conf   its configuration (shared with the network's JSON configuration)
     * @param params its parameters by DL4J name (live, shaped views)
     */
    public record LayerInfo(
            String prefix, org.deeplearning4j.nn.conf.layers.Layer conf, Map<String, INDArray> params) {}

    private final MultiLayerNetwork mln;
    private final ComputationGraph cg;

    private NetworkAccess(MultiLayerNetwork mln, ComputationGraph cg) {
        this.mln = mln;
        this.cg = cg;
    }

    /** Access to a MultiLayerNetwork. */
    public static NetworkAccess of(MultiLayerNetwork net) {
        return new NetworkAccess(Objects.requireNonNull(net, "net"), null);
    }

    /** Access to a ComputationGraph. */
    public static NetworkAccess of(ComputationGraph net) {
        return new NetworkAccess(null, Objects.requireNonNull(net, "net"));
    }

    /** "MultiLayerNetwork" or "ComputationGraph". */
    public String kind() {
        return mln != null ? "MultiLayerNetwork" : "ComputationGraph";
    }

    /**
     * Checks that the network was initialized, trains with stochastic gradient descent, holds float32
     * or float64 parameters and (for a graph) has no parameters outside layer vertices.
     *
     * @throws IllegalStateException otherwise
     */
    public void checkUsable() {
        Layer[] layers = mln != null ? mln.getLayers() : cg.getLayers();
        if (layers == null) {
            throw new IllegalStateException(kind() + " is not initialized: call init() first");
        }
        OptimizationAlgorithm algo =
                mln != null ? mln.conf().getOptimizationAlgo() : cg.conf().getOptimizationAlgo();
        if (algo != OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT,
                    "optimization algorithm %s is not supported; HyperP needs STOCHASTIC_GRADIENT_DESCENT",
                    algo));
        }
        DataType dt = (mln != null ? mln.params() : cg.params()).dataType();
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT, "network data type %s is not supported; HyperP needs FLOAT or DOUBLE", dt));
        }
        if (cg != null) {
            for (GraphVertex v : cg.getVertices()) {
                if (!v.hasLayer() && v.numParams() > 0) {
                    throw new IllegalArgumentException(String.format(
                            Locale.ROOT,
                            "vertex '%s' (%s) has %d parameters outside a layer; HyperP cannot train it yet",
                            v.getVertexName(),
                            v.getClass().getSimpleName(),
                            v.numParams()));
                }
            }
        }
    }

    /** The network's data type. */
    public DataType dataType() {
        return (mln != null ? mln.params() : cg.params()).dataType();
    }

    /** The layers in parameter order, including layers without parameters. */
    public List<LayerInfo> layers() {
        List<LayerInfo> out = new ArrayList<>();
        if (mln != null) {
            Layer[] layers = mln.getLayers();
            for (int i = 0; i < layers.length; i++) {
                out.add(new LayerInfo(
                        String.valueOf(i),
                        layers[i].conf().getLayer(),
                        new LinkedHashMap<>(layers[i].paramTable(false))));
            }
        } else {
            for (Layer l : cg.getLayers()) {
                String name = l.conf().getLayer().getLayerName();
                out.add(new LayerInfo(name, l.conf().getLayer(), new LinkedHashMap<>(l.paramTable(false))));
            }
        }
        return out;
    }

    /** Drops the current updater (and its state), so that the next one is built from the configuration. */
    public void resetUpdater() {
        if (mln != null) {
            mln.setUpdater(null);
        } else {
            cg.setUpdater(null);
        }
    }

    /** The network's updater, created from the configuration if there is none. */
    public BaseMultiLayerUpdater<?> updater() {
        Object u = mln != null ? mln.getUpdater(true) : cg.getUpdater(true);
        if (!(u instanceof BaseMultiLayerUpdater<?> b)) {
            throw new IllegalStateException("unexpected updater type "
                    + (u == null ? "null" : u.getClass().getName()));
        }
        return b;
    }

    /** The parameter-key prefix of a layer or vertex found in the updater's blocks. */
    public Function<Trainable, String> prefixOf() {
        return t -> {
            if (t instanceof GraphVertex v) {
                return v.getVertexName();
            }
            if (t instanceof Layer l) {
                return mln != null
                        ? String.valueOf(l.getIndex())
                        : l.conf().getLayer().getLayerName();
            }
            throw new IllegalStateException(
                    "unexpected trainable " + t.getClass().getName());
        };
    }
}
