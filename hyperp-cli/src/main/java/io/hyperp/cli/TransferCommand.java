package io.hyperp.cli;

import io.hyperp.core.shape.ModelShape;
import io.hyperp.scaling.io.Json;
import io.hyperp.scaling.io.LawJson;
import io.hyperp.scaling.transfer.Axis;
import io.hyperp.scaling.transfer.AxisFactor;
import io.hyperp.scaling.transfer.CompleteMuE;
import io.hyperp.scaling.transfer.ExplainedTransfer;
import io.hyperp.scaling.transfer.FittedLaw;
import io.hyperp.scaling.transfer.HyperPRule;
import io.hyperp.scaling.transfer.ParameterCounter;
import io.hyperp.scaling.transfer.PlanningRule;
import io.hyperp.scaling.transfer.Scale;
import io.hyperp.scaling.transfer.TokenBudget;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyperp transfer}: the learning rate at a target model from a base learning rate, along every scaling axis
 * (width, depth, tokens, batch, experts, top-k, parameters) and under every rule of {@link PlanningRule}: HyperP
 * (SPEC 4, the default), the plain Muon baseline, muP for AdamW, the Step Law, the fitting paradigm's law,
 * Complete-muE (SPEC 8) and a law fitted by {@code hyperp fit-law --json} ({@code --rule fitted --law FILE}).
 *
 * <p>Each factor is printed with its axis and the rule's reason; a rule asked to move an axis it does not cover
 * refuses with one line (exit 2). {@code --compare} prints the target learning rate under every rule side by side,
 * with the reason a rule does not apply.
 *
 * <p>Defaults, kept from the depth-only command: when both depths are given and the widths are absent or the
 * reference family's 128 L, the base tokens default to T0 = 10.4e9, the base batch to B0 = 2^21, the target
 * batch to the base batch, and the target budget to the reference family's fixed tokens-per-parameter ratio,
 * T = T0 N(L) / N(d0), with N from hyperp-core's {@code ModelShape.reference(depth).totalParams()}. The law rules
 * (step-law, fitting-paradigm, fitted in params) need parameter counts: {@code --base-params/--target-params}, or
 * from the model shapes of {@link Shapes} when both depths are known (non-embedding parameters for the Step Law,
 * all parameters otherwise).
 *
 * <p>JSON output: {@code {"eta", "target_tokens", "factors": {AXIS: factor}, "rule", "base_lr", "axes": [{"axis",
 * "base", "target", "factor", "why"}], "notes", "target_tokens_source"}}; with {@code --compare}, {@code
 * {"base_lr", "rules": [{"rule", "eta" or null, "refusal" or null, ...}]}}.
 *
 * <p>Not thread-safe (picocli fills the fields).
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); SPEC sections 4, 7 and 8 (worked example: 0.00317 at
 * depth 24).
 */
@Command(
        name = "transfer",
        mixinStandardHelpOptions = true,
        description = "Transfer a base learning rate to a target model along width, depth, tokens, batch, experts,"
                + " top-k and parameters, under one rule (hyperp, muon, mup, step-law, fitting-paradigm, complete-mue,"
                + " fitted) or all of them side by side (--compare).")
final class TransferCommand implements Callable<Integer> {
    /** N(L) of the reference family, from hyperp-core. */
    static final ParameterCounter REFERENCE_FAMILY =
            depth -> ModelShape.reference(depth).totalParams();

    @Spec
    private CommandSpec spec;

    @Option(names = "--base-lr", required = true, paramLabel = "ETA0", description = "Learning rate tuned at the base.")
    double baseLr;

    @Option(names = "--base-depth", paramLabel = "D0", description = "Base depth (layers).")
    Integer baseDepth;

    @Option(names = "--target-depth", paramLabel = "D", description = "Target depth (layers).")
    Integer targetDepth;

    @Option(names = "--base-width", paramLabel = "W0", description = "Base model width d_model.")
    Double baseWidth;

