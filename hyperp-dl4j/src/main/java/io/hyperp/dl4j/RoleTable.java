package io.hyperp.dl4j;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.rule.ParamTreatment;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The roles HyperP gives the parameters of a DL4J network, with the treatment each gets under the
 * parameterization rule and the reason for the role. Parameters DL4J keeps for itself (batch-norm
 * running statistics, which DL4J updates with a no-op updater) appear with a {@code null} role.
 *
 * @param rule the parameterization rule's name
 * @param rows one row per parameter, in the network's parameter order
 */
public record RoleTable(String rule, ImmutableList<Row> rows) {

    /**
     * One parameter.
     *
     * @param param     the network's key of the parameter ({@code "0_W"} in a MultiLayerNetwork,
     *                  {@code "dense_W"} in a ComputationGraph)
     * @param layer     the layer's name
     * @param layerType the DL4J layer configuration class
     * @param shape     the parameter's DL4J shape
     * @param role      the role, or {@code null} if HyperP does not train it
     * @param treatment the rule's treatment of the parameter, or {@code null} if HyperP does not train it
     * @param reason    why it got this role ("given" for an override)
     */
    public record Row(
            String param,
            String layer,
            String layerType,
            List<Long> shape,
            ParamRole role,
            ParamTreatment treatment,
            String reason) {
        /** Copies the shape. */
        public Row {
            Objects.requireNonNull(param, "param");
            shape = List.copyOf(shape);
        }

        /** Whether HyperP trains this parameter. */
        public boolean trained() {
            return role != null;
        }
    }

    /** Copies the rows. */
    public RoleTable {
        Objects.requireNonNull(rule, "rule");
        rows = ImmutableList.copyOf(rows);
    }

    /** The roles of the parameters HyperP trains, by key. */
    public Map<String, ParamRole> roles() {
        ImmutableMap.Builder<String, ParamRole> b = ImmutableMap.builder();
        for (Row r : rows) {
            if (r.trained()) {
                b.put(r.param(), r.role());
            }
        }
        return b.build();
    }

    /** The row of a parameter. */
    public Row row(String param) {
        for (Row r : rows) {
            if (r.param().equals(param)) {
                return r;
            }
        }
        throw new IllegalArgumentException(String.format(
                Locale.ROOT,
                "no parameter '%s' (parameters: %s)",
                param,
                rows.stream().map(Row::param).toList()));
    }

    /** A printable table: parameter, layer type, shape, role, optimizer, learning-rate multiplier, reason. */
    public String table() {
        String fmt = "%-16s %-22s %-12s %-12s %-12s %-8s %s%n";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "rule %s%n", rule));
        sb.append(String.format(
                Locale.ROOT, fmt, "param", "layer type", "shape", "role", "optimizer", "lr x", "because"));
        for (Row r : rows) {
            String shape = r.shape().toString().replace(" ", "");
            sb.append(String.format(
                    Locale.ROOT,
                    fmt,
                    r.param(),
                    r.layerType(),
                    shape,
                    r.trained() ? r.role().name() : "-",
                    r.trained() ? r.treatment().family().name() : "DL4J",
                    r.trained() ? String.valueOf(r.treatment().lrMultiplier()) : "-",
                    r.reason()));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return table();
    }
}
