package io.hyperp.moe.samediff;

import io.hyperp.core.init.Initializer;
import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.InitScheme;
import io.hyperp.moe.RouterConfig;
import io.hyperp.moe.balance.BalanceConfig;
import io.hyperp.moe.layer.MoeLayerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The MoE feed-forward layer of {@link io.hyperp.moe.layer.MoeFeedForward} built into a SameDiff
 * graph, so that SameDiff models (and SameDiff training loops) can use it with automatic
 * differentiation.
 *
 * <p>It computes the same function as the explicit layer, with the same parameter names, shapes and
 * layouts (so arrays can be copied between the two), but in <b>dense</b> form: every expert runs on
 * every token and the outputs are weighted by combine weights that are zero for unselected experts,
 * \( y_t = \sum_e C_{t,e} E_e(x_t) \) with \(C\) of shape {@code [T, E]}. That costs {@code E / k'}
 * times the expert FLOPs of the dropless explicit layer and is meant for small models and tests; use
 * the explicit layer for speed. The three stacked expert products become three single matrix
 * products of width {@code E f}.
 *
 * <p>Selection: {@code k'} rounds of arg-max (lowest index on ties) on the logits, each followed by
 * subtracting {@value #KNOCK_OUT} from the chosen entry; the resulting one-hot mask carries no
 * gradient (as in the explicit layer, selection is piecewise constant). The gates are the softmax of
 * the selected logits; SqrtGate uses \(\sqrt{\max(g, \text{tiny})}\) on selected entries (its
 * gradient is 0 below the smallest normal number, the explicit layer's guard). Logits must be finite
 * and smaller in magnitude than about {@code 1e29}.
 *
 * <p>The auxiliary losses of {@link BalanceConfig} are returned as one scalar variable to add to the
 * training loss; their batch statistics are those of the graph's batch (no cross-worker reduction;
 * use the explicit layer for that). Loss-free balancing is not available here.
 *
 * <p>Stateless and thread-safe; each call adds variables and ops to the given graph.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (SqrtGate); Shazeer et al., <i>Outrageously Large
 * Neural Networks</i> (dense-gated formulation); Fedus et al., <i>Switch Transformer</i>.
 */
public final class SameDiffMoe {

    /** What is subtracted from a chosen logit so the next arg-max round skips it. */
    public static final double KNOCK_OUT = 1e30;

    private SameDiffMoe() {}

    /**
     * The layer's variables in a graph.
     *
     * @param output  {@code [T, d]}, the layer's output
     * @param auxLoss a scalar: the weighted auxiliary losses (add it to the training loss)
     * @param routerZ a scalar: \(\mathrm{mean}_t(\mathrm{logsumexp}\, l_t)^2\)
     * @param loads   {@code [E]}: the tokens of the batch routed to each expert (no gradient), for
     *                {@link io.hyperp.moe.metrics.RoutingStats#maxVio(double[])}
     * @param specs   the specs of the layer's trainable variables (named as the variables), with the
     *                ROUTER, EXPERT and HIDDEN roles an optimizer needs
     */
    public record Output(
            SDVariable output, SDVariable auxLoss, SDVariable routerZ, SDVariable loads, List<ParamSpec> specs) {
        /** Copies the spec list. */
        public Output {
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(auxLoss, "auxLoss");
            Objects.requireNonNull(routerZ, "routerZ");
            Objects.requireNonNull(loads, "loads");
            specs = List.copyOf(specs);
        }
    }

    /**
     * Adds an MoE feed-forward layer to {@code sd}: its trainable variables (initialized
     * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), deterministic for {@code seed}, as the explicit layer) and
     * its ops.
     *
     * @param sd     the graph
     * @param name   the layer's name: prefix of its variable names
     * @param x      the input {@code [T, d]} ({@code T} may be unknown, -1)
     * @param config the layer's configuration ({@code lossFreeRate} must be 0)
     * @param seed   the initialization seed
     * @throws IllegalArgumentException for a blank name, an input of the wrong rank, width or dtype, or
     *                                  a loss-free rate other than 0
     */
    public static Output feedForward(SameDiff sd, String name, SDVariable x, MoeLayerConfig config, long seed) {
        Objects.requireNonNull(sd, "sd");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(config, "config");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        DataType dt = x.dataType();
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "%s: input must be FLOAT or DOUBLE, found %s", name, dt));
        }
        long[] shape = x.getShape();
        if (shape != null && (shape.length != 2 || shape[1] != config.modelDim())) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: input must have shape [T, %d], found %s",
                    name,
                    config.modelDim(),
                    java.util.Arrays.toString(shape)));
        }
        if (config.lossFreeRate() != 0) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: loss-free balancing (lossFreeRate %s) is not available in the SameDiff layer",
                    name,
                    config.lossFreeRate()));
        }
        RouterConfig rc = config.router();
        int d = config.modelDim();
        int f = config.expertWidth();
        int e = rc.experts();
        int k = rc.routedTopK();
        List<ParamSpec> specs = new ArrayList<>();
        SDVariable wr = param(sd, ParamSpec.matrixOutIn(name + ".router", e, d, ParamRole.ROUTER), dt, seed, specs);
        SDVariable wg = param(sd, ParamSpec.expertStack(name + ".w_gate", e, f, d), dt, seed, specs);
        SDVariable wu = param(sd, ParamSpec.expertStack(name + ".w_up", e, f, d), dt, seed, specs);
        SDVariable wd = param(sd, ParamSpec.expertStack(name + ".w_down", e, d, f), dt, seed, specs);

        // Selection mask [T, E]: k' rounds of arg-max with knock-out.
        SDVariable logits = sd.mmul(name + ".logits", x, wr, false, true, false);
        SDVariable scores = logits;
        SDVariable mask = null;
        for (int j = 0; j < k; j++) {
            SDVariable idx = sd.argmax(scores, 1);
            SDVariable oneHot = sd.oneHot(idx, e, -1, 1.0, 0.0, dt);
            mask = mask == null ? oneHot : mask.add(oneHot);
            scores = scores.sub(oneHot.mul(KNOCK_OUT));
        }
        // Gates: softmax over the selected logits; combine weights.
        SDVariable maskedMax =
                sd.max(logits.add(mask.sub(1.0).mul(KNOCK_OUT)), 1).reshape(-1, 1);
        SDVariable ex = sd.math.exp(logits.sub(maskedMax)).mul(mask);
        SDVariable gates = ex.div(ex.sum(1).reshape(-1, 1));
        SDVariable weights;
        if (rc.sqrtGate()) {
            weights = sd.math
                    .sqrt(sd.math.max(gates, tiny(sd, name + ".tinyGate", dt)))
                    .mul(mask)
                    .mul(rc.routedScale());
        } else {
            weights = gates;
        }
        // Dense experts: [T, E f] hidden, weighted per (token, expert), one product down.
        SDVariable a = sd.mmul(x, wg.reshape(e * (long) f, d), false, true, false);
        SDVariable b = sd.mmul(x, wu.reshape(e * (long) f, d), false, true, false);
        SDVariable h = sd.nn.swish(a)
                .mul(b)
                .reshape(-1, e, f)
                .mul(weights.reshape(-1, e, 1))
                .reshape(-1, e * (long) f);
        SDVariable downFlat = sd.permute(wd, 1, 0, 2).reshape(d, e * (long) f);
        SDVariable y = sd.mmul(h, downFlat, false, true, false);
        if (rc.sharedExpert()) {
            SDVariable sg =
                    param(sd, ParamSpec.matrixOutIn(name + ".shared.w_gate", f, d, ParamRole.HIDDEN), dt, seed, specs);
            SDVariable su =
                    param(sd, ParamSpec.matrixOutIn(name + ".shared.w_up", f, d, ParamRole.HIDDEN), dt, seed, specs);
            SDVariable sdn =
                    param(sd, ParamSpec.matrixOutIn(name + ".shared.w_down", d, f, ParamRole.HIDDEN), dt, seed, specs);
            SDVariable hs = sd.nn.swish(sd.mmul(x, sg, false, true, false)).mul(sd.mmul(x, su, false, true, false));
            y = y.add(sd.mmul(hs, sdn, false, true, false).mul(rc.sharedScale()));
        }
        y = sd.identity(name + ".output", y);

        // Auxiliary losses.
        BalanceConfig bc = config.balance();
        // logsumexp written out: the gradient of M2.1's reduce_logsumexp sums over all axes.
        SDVariable rowMax = sd.max(logits, 1);
        SDVariable lse = sd.math
                .log(sd.math.exp(logits.sub(rowMax.reshape(-1, 1))).sum(1))
                .add(rowMax);
        SDVariable routerZ = sd.identity(name + ".routerZ", lse.mul(lse).mean());
        SDVariable probs = sd.nn.softmax(logits, 1);
        SDVariable p = probs.sum(0);
        SDVariable tokens = p.sum();
        SDVariable counts = mask.sum(0);
        SDVariable aux = routerZ.mul(bc.zLossWeight());
        if (bc.switchWeight() > 0) {
            SDVariable sw = p.mul(counts).sum().div(tokens.mul(counts.sum())).mul(bc.switchWeight() * e);
            aux = aux.add(sw);
        }
        if (bc.entropyWeight() > 0) {
            SDVariable pbar = p.div(tokens);
            SDVariable negH = pbar.mul(sd.math.log(sd.math.max(pbar, tiny(sd, name + ".tinyProb", dt))))
                    .sum();
            aux = aux.add(negH.add(Math.log(e)).mul(bc.entropyWeight()));
        }
        aux = sd.identity(name + ".auxLoss", aux);
        SDVariable loads = sd.identity(name + ".loads", counts);
        return new Output(y, aux, routerZ, loads, specs);
    }

    /** A constant scalar: the smallest normal number of the dtype. */
    private static SDVariable tiny(SameDiff sd, String name, DataType dt) {
        double v = dt == DataType.DOUBLE ? Double.MIN_NORMAL : Float.MIN_NORMAL;
        return sd.constant(name, Nd4j.scalar(dt, v));
    }

    private static SDVariable param(SameDiff sd, ParamSpec spec, DataType dt, long seed, List<ParamSpec> specs) {
        specs.add(spec);
        return sd.var(spec.name(), Initializer.initialize(spec, InitScheme.uniformFanIn(), dt, seed));
    }
}
