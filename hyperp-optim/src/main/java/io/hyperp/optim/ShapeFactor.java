package io.hyperp.optim;

import io.hyperp.core.param.ParamSpec;

/**
 * Per-matrix learning-rate factors of the plain Muon baseline (SPEC section 3). HyperP uses
 * {@link #NONE}: its sphere step is relative, so no shape factor is needed. Stateless and thread-safe.
 *
 * <p>References: Jordan, <i>Muon</i> (2024); Liu et al., <i>Muon is Scalable for LLM Training</i>
 * (Moonlight, 2025); Ren et al., arXiv 2603.28743.
 */
public enum ShapeFactor {
    /** 1. */
    NONE {
        @Override
        public double factor(long fanIn, long fanOut) {
            return 1.0;
        }
    },
    /** sqrt(fan_out / fan_in), the HyperP reference code's plain-Muon setting. */
    REFERENCE {
        @Override
        public double factor(long fanIn, long fanOut) {
            return Math.sqrt((double) fanOut / fanIn);
        }
    },
    /** sqrt(max(1, fan_out / fan_in)) (Jordan). */
    JORDAN {
        @Override
        public double factor(long fanIn, long fanOut) {
            return Math.sqrt(Math.max(1.0, (double) fanOut / fanIn));
        }
    },
    /** 0.2 sqrt(max(fan_in, fan_out)): update RMS matched to AdamW (Moonlight). */
    MOONLIGHT {
        @Override
        public double factor(long fanIn, long fanOut) {
            return 0.2 * Math.sqrt((double) Math.max(fanIn, fanOut));
        }
    };

    /** The factor for a matrix of this fan-in and fan-out. */
    public abstract double factor(long fanIn, long fanOut);

    /** The factor for a parameter spec. */
    public double factor(ParamSpec spec) {
        return factor(spec.fanIn(), spec.fanOut());
    }
}
