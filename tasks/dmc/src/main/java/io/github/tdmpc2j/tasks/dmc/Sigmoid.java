package io.github.tdmpc2j.tasks.dmc;

/**
 * The shapes {@link Tolerance} can fall off with outside its bounds, as in dm_control's reward utilities. Each maps
 * a distance {@code x >= 0} (in units of the margin) to a value that is 1 at 0 and {@code valueAt1} at 1.
 */
public enum Sigmoid {
    GAUSSIAN(false) {
        @Override
        double apply(double x, double valueAt1) {
            double scale = Math.sqrt(-2 * Math.log(valueAt1));
            double s = x * scale;
            return Math.exp(-0.5 * s * s);
        }
    },
    HYPERBOLIC(false) {
        @Override
        double apply(double x, double valueAt1) {
            double scale = acosh(1 / valueAt1);
            return 1 / Math.cosh(x * scale);
        }
    },
    LONG_TAIL(false) {
        @Override
        double apply(double x, double valueAt1) {
            double scale = Math.sqrt(1 / valueAt1 - 1);
            double s = x * scale;
            return 1 / (s * s + 1);
        }
    },
    RECIPROCAL(false) {
        @Override
        double apply(double x, double valueAt1) {
            double scale = 1 / valueAt1 - 1;
            return 1 / (Math.abs(x) * scale + 1);
        }
    },
    COSINE(true) {
        @Override
        double apply(double x, double valueAt1) {
            double scaled = x * Math.acos(2 * valueAt1 - 1) / Math.PI;
            return Math.abs(scaled) < 1 ? (1 + Math.cos(Math.PI * scaled)) / 2 : 0.0;
        }
    },
    LINEAR(true) {
        @Override
        double apply(double x, double valueAt1) {
            double scaled = x * (1 - valueAt1);
            return Math.abs(scaled) < 1 ? 1 - scaled : 0.0;
        }
    },
    QUADRATIC(true) {
        @Override
        double apply(double x, double valueAt1) {
            double scaled = x * Math.sqrt(1 - valueAt1);
            return Math.abs(scaled) < 1 ? 1 - scaled * scaled : 0.0;
        }
    },
    TANH_SQUARED(false) {
        @Override
        double apply(double x, double valueAt1) {
            double scale = atanh(Math.sqrt(1 - valueAt1));
            double t = Math.tanh(x * scale);
            return 1 - t * t;
        }
    };

    private final boolean allowsZero;

    Sigmoid(boolean allowsZero) {
        this.allowsZero = allowsZero;
    }

    abstract double apply(double x, double valueAt1);

    /** Throws unless {@code valueAt1} is in (0, 1), or [0, 1) for the shapes that reach zero. */
    void checkValueAt1(double valueAt1) {
        boolean ok = allowsZero ? valueAt1 >= 0 && valueAt1 < 1 : valueAt1 > 0 && valueAt1 < 1;
        if (!ok) {
            throw new IllegalArgumentException("value at margin for " + name() + " must be in "
                    + (allowsZero ? "[0, 1)" : "(0, 1)") + ", got " + valueAt1);
        }
    }

    private static double acosh(double x) {
        return Math.log(x + Math.sqrt(x * x - 1));
    }

    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }
}
