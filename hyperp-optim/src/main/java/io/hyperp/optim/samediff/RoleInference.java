package io.hyperp.optim.samediff;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;

/**
 * Guesses a role for every trainable variable of a SameDiff graph from its name and shape, and
 * reports what it guessed and why, so the guess can be checked and overridden.
 *
 * <p>Rules, first match wins: rank 1 is a {@link ParamRole#GAIN} (gains and biases, AdamW); rank 3 is
 * an {@link ParamRole#EXPERT} stack {@code [E, out, in]}; a rank-2 name containing {@code emb} is an
 * {@link ParamRole#EMBEDDING}; {@code head}, {@code logit} or {@code output} an
 * {@link ParamRole#OUTPUT_HEAD}; {@code router} a {@link ParamRole#ROUTER}; every other matrix is
 * {@link ParamRole#HIDDEN}. Matrices are assumed to be used as {@code x W} ({@code [in, out]}, the
 * SameDiff {@code mmul} convention); stacks as {@code [E, out, in]}.
 */
public final class RoleInference {

    /** One inferred row. */
    public record Row(ParamSpec spec, String reason) {}

    /** The inferred specs, in graph order, with a printable table. */
    public record Report(ImmutableList<Row> rows) {
        /** The specs in order. */
        public List<ParamSpec> specs() {
            return rows.stream().map(Row::spec).collect(ImmutableList.toImmutableList());
        }

        /** The roles by variable name. */
        public Map<String, ParamRole> roles() {
            ImmutableMap.Builder<String, ParamRole> b = ImmutableMap.builder();
            rows.forEach(r -> b.put(r.spec().name(), r.spec().role()));
            return b.build();
        }

        /** A table: name, shape, role, reason. */
        public String table() {
            StringBuilder sb = new StringBuilder(
                    String.format(Locale.ROOT, "%-24s %-16s %-12s %s%n", "variable", "shape", "role", "because"));
            for (Row r : rows) {
                sb.append(String.format(
                        Locale.ROOT,
                        "%-24s %-16s %-12s %s%n",
                        r.spec().name(),
                        Arrays.toString(r.spec().shape()),
                        r.spec().role(),
                        r.reason()));
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return table();
        }
    }

    private RoleInference() {}

    /** Infers a role for every trainable variable of {@code sd}. */
    public static Report infer(SameDiff sd) {
        return infer(sd, Map.of());
    }

    /**
     * Infers roles, except for the variables named in {@code overrides}, which get the given role.
     *
     * @throws IllegalArgumentException if an override names no trainable variable
     */
    public static Report infer(SameDiff sd, Map<String, ParamRole> overrides) {
        Objects.requireNonNull(sd, "sd");
        Objects.requireNonNull(overrides, "overrides");
        Map<String, SDVariable> vars = new LinkedHashMap<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                vars.put(v.name(), v);
            }
        }
        for (String name : overrides.keySet()) {
            if (!vars.containsKey(name)) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT, "override '%s' names no trainable variable (variables: %s)", name, vars.keySet()));
            }
        }
        List<Row> rows = new ArrayList<>();
        for (SDVariable v : vars.values()) {
            long[] shape = v.getArr().shape();
            String lower = v.name().toLowerCase(Locale.ROOT);
            ParamRole role;
            String reason;
            if (overrides.containsKey(v.name())) {
                role = overrides.get(v.name());
                reason = "given";
            } else if (shape.length == 1) {
                role = ParamRole.GAIN;
                reason = "rank 1 (gain or bias)";
            } else if (shape.length == 3) {
                role = ParamRole.EXPERT;
                reason = "rank 3 (expert stack)";
            } else if (lower.contains("emb")) {
                role = ParamRole.EMBEDDING;
                reason = "name contains 'emb'";
            } else if (lower.contains("head") || lower.contains("logit") || lower.contains("output")) {
                role = ParamRole.OUTPUT_HEAD;
                reason = "name names an output head";
            } else if (lower.contains("router")) {
                role = ParamRole.ROUTER;
                reason = "name contains 'router'";
            } else {
                role = ParamRole.HIDDEN;
                reason = "matrix";
            }
            rows.add(new Row(specFor(v.name(), shape, role), reason));
        }
        return new Report(ImmutableList.copyOf(rows));
    }

    /** The spec of a SameDiff variable of this shape and role under the layout conventions above. */
    static ParamSpec specFor(String name, long[] shape, ParamRole role) {
        return switch (shape.length) {
            case 1 -> ParamSpec.vector(name, shape[0], role);
            case 2 -> ParamSpec.matrixInOut(name, shape[0], shape[1], role);
            case 3 -> new ParamSpec(name, shape, role, 2, 1, 0);
            default ->
                throw new IllegalArgumentException(
                        String.format(Locale.ROOT, "%s: rank-%d variables are not supported", name, shape.length));
        };
    }
}
