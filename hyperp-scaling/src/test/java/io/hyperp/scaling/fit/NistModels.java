package io.hyperp.scaling.fit;

/** The NIST StRD models used in the tests, with analytic gradients. */
final class NistModels {
    private NistModels() {}

    /** Misra1a: y = b1 (1 - exp(-b2 x)). */
    static final ParametricModel MISRA1A = new ParametricModel() {
        @Override
        public double value(double[] x, double[] b) {
            return b[0] * (1 - Math.exp(-b[1] * x[0]));
        }

        @Override
        public void gradient(double[] x, double[] b, double[] g) {
            double e = Math.exp(-b[1] * x[0]);
            g[0] = 1 - e;
            g[1] = b[0] * x[0] * e;
        }
    };

    /** MGH17: y = b1 + b2 exp(-x b4) + b3 exp(-x b5). */
    static final ParametricModel MGH17 = new ParametricModel() {
        @Override
        public double value(double[] x, double[] b) {
            return b[0] + b[1] * Math.exp(-x[0] * b[3]) + b[2] * Math.exp(-x[0] * b[4]);
        }

        @Override
        public void gradient(double[] x, double[] b, double[] g) {
            double e4 = Math.exp(-x[0] * b[3]);
            double e5 = Math.exp(-x[0] * b[4]);
            g[0] = 1;
            g[1] = e4;
            g[2] = e5;
            g[3] = -x[0] * b[1] * e4;
            g[4] = -x[0] * b[2] * e5;
        }
    };

    /** Lanczos1: y = b1 exp(-b2 x) + b3 exp(-b4 x) + b5 exp(-b6 x). */
    static final ParametricModel LANCZOS1 = new ParametricModel() {
        @Override
        public double value(double[] x, double[] b) {
            return b[0] * Math.exp(-b[1] * x[0]) + b[2] * Math.exp(-b[3] * x[0]) + b[4] * Math.exp(-b[5] * x[0]);
        }

        @Override
        public void gradient(double[] x, double[] b, double[] g) {
            for (int k = 0; k < 3; k++) {
                double e = Math.exp(-b[2 * k + 1] * x[0]);
                g[2 * k] = e;
                g[2 * k + 1] = -x[0] * b[2 * k] * e;
            }
        }
    };

    /** Kirby2: y = (b1 + b2 x + b3 x^2) / (1 + b4 x + b5 x^2). */
    static final ParametricModel KIRBY2 = rational(3, 2);

    /** Hahn1 and Thurber: y = (b1 + b2 x + b3 x^2 + b4 x^3) / (1 + b5 x + b6 x^2 + b7 x^3). */
    static final ParametricModel RATIONAL_3_3 = rational(4, 3);

    /** Rational model with {@code num} numerator coefficients and {@code den} denominator coefficients. */
    private static ParametricModel rational(int num, int den) {
        return new ParametricModel() {
            @Override
            public double value(double[] x, double[] b) {
                return numerator(x[0], b) / denominator(x[0], b);
            }

            @Override
            public void gradient(double[] x, double[] b, double[] g) {
                double n = numerator(x[0], b);
                double d = denominator(x[0], b);
                double pow = 1;
                for (int j = 0; j < num; j++) {
                    g[j] = pow / d;
                    pow *= x[0];
                }
                pow = x[0];
                for (int j = 0; j < den; j++) {
                    g[num + j] = -n * pow / (d * d);
                    pow *= x[0];
                }
            }

            private double numerator(double t, double[] b) {
                double s = 0;
                double pow = 1;
                for (int j = 0; j < num; j++) {
                    s += b[j] * pow;
                    pow *= t;
                }
                return s;
            }

            private double denominator(double t, double[] b) {
                double s = 1;
                double pow = t;
                for (int j = 0; j < den; j++) {
                    s += b[num + j] * pow;
                    pow *= t;
                }
                return s;
            }
        };
    }
}