    @Option(names = "--target-width", paramLabel = "W", description = "Target model width d_model.")
    Double targetWidth;

    @Option(
            names = "--base-tokens",
            paramLabel = "T0",
            description = "Base training tokens (default with both depths: 10.4e9, the reference).")
    Double baseTokens;

    @Option(
            names = "--target-tokens",
            paramLabel = "T",
            description = "Target training tokens (default with both depths: the reference family's fixed"
                    + " tokens-per-parameter budget).")
    Double targetTokens;

    @Option(
            names = "--base-batch",
            paramLabel = "B0",
            description = "Base batch in tokens per step (default with both depths: 2^21).")
    Double baseBatch;

    @Option(names = "--target-batch", paramLabel = "B", description = "Target batch in tokens (default: base batch).")
    Double targetBatch;

    @Option(names = "--base-experts", paramLabel = "E0", description = "Base number of experts (1 for dense).")
    Double baseExperts;

    @Option(names = "--target-experts", paramLabel = "E", description = "Target number of experts.")
    Double targetExperts;

    @Option(names = "--base-top-k", paramLabel = "K0", description = "Base routed experts per token (1 for dense).")
    Double baseTopK;

    @Option(names = "--target-top-k", paramLabel = "K", description = "Target routed experts per token.")
    Double targetTopK;

    @Option(names = "--base-params", paramLabel = "N0", description = "Base parameter count (for the law rules).")
    Double baseParams;

    @Option(names = "--target-params", paramLabel = "N", description = "Target parameter count.")
    Double targetParams;

    @Option(
            names = "--base-model",
            paramLabel = "PRESET",
            description = "Base model preset, reference:L (depth L, width 128 L); explicit flags override it.")
    String baseModel;

    @Option(names = "--target-model", paramLabel = "PRESET", description = "Target model preset, reference:L.")
    String targetModel;

    @Option(
            names = "--rule",
            defaultValue = "hyperp",
            paramLabel = "RULE",
            description = "Transfer rule: hyperp, muon, mup, step-law, fitting-paradigm, complete-mue or fitted"
                    + " (default ${DEFAULT-VALUE}).")
    String rule;

    @Option(
            names = "--law",
            paramLabel = "FILE",
            description = "For --rule fitted: the JSON written by hyperp fit-law --json, predictors named after axes"
                    + " (e.g. --x params,tokens).")
    Path law;

    @Option(
            names = "--expert-width",
            defaultValue = "granular",
            paramLabel = "W",
            description = "For complete-mue: granular (expert width 4d/k, SPEC 5) or full (4d); default"
                    + " ${DEFAULT-VALUE}.")
    String expertWidth;

    @Option(names = "--compare", description = "Print the target learning rate under every rule side by side.")
    boolean compare;

    @Mixin
    OutputOptions output = new OutputOptions();

    /** The scales built from the flags, before any rule-specific completion. */
    private record Scales(Scale base, Scale target, String tokensSource) {}

