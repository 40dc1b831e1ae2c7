package io.github.tdmpc2j.tasks.dmc;

import java.nio.DoubleBuffer;

/**
 * dm_control's soft indicator: 1 inside {@code [lower, upper]}, falling off with a {@link Sigmoid} outside, to
 * {@code valueAtMargin} at distance {@code margin} from the nearest bound. With a zero margin it is a hard
 * indicator.
 */
public final class Tolerance {
    /** dm_control's default value at the margin. */
    public static final double DEFAULT_VALUE_AT_MARGIN = 0.1;

    private Tolerance() {
    }

    public static double tolerance(double x, double lower, double upper, double margin, Sigmoid sigmoid,
            double valueAtMargin) {
        if (lower > upper) {
            throw new IllegalArgumentException("lower bound " + lower + " is above upper bound " + upper);
        }
        if (margin < 0) {
            throw new IllegalArgumentException("margin must be non-negative, got " + margin);
        }
        if (margin == 0) {
            return lower <= x && x <= upper ? 1.0 : 0.0;
        }
        sigmoid.checkValueAt1(valueAtMargin);
        if (lower <= x && x <= upper) {
            return 1.0;
        }
        double distance = (x < lower ? lower - x : x - upper) / margin;
        return sigmoid.apply(distance, valueAtMargin);
    }

    /** With dm_control's default value at the margin, 0.1. */
    public static double tolerance(double x, double lower, double upper, double margin, Sigmoid sigmoid) {
        return tolerance(x, lower, upper, margin, sigmoid, DEFAULT_VALUE_AT_MARGIN);
    }

    /**
     * dm_control's small-control term, {@code (4 + mean(tolerance(ctrl, margin=1, quadratic, 0 at the margin))) / 5}:
     * 1 for no control at all, 0.8 for every actuator at its limit.
     */
    public static double smallControl(DoubleBuffer ctrl) {
        double sum = 0;
        for (int i = 0; i < ctrl.limit(); i++) {
            sum += tolerance(ctrl.get(i), 0, 0, 1, Sigmoid.QUADRATIC, 0);
        }
        return (4 + sum / ctrl.limit()) / 5;
    }

    /** A hard indicator of {@code x} in {@code [lower, upper]}. */
    public static double tolerance(double x, double lower, double upper) {
        return lower <= x && x <= upper ? 1.0 : 0.0;
    }
}
