package io.hyperp.scaling.transfer;

import io.hyperp.scaling.fit.FittingParadigmLaw;
import io.hyperp.scaling.internal.Checks;
import io.hyperp.scaling.sweep.SweepPoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A transfer rule as a planner meets it: the rule, the axes it covers with the reason for each factor, and a
 * refusal when the target changes an axis the rule does not cover (rather than silently holding that axis
 * fixed).
 *
 * <p>The catalogue ({@link #NAMES}, {@link #named(String, FittedLaw)}):
 *
 * <ul>
 *   <li>{@code hyperp} (SPEC 4): depth \( \sqrt{d_0/L} \), tokens \( (T/T_0)^{-0.32} \), batch \( \sqrt{B/B_0} \);
 *       width, experts and top-k 1 by construction (relative sphere step, SqrtGate).
 *   <li>{@code muon} (SPEC 4, the plain Muon baseline): depth and batch as HyperP, tokens 1, width 1 (the shape
 *       factor is applied per matrix inside the optimizer); no MoE axes.
 *   <li>{@code mup} ({@link MupRule}, AdamW, Tensor Programs V): width \( d_0/d \) for hidden matrices, embedding
 *       rate fixed; nothing else.
 *   <li>{@code step-law} ({@link StepLaw}, AdamW reference law, SPEC 7): \( N^{-0.713} D^{0.307} \).
 *   <li>{@code fitting-paradigm} (arXiv 2601.05049, SPEC 7): \( N^{-0.2219} D^{-0.3509} \).
 *   <li>{@code complete-mue} ({@link CompleteMuE}, SPEC 8): width, top-k and experts.
 *   <li>{@code fitted}: a {@link FittedLaw} read from {@code hyperp fit-law --json}.
 * </ul>
 *
 * <p>The law rules ({@code step-law}, {@code fitting-paradigm}, a {@code fitted} law in
 * {@link Axis#PARAMS}) see width, depth, experts and top-k only through the parameter count N: they cover a
 * change of those axes when both scales give N, and refuse it otherwise. Every rule refuses an axis given for
 * only one of the two scales. Immutable and thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); Yang et al., arXiv 2203.03466 (Tensor Programs V);
 * Kalra and Barkeshli, arXiv 2605.21486; Li et al., arXiv 2503.04715 (Step Law); Zhou et al., arXiv
 * 2601.05049; Peng et al., arXiv 2605.23893 (Complete-muE); SPEC sections 4, 7 and 8.
 */
public final class PlanningRule {
    /** The rule names, in the order {@code --compare} prints them. */
    public static final List<String> NAMES =
            List.of("hyperp", "muon", "mup", "step-law", "fitting-paradigm", "complete-mue", "fitted");

    private static final List<Axis> THROUGH_PARAMS = List.of(Axis.WIDTH, Axis.DEPTH, Axis.EXPERTS, Axis.TOP_K);

    /** Notes that depend on the base rate and the scales. */
    @FunctionalInterface
    private interface Notes {
        List<String> make(double baseLr, Scale base, Scale target);
    }

    private final String name;
    private final String scope;
    private final TransferRule rule;
    private final Map<Axis, String> reasons;
    private final boolean throughParams;
    private final Notes notes;

    private PlanningRule(
            String name,
            String scope,
            TransferRule rule,
            Map<Axis, String> reasons,
            boolean throughParams,
            Notes notes) {
        this.name = name;
        this.scope = scope;
        this.rule = rule;
        this.reasons = Collections.unmodifiableMap(new EnumMap<>(reasons));
        this.throughParams = throughParams;
        this.notes = notes;
    }

    /**
     * HyperP's rule ({@link HyperPRule#reference()}).
     *
     * @return the rule
     */
    public static PlanningRule hyperp() {
        Map<Axis, String> r = new EnumMap<>(Axis.class);
        r.put(
                Axis.WIDTH,
                "1 by construction: the sphere step is relative (||dW|| = eta R), so eta needs no width factor");
        r.put(Axis.DEPTH, "sqrt(d0/L): Depth-muP, residual branches multiplied by 1/sqrt(2L)");
        r.put(Axis.TOKENS, "(T/T0)^-0.32: HyperP's empirical token exponent");
        r.put(Axis.BATCH, "sqrt(B/B0): square-root batch scaling");
        r.put(Axis.EXPERTS, "1 by construction: SqrtGate keeps the routed output's RMS independent of sparsity");
        r.put(
                Axis.TOP_K,
                "1 by construction: SqrtGate (sum of sqrt(g_i)^2 = 1) keeps the output's RMS independent of top-k"
                        + " and granularity");
        return new PlanningRule(
                "hyperp",
                "HyperP scales depth, tokens and batch and holds width, experts and top-k by construction",
                HyperPRule.reference(),
                r,
                false,
                (lr, b, t) -> List.of("model setting: every residual branch output is multiplied by 1/sqrt(2L)"));
    }

    /**
     * The plain Muon baseline ({@link MuonBaselineRule}).
     *
     * @return the rule
     */
    public static PlanningRule muon() {
        Map<Axis, String> r = new EnumMap<>(Axis.class);
        r.put(
                Axis.WIDTH,
                "1: the baseline's shape factor sqrt(fan_out/fan_in) is applied per matrix inside the optimizer");
        r.put(Axis.DEPTH, "sqrt(d0/L), as HyperP");
        r.put(Axis.TOKENS, "1: the baseline has no token factor (SPEC 4)");
        r.put(Axis.BATCH, "sqrt(B/B0), as HyperP");
        return new PlanningRule(
                "muon",
                "the plain Muon baseline scales depth and batch and has no rule for experts or top-k (no SqrtGate)",
                MuonBaselineRule.reference(),
                r,
                false,
                (lr, b, t) -> b.has(Axis.DEPTH) && t.has(Axis.DEPTH)
                        ? List.of(Checks.fmt(
                                "model setting: output logits multiplied by d0/L = %s",
                                SweepPoint.format(b.get(Axis.DEPTH) / t.get(Axis.DEPTH))))
                        : List.of());
    }

    /**
     * muP for AdamW ({@link MupRule}).
     *
     * @return the rule
     */
    public static PlanningRule mup() {
        Map<Axis, String> r = new EnumMap<>(Axis.class);
        r.put(Axis.WIDTH, "d0/d: muP (Tensor Programs V) for Adam, hidden-matrix rate proportional to 1/fan_in");
        return new PlanningRule(
                "mup",
                "muP (Tensor Programs V) transfers across width only, at fixed depth, tokens and batch",
                MupRule.adamW(),
                r,
                false,
                (lr, b, t) -> List.of(Checks.fmt(
                        "embedding and gain rate: %s, kept at the base rate (Kalra and Barkeshli find this is what"
                                + " carries muP's advantage)",
                        SweepPoint.format(lr))));
    }

    /**
     * The Step Law anchored at the base run ({@link StepLaw}).
     *
     * @return the rule
     */
    public static PlanningRule stepLaw() {
        Map<Axis, String> r = new EnumMap<>(Axis.class);
        r.put(Axis.PARAMS, "(N/N0)^-0.713: Step Law (AdamW), N non-embedding parameters");
        r.put(Axis.TOKENS, "(D/D0)^0.307: Step Law (AdamW)");
        return new PlanningRule(
                "step-law",
                "the Step Law is a law in parameters N and tokens D at its own optimal batch",
                StepLaw.create().asRule(),
                r,
                true,
                (lr, b, t) -> t.has(Axis.TOKENS)
                        ? List.of(Checks.fmt(
                                "Step Law's optimal batch at the target: B* = 0.58 D^0.571 = %s tokens",
                                SweepPoint.format(StepLaw.batchTokens(t.get(Axis.TOKENS)))))
                        : List.of());
    }

    /**
     * The fitting paradigm's published law anchored at the base run
     * ({@link FittingParadigmLaw#ZHOU_2026_MOE}).
     *
     * @return the rule
     */
    public static PlanningRule fittingParadigm() {
        FittingParadigmLaw law = FittingParadigmLaw.ZHOU_2026_MOE;
        Map<Axis, Double> e = new EnumMap<>(Axis.class);
        e.put(Axis.PARAMS, law.alpha());
        e.put(Axis.TOKENS, law.beta());
        Map<Axis, String> r = new EnumMap<>(Axis.class);
        r.put(Axis.PARAMS, "(N/N0)^-0.2219: fitting paradigm (arXiv 2601.05049, MoE)");
        r.put(Axis.TOKENS, "(D/D0)^-0.3509: fitting paradigm (arXiv 2601.05049, MoE)");
        return new PlanningRule(
                "fitting-paradigm",
                "the fitting paradigm's law is in parameters N and tokens D",
                new CustomExponentRule("fitting-paradigm", e),
                r,
                true,
                (lr, b, t) -> List.of());
    }

    /**
     * Complete-muE (SPEC 8).
     *
     * @param rule the rule with its expert-width convention
     * @return the planning rule
     */
    public static PlanningRule completeMue(CompleteMuE rule) {
        Objects.requireNonNull(rule, "rule");
        Map<Axis, String> r = new EnumMap<>(Axis.class);
        r.put(Axis.WIDTH, "d0/d: muP for Adam on the hidden matrices");
        r.put(
                Axis.TOP_K,
                rule.expertWidth() == CompleteMuE.ExpertWidth.GRANULAR
                        ? "1: bridge I, muP on the active width k*h_e, which stays 4d with granular experts"
                                + " (h_e = 4d/k)"
                        : "k0/k: bridge I, muP on the active width k*h_e with full-width experts (h_e = 4d)");
        r.put(
                Axis.EXPERTS,
                "1: bridge II, the first-order SDE corrections for the per-expert batch (k/E of the tokens)"
                        + " cancel");
        return new PlanningRule(
                "complete-mue",
                "Complete-muE's bridges move width, top-k and experts; SPEC 8 gives it no depth, token or batch"
                        + " factor",
                rule,
                r,
                false,
                (lr, b, t) -> List.of(
                        "model setting: normalize the router scale (bridge I); a dense model is top_k 1, experts 1"));
    }

    /**
     * A law the user fitted.
     *
     * @param law the law, e.g. from {@link io.hyperp.scaling.io.LawJson#read}
     * @return the rule
     */
    public static PlanningRule fitted(FittedLaw law) {
        Objects.requireNonNull(law, "law");
        Map<Axis, String> r = new EnumMap<>(Axis.class);
        StringBuilder axes = new StringBuilder();
        for (Map.Entry<Axis, Double> e : law.exponents().entrySet()) {
            String a = e.getKey().label();
            r.put(e.getKey(), Checks.fmt("(%s/%s0)^%s: the fitted law", a, a, SweepPoint.format(e.getValue())));
            axes.append(axes.length() == 0 ? "" : ", ").append(a);
        }
        return new PlanningRule(
                "fitted",
                "the fitted law is in " + axes,
                law.asRule(),
                r,
                law.exponents().containsKey(Axis.PARAMS),
                (lr, b, t) -> List.of());
    }

    /**
     * Looks a rule up by name.
     *
     * @param name one of {@link #NAMES}, ignoring case
     * @param law the law for {@code fitted}; ignored by the other rules, may be null for them
     * @param completeMue the Complete-muE convention for {@code complete-mue}; null for the reference one
     * @return the rule
     * @throws IllegalArgumentException for an unknown name, or {@code fitted} without a law
     */
    public static PlanningRule named(String name, FittedLaw law, CompleteMuE completeMue) {
        Objects.requireNonNull(name, "name");
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "hyperp" -> hyperp();
            case "muon" -> muon();
            case "mup" -> mup();
            case "step-law" -> stepLaw();
            case "fitting-paradigm" -> fittingParadigm();
            case "complete-mue" -> completeMue(completeMue == null ? CompleteMuE.reference() : completeMue);
            case "fitted" -> {
                if (law == null) {
                    throw Checks.iae("rule 'fitted' needs a law: pass the JSON written by hyperp fit-law --json");
                }
                yield fitted(law);
            }
            default -> throw Checks.iae("unknown rule '%s' (known: %s)", name, String.join(", ", NAMES));
        };
    }

    /**
     * Looks a rule up by name, with the reference Complete-muE convention.
     *
     * @param name one of {@link #NAMES}, ignoring case
     * @param law the law for {@code fitted}, may be null for the other rules
     * @return the rule
     * @throws IllegalArgumentException for an unknown name, or {@code fitted} without a law
     */
    public static PlanningRule named(String name, FittedLaw law) {
        return named(name, law, null);
    }

    /**
     * Returns the rule's name, one of {@link #NAMES}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns one sentence saying which axes the rule moves.
     *
     * @return the sentence
     */
    public String scope() {
        return scope;
    }

    /**
     * Returns the underlying transfer rule.
     *
     * @return the rule
     */
    public TransferRule rule() {
        return rule;
    }

    /**
     * Returns the axes the rule gives a factor, each with its reason.
     *
     * @return axis to reason, in axis order
     */
    public Map<Axis, String> reasons() {
        return reasons;
    }

    /**
     * Returns why the rule cannot move {@code base} to {@code target}, or empty when it can: an axis given for
     * one scale only, or an axis that differs between them which the rule does not cover.
     *
     * @param base the base scale
     * @param target the target scale
     * @return the refusal, one sentence, or empty
     */
    public Optional<String> refusal(Scale base, Scale target) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(target, "target");
        for (Axis a : Axis.values()) {
            if (base.has(a) != target.has(a)) {
                return Optional.of(Checks.fmt(
                        "%s is given for the %s only (%s); give the %s %s too",
                        a.label(),
                        base.has(a) ? "base" : "target",
                        SweepPoint.format(base.has(a) ? base.get(a) : target.get(a)),
                        base.has(a) ? "target" : "base",
                        a.label()));
            }
        }
        boolean params = base.has(Axis.PARAMS);
        for (Axis a : Axis.values()) {
            if (!base.has(a) || base.get(a) == target.get(a) || reasons.containsKey(a)) {
                continue;
            }
            if (throughParams && THROUGH_PARAMS.contains(a)) {
                if (params) {
                    continue;
                }
                return Optional.of(Checks.fmt(
                        "rule %s does not cover %s (%s -> %s) without parameter counts: %s; give the parameter"
                                + " count of both models",
                        name, a.label(), SweepPoint.format(base.get(a)), SweepPoint.format(target.get(a)), scope));
            }
            return Optional.of(Checks.fmt(
                    "rule %s does not cover %s (%s -> %s): %s",
                    name, a.label(), SweepPoint.format(base.get(a)), SweepPoint.format(target.get(a)), scope));
        }
        return Optional.empty();
    }

    /**
     * Transfers a learning rate, explaining every covered axis's factor.
     *
     * @param baseLr learning rate tuned at {@code base}, positive
     * @param base the base scale
     * @param target the target scale
     * @return eta at the target, one {@link AxisFactor} per covered axis (values NaN for an axis absent from
     *     both scales, which is held fixed) and the rule's notes
     * @throws IllegalArgumentException for a non-positive rate, when {@link #refusal} is not empty, or when the
     *     result overflows or underflows
     */
    public ExplainedTransfer transfer(double baseLr, Scale base, Scale target) {
        Checks.positive(baseLr, "baseLr");
        Optional<String> refused = refusal(base, target);
        if (refused.isPresent()) {
            throw new IllegalArgumentException(refused.get());
        }
        TransferResult result = rule.transfer(baseLr, base, target);
        if (!(result.eta() > 0 && Double.isFinite(result.eta()))) {
            throw Checks.iae(
                    "the transferred learning rate (%s) is not a positive finite number; check the base and target"
                            + " values",
                    result.eta());
        }
        Map<Axis, Double> all = new LinkedHashMap<>();
        for (Axis a : reasons.keySet()) {
            all.put(a, result.factor(a));
        }
        List<AxisFactor> factors = new ArrayList<>();
        for (Map.Entry<Axis, Double> e : all.entrySet()) {
            Axis a = e.getKey();
            boolean given = base.has(a);
            factors.add(new AxisFactor(
                    a,
                    given ? base.get(a) : Double.NaN,
                    given ? target.get(a) : Double.NaN,
                    e.getValue(),
                    reasons.get(a)));
        }
        if (throughParams) {
            for (Axis a : THROUGH_PARAMS) {
                if (base.has(a) && !reasons.containsKey(a)) {
                    factors.add(new AxisFactor(
                            a, base.get(a), target.get(a), 1, "1 here: it enters through the parameter count N"));
                }
            }
        }
        factors.sort(java.util.Comparator.comparing(AxisFactor::axis));
        return new ExplainedTransfer(result, factors, notes.make(baseLr, base, target));
    }

    @Override
    public String toString() {
        return "PlanningRule[" + name + "]";
    }
}