    @Override
    public Integer call() {
        positive("--base-lr", baseLr);
        CompleteMuE mue = switch (expertWidth.toLowerCase(Locale.ROOT)) {
            case "granular" -> CompleteMuE.reference();
            case "full" -> new CompleteMuE(CompleteMuE.ExpertWidth.FULL);
            default ->
                throw new IllegalArgumentException(
                        "unknown --expert-width '" + expertWidth + "' (known: granular, full)");
        };
        FittedLaw fitted = law == null ? null : LawJson.read(law);
        List<PlanningRule> rules = new ArrayList<>();
        if (compare) {
            for (String name : PlanningRule.NAMES) {
                if (!name.equals("fitted") || fitted != null) {
                    rules.add(PlanningRule.named(name, fitted, mue));
                }
            }
        } else {
            rules.add(PlanningRule.named(rule, fitted, mue));
        }
        Scales scales = scales();
        PrintWriter out = spec.commandLine().getOut();
        if (!compare) {
            PlanningRule r = rules.get(0);
            Scale[] s = forRule(r, scales);
            ExplainedTransfer t = r.transfer(baseLr, s[0], s[1]);
            if (output.json) {
                Map<String, Object> m = t.toMap();
                m.put("target_tokens_source", scales.tokensSource());
                out.println(Json.write(m));
            } else {
                print(out, r, t, scales.tokensSource());
            }
        } else {
            List<Object> rows = new ArrayList<>();
            TextTable table = TextTable.of("rule", "eta", "factor", "note");
            for (PlanningRule r : rules) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("rule", r.name());
                Scale[] s;
                Optional<String> refusal;
                try {
                    s = forRule(r, scales);
                    refusal = r.refusal(s[0], s[1]);
                } catch (IllegalArgumentException e) {
                    s = null;
                    refusal = Optional.of(e.getMessage());
                }
                if (refusal.isPresent()) {
                    m.put("eta", null);
                    m.put("refusal", refusal.get());
                    table.row(r.name(), "-", "-", "does not apply: " + refusal.get());
                } else {
                    ExplainedTransfer t = r.transfer(baseLr, s[0], s[1]);
                    m.put("eta", t.eta());
                    m.put("refusal", null);
                    m.putAll(t.toMap());
                    table.row(r.name(), TextTable.num(t.eta(), 4), TextTable.num(t.eta() / baseLr), r.scope());
                }
                rows.add(m);
            }
            if (output.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("base_lr", baseLr);
                m.put("target_tokens_source", scales.tokensSource());
                m.put("rules", rows);
                out.println(Json.write(m));
            } else {
                out.println("base lr " + TextTable.num(baseLr, 6) + "; base " + describe(scales.base()) + " -> target "
                        + describe(scales.target()));
                table.print(out);
            }
        }
        out.flush();
        return 0;
    }

    private void print(PrintWriter out, PlanningRule r, ExplainedTransfer t, String tokensSource) {
        out.println("rule " + r.name() + ", base lr " + TextTable.num(baseLr, 6));
        TextTable table = TextTable.of("axis", "base", "target", "factor", "why");
        for (AxisFactor f : t.factors()) {
            String target = TextTable.num(f.target());
            if (f.axis() == Axis.TOKENS && tokensSource.equals("reference_family")) {
                target += " (reference family)";
            }
            table.row(f.axis().label(), TextTable.num(f.base()), target, TextTable.num(f.factor()), f.why());
        }
        table.print(out);
        for (String note : t.notes()) {
            out.println("note: " + note);
        }
        out.println("eta " + TextTable.num(t.eta(), 3) + "  (" + t.eta() + ")");
    }

    private static String describe(Scale s) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<Axis, Double> e : s.values().entrySet()) {
            b.append(b.length() == 0 ? "" : ", ")
                    .append(e.getKey().label())
                    .append(' ')
                    .append(TextTable.num(e.getValue()));
        }
        return b.length() == 0 ? "(no axes)" : b.toString();
    }

    /** Builds the base and target scales from the flags and presets, with the depth-mode defaults. */
    private Scales scales() {
        Map<Axis, Double> b = new EnumMap<>(Axis.class);
        Map<Axis, Double> t = new EnumMap<>(Axis.class);
        if (baseModel != null) {
            b.putAll(Shapes.preset("--base-model", baseModel).values());
        }
        if (targetModel != null) {
            t.putAll(Shapes.preset("--target-model", targetModel).values());
        }
        if (baseDepth != null) {
            b.put(Axis.DEPTH, (double) wholePositive("--base-depth", baseDepth));
        }
        if (targetDepth != null) {
            t.put(Axis.DEPTH, (double) wholePositive("--target-depth", targetDepth));
        }
        put(b, Axis.WIDTH, "--base-width", baseWidth);
        put(t, Axis.WIDTH, "--target-width", targetWidth);
        put(b, Axis.TOKENS, "--base-tokens", baseTokens);
        put(t, Axis.TOKENS, "--target-tokens", targetTokens);
        put(b, Axis.BATCH, "--base-batch", baseBatch);
        put(t, Axis.BATCH, "--target-batch", targetBatch);
        put(b, Axis.EXPERTS, "--base-experts", baseExperts);
        put(t, Axis.EXPERTS, "--target-experts", targetExperts);
        put(b, Axis.TOP_K, "--base-top-k", baseTopK);
        put(t, Axis.TOP_K, "--target-top-k", targetTopK);
        put(b, Axis.PARAMS, "--base-params", baseParams);
        put(t, Axis.PARAMS, "--target-params", targetParams);
        String source = t.containsKey(Axis.TOKENS) ? "given" : "none";
        boolean referenceMode = b.containsKey(Axis.DEPTH)
                && t.containsKey(Axis.DEPTH)
                && isReferenceWidth(b)
                && isReferenceWidth(t)
                && !b.containsKey(Axis.EXPERTS)
                && !t.containsKey(Axis.EXPERTS);
        Scale base = new Scale(b);
        Scale target = new Scale(t);
        if (referenceMode) {
            base = base.has(Axis.TOKENS) ? base : base.with(Axis.TOKENS, HyperPRule.REFERENCE_TOKENS);
            base = base.has(Axis.BATCH) ? base : base.with(Axis.BATCH, HyperPRule.REFERENCE_BATCH);
            target = target.has(Axis.BATCH) ? target : target.with(Axis.BATCH, base.get(Axis.BATCH));
            if (!target.has(Axis.TOKENS)) {
                target = TokenBudget.fixedRatio(REFERENCE_FAMILY).complete(base, target);
                source = "reference_family";
            }
        } else if (b.containsKey(Axis.BATCH) && !t.containsKey(Axis.BATCH)) {
            target = target.with(Axis.BATCH, base.get(Axis.BATCH));
        }
        return new Scales(base, target, source);
    }

    /**
     * The scales a rule sees: the law rules get parameter counts from the model shapes when both depths are known
     * and no counts were given.
     */
    private static Scale[] forRule(PlanningRule r, Scales s) {
        Scale base = s.base();
        Scale target = s.target();
        boolean law = r.name().equals("step-law")
                || r.name().equals("fitting-paradigm")
                || (r.name().equals("fitted") && r.reasons().containsKey(Axis.PARAMS));
        if (law && !base.has(Axis.PARAMS) && !target.has(Axis.PARAMS)) {
            Optional<ModelShape> b = Shapes.of(base, Shapes.REFERENCE_VOCAB, Shapes.REFERENCE_CONTEXT);
            Optional<ModelShape> t = Shapes.of(target, Shapes.REFERENCE_VOCAB, Shapes.REFERENCE_CONTEXT);
            if (b.isPresent() && t.isPresent()) {
                boolean nonEmbedding = r.name().equals("step-law");
                base = base.with(
                        Axis.PARAMS,
                        nonEmbedding ? b.get().nonEmbeddingParams() : b.get().totalParams());
                target = target.with(
                        Axis.PARAMS,
                        nonEmbedding ? t.get().nonEmbeddingParams() : t.get().totalParams());
            }
        }
        return new Scale[] {base, target};
    }

    private static boolean isReferenceWidth(Map<Axis, Double> m) {
        return !m.containsKey(Axis.WIDTH) || m.get(Axis.WIDTH) == 128 * m.get(Axis.DEPTH);
    }

    private static void put(Map<Axis, Double> m, Axis axis, String flag, Double v) {
        if (v != null) {
            m.put(axis, positive(flag, v));
        }
    }

    private static int wholePositive(String flag, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(flag + " (" + v + ") must be a positive whole number");
        }
        return v;
    }

    private static double positive(String flag, double v) {
        if (!(v > 0 && Double.isFinite(v))) {
            throw new IllegalArgumentException(flag + " (" + v + ") must be positive");
        }
        return v;
    }
}
