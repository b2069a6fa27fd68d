package io.hyperp.moe.layer;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One trainable tensor of a layer: its spec (name, shape, role), its value and its gradient buffer.
 * The record is immutable; the arrays are the layer's own and are mutable (an optimizer updates
 * {@code value} in place; the layer's backward pass overwrites {@code grad}).
 *
 * @param spec  the tensor's spec; its role tells the optimizer how to treat it
 * @param value the parameter array, of the spec's shape
 * @param grad  the gradient buffer, same shape and dtype
 */
public record LayerParam(io.hyperp.core.param.ParamSpec spec, INDArray value, INDArray grad) {

    /** Checks that both arrays have the spec's shape. */
    public LayerParam {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(grad, "grad");
        spec.checkShape("value", value.shape());
        spec.checkShape("grad", grad.shape());
    }

    /** The tensor's name. */
    public String name() {
        return spec.name();
    }
}
