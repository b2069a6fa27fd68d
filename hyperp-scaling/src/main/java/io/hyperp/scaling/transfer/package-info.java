/**
 * Learning-rate transfer: from a base learning rate tuned at a small {@link io.hyperp.scaling.transfer.Scale}
 * to the learning rate at a target scale.
 *
 * <p>Rules ({@link io.hyperp.scaling.transfer.TransferRule}): {@link io.hyperp.scaling.transfer.HyperPRule}
 * (SPEC section 4), {@link io.hyperp.scaling.transfer.MuonBaselineRule}, user exponents
 * ({@link io.hyperp.scaling.transfer.CustomExponentRule}); absolute predictors
 * ({@link io.hyperp.scaling.transfer.LrPredictor}): a fitted fitting-paradigm law
 * ({@link io.hyperp.scaling.transfer.FittedLawPredictor}) and the Step Law AdamW reference
 * ({@link io.hyperp.scaling.transfer.StepLaw}). Default token budgets at a fixed tokens-per-parameter ratio come
 * from {@link io.hyperp.scaling.transfer.TokenBudget} over a {@link io.hyperp.scaling.transfer.ParameterCounter}
 * (supplied by the caller, e.g. from hyperp-core's model shapes, so this module needs no tensor library).
 * {@link io.hyperp.scaling.transfer.TransferQuality} measures how well a rule or law transfers; for a study
 * with one sweep per scale, {@code TransferQuality.acrossScales} gives the whole
 * {@link io.hyperp.scaling.transfer.StudyReport} (optima per scale, spread in sweep steps, verdict, metrics) and
 * records refused sweeps instead of throwing.
 *
 * <p>Planning: {@link io.hyperp.scaling.transfer.PlanningRule} is the catalogue a planner chooses from
 * ({@code hyperp}, {@code muon}, {@code mup} ({@link io.hyperp.scaling.transfer.MupRule}), {@code step-law},
 * {@code fitting-paradigm}, {@code complete-mue} ({@link io.hyperp.scaling.transfer.CompleteMuE}, SPEC 8) and
 * {@code fitted} (a {@link io.hyperp.scaling.transfer.FittedLaw})): each transfer is explained axis by axis
 * ({@link io.hyperp.scaling.transfer.ExplainedTransfer}, {@link io.hyperp.scaling.transfer.AxisFactor}), and a
 * rule refuses a target that changes an axis it does not cover. {@link io.hyperp.scaling.transfer.LrPlanner}
 * goes from measured optima at one or more base scales to a target
 * ({@link io.hyperp.scaling.transfer.PlannedLr}), by a rule or a fitted law, with an interval propagated from
 * the optima's bootstrap intervals.
 *
 * <p>Rules: each rule reports the factor of every axis it scales separately; an axis present in neither scale
 * is held fixed (factor 1), an axis present in only one of them is an error. Everything here is immutable and
 * thread-safe.
 *
 * <p>References: Ren et al., arXiv 2603.28743 (HyperP); Zhou et al., arXiv 2601.05049; Li et al., arXiv
 * 2503.04715 (Step Law); Kalra and Barkeshli, arXiv 2605.21486.
 */
package io.hyperp.scaling.transfer;
