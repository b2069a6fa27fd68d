/**
 * Fitters: the optimal learning rate of a sweep ({@link io.hyperp.scaling.fit.OptimalLr}), power laws on log-log
 * ({@link io.hyperp.scaling.fit.PowerLaw}) and with an offset ({@link io.hyperp.scaling.fit.PowerLawWithOffset}),
 * the fitting-paradigm law ({@link io.hyperp.scaling.fit.FittingParadigmLaw}), loss against tokens
 * ({@link io.hyperp.scaling.fit.LossVsTokens}) and against compute ({@link io.hyperp.scaling.fit.LossVsCompute}),
 * compute leverage ({@link io.hyperp.scaling.fit.Leverage}), and the generic Levenberg-Marquardt fitter they
 * share ({@link io.hyperp.scaling.fit.NonlinearLeastSquares}), certified against NIST StRD data.
 *
 * <p>Rules for the whole package: every fit reports the data it used and a seeded bootstrap interval for each
 * fitted quantity ({@link io.hyperp.scaling.fit.BootstrapOptions}; expanded percentile intervals with Student's t
 * correction for few degrees of freedom); inputs are never modified; results are immutable records; all classes
 * are stateless and thread-safe. Bad arguments raise {@link java.lang.IllegalArgumentException}; the optimal-LR
 * fit alone never throws on inadequate data but returns a refusal status, so a caller can record it.
 *
 * <p>References: SPEC section 7; Zhou et al., arXiv 2601.05049; Ren et al., arXiv 2603.28743.
 */
package io.hyperp.scaling.fit;
