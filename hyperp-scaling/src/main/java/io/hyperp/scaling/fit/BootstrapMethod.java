package io.hyperp.scaling.fit;

/**
 * How bootstrap resamples are drawn.
 *
 * <p>References: Davison and Hinkley, Bootstrap Methods and their Application (1997), sections 6.2.3
 * (model-based resampling with modified residuals) and 6.2.4 (case resampling).
 */
public enum BootstrapMethod {
    /**
     * Model-based: keep the design, add to the fitted values residuals drawn with replacement from the
     * centred, leverage-adjusted residuals \( r_i / \sqrt{1 - h_i} \). Right when the model form is right and
     * the noise is homoscedastic; never produces a degenerate design. The default.
     */
    RESIDUAL,
    /**
     * Case resampling: draw whole points with replacement. Robust to a wrong model form or unequal noise, but
     * with few points many resamples lose distinct abscissae; such resamples count as failures.
     */
    CASES
}
