package io.hyperp.cli;

import io.hyperp.core.shape.ModelShape;
import io.hyperp.scaling.io.Json;
import io.hyperp.scaling.transfer.Axis;
import io.hyperp.scaling.transfer.HyperPRule;
import io.hyperp.scaling.transfer.MuonBaselineRule;
import io.hyperp.scaling.transfer.ParameterCounter;
import io.hyperp.scaling.transfer.Scale;
import io.hyperp.scaling.transfer.TokenBudget;
import io.hyperp.scaling.transfer.TransferResult;
import io.hyperp.scaling.transfer.TransferRule;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyperp transfer}: the learning rate at a target depth (and token budget and batch) from a base learning
 * rate, by HyperP's rule \( \eta = \eta_0 \sqrt{B/B_0} \sqrt{d_0/L} (T/T_0)^{-0.32} \) or the plain Muon
 * baseline's (no token factor).
 *
 * <p>Without {@code --target-tokens} the target budget comes from the reference model family at a fixed
 * tokens-per-parameter ratio, T = T0 N(L) / N(d0), with N from hyperp-core's
 * {@code ModelShape.reference(depth).totalParams()}. Defaults: T0 = 10.4e9, B0 = 2^21, B = B0.
 *
 * <p>JSON output: {@code {"eta", "target_tokens", "factors": {"depth", "tokens", "batch"}, "rule", "base_lr",
 * "target_tokens_source"}}.
 *
 * <p>Not thread-safe (picocli fills the fields).
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); SPEC section 4 (worked example: 0.00317 at depth 24).
 */
@Command(
        name = "transfer",
        mixinStandardHelpOptions = true,
        description = "Transfer a base learning rate to a target depth, token budget and batch size"
                + " (HyperP rule, or the plain Muon baseline).")
final class TransferCommand implements Callable<Integer> {
    /** N(L) of the reference family, from hyperp-core. */
    static final ParameterCounter REFERENCE_FAMILY =
            depth -> ModelShape.reference(depth).totalParams();

    @Spec
    private CommandSpec spec;

    @Option(names = "--base-lr", required = true, paramLabel = "ETA0", description = "Learning rate tuned at the base.")
    double baseLr;

    @Option(names = "--base-depth", required = true, paramLabel = "D0", description = "Base depth (layers).")
    int baseDepth;

    @Option(names = "--target-depth", required = true, paramLabel = "D", description = "Target depth (layers).")
    int targetDepth;

    @Option(
            names = "--base-tokens",
            paramLabel = "T0",
            description = "Base training tokens (default 10.4e9, the reference).")
    Double baseTokens;

    @Option(
            names = "--target-tokens",
            paramLabel = "T",
            description = "Target training tokens (default: the reference family's fixed tokens-per-parameter budget).")
    Double targetTokens;

    @Option(names = "--base-batch", paramLabel = "B0", description = "Base batch in tokens per step (default 2^21).")
    Double baseBatch;

    @Option(names = "--target-batch", paramLabel = "B", description = "Target batch in tokens (default: base batch).")
    Double targetBatch;

    @Option(
            names = "--rule",
            defaultValue = "hyperp",
            paramLabel = "RULE",
            description = "Transfer rule: hyperp or muon (default ${DEFAULT-VALUE}).")
    String rule;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        TransferRule r = switch (rule.toLowerCase(Locale.ROOT)) {
            case "hyperp" -> HyperPRule.reference();
            case "muon" -> MuonBaselineRule.reference();
            default -> throw new IllegalArgumentException("unknown rule '" + rule + "' (known: hyperp, muon)");
        };
        positive("--base-lr", baseLr);
        if (baseDepth < 1) {
            throw new IllegalArgumentException("--base-depth (" + baseDepth + ") must be a positive whole number");
        }
        if (targetDepth < 1) {
            throw new IllegalArgumentException("--target-depth (" + targetDepth + ") must be a positive whole number");
        }
        double t0 = baseTokens == null ? HyperPRule.REFERENCE_TOKENS : positive("--base-tokens", baseTokens);
        double b0 = baseBatch == null ? HyperPRule.REFERENCE_BATCH : positive("--base-batch", baseBatch);
        double b = targetBatch == null ? b0 : positive("--target-batch", targetBatch);
        Scale base = Scale.of(Axis.DEPTH, baseDepth).with(Axis.TOKENS, t0).with(Axis.BATCH, b0);
        Scale target = Scale.of(Axis.DEPTH, targetDepth).with(Axis.BATCH, b);
        String source;
        if (targetTokens != null) {
            target = target.with(Axis.TOKENS, positive("--target-tokens", targetTokens));
            source = "given";
        } else {
            target = TokenBudget.fixedRatio(REFERENCE_FAMILY).complete(base, target);
            source = "reference_family";
        }
        TransferResult result = r.transfer(baseLr, base, target);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            Map<String, Object> m = result.toMap();
            m.put("target_tokens_source", source);
            out.println(Json.write(m));
        } else {
            TextTable t = TextTable.of("axis", "base", "target", "factor");
            t.row(
                    "depth",
                    Integer.toString(baseDepth),
                    Integer.toString(targetDepth),
                    TextTable.num(result.factor(Axis.DEPTH)));
            t.row(
                    "tokens",
                    TextTable.num(t0),
                    TextTable.num(target.get(Axis.TOKENS)) + (source.equals("given") ? "" : " (reference family)"),
                    TextTable.num(result.factor(Axis.TOKENS)));
            t.row("batch", TextTable.num(b0), TextTable.num(b), TextTable.num(result.factor(Axis.BATCH)));
            out.println("rule " + result.rule() + ", base lr " + TextTable.num(baseLr, 6));
            t.print(out);
            out.println("eta " + TextTable.num(result.eta(), 3) + "  (" + result.eta() + ")");
        }
        out.flush();
        return 0;
    }

    private static double positive(String flag, double v) {
        if (!(v > 0 && Double.isFinite(v))) {
            throw new IllegalArgumentException(flag + " (" + v + ") must be positive");
        }
        return v;
    }
}
