package io.github.tdmpc2j.spi;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A box in R^n: per-dimension lower and upper bounds (possibly infinite) and a shape whose product is n.
 * Values are stored flat, in row-major order. Immutable: the getters return copies.
 */
public final class Box {
    private final float[] low;
    private final float[] high;
    private final int[] shape;

    /**
     * A box of these bounds and shape. Inconsistent ones are a {@link PluginException} (a plug-in's task list is
     * where boxes are made): a null array, a low and a high of other lengths, a negative dimension, a shape whose
     * product is not the number of bounds, a NaN bound or a low above its high.
     */
    public Box(float[] low, float[] high, int[] shape) {
        if (low == null || high == null || shape == null) {
            throw new PluginException("a Box needs its low, high and shape arrays, but "
                    + (low == null ? "low" : high == null ? "high" : "shape") + " is null");
        }
        if (low.length != high.length) {
            throw new PluginException("a Box's low has " + Messages.plural(low.length, "entry", "entries")
                    + " but its high has " + high.length + ": give one low and one high bound per entry");
        }
        int size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new PluginException("a Box's shape " + Arrays.toString(shape) + " has the negative dimension "
                        + d + ": give dimensions of 0 or more");
            }
            try {
                size = Math.multiplyExact(size, d);
            } catch (ArithmeticException e) {
                throw new PluginException("a Box's shape " + Arrays.toString(shape) + " holds more values than an "
                        + "array can (" + Integer.MAX_VALUE + ")");
            }
        }
        if (size != low.length) {
            throw new PluginException("a Box's shape " + Arrays.toString(shape) + " holds "
                    + Messages.plural(size, "value") + " but its bounds have " + low.length
                    + ": give a shape whose product is the number of bounds");
        }
        for (int i = 0; i < low.length; i++) {
            if (Float.isNaN(low[i]) || Float.isNaN(high[i]) || low[i] > high[i]) {
                throw new PluginException("a Box's bounds at index " + i + " are [" + low[i] + ", " + high[i]
                        + "]: a bound is a number (no NaN; an unbounded entry is infinite) and a low is at most its "
                        + "high");
            }
        }
        this.low = low.clone();
        this.high = high.clone();
        this.shape = shape.clone();
    }

    /** A flat box of {@code n} values, each in [low, high]; a negative {@code n} is a {@link PluginException}. */
    public static Box of(int n, float low, float high) {
        if (n < 0) {
            throw new PluginException("a Box of " + n + " values: give 0 or more");
        }
        float[] lo = new float[n];
        float[] hi = new float[n];
        Arrays.fill(lo, low);
        Arrays.fill(hi, high);
        return new Box(lo, hi, new int[] {n});
    }

    /** A flat box of {@code n} unbounded values, the usual observation space. */
    public static Box unbounded(int n) {
        return of(n, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /** A flat box with the given bounds. */
    public static Box of(float[] low, float[] high) {
        return new Box(low, high, new int[] {low == null ? 0 : low.length});
    }

    /** The number of values: the product of the shape. */
    public int size() {
        return low.length;
    }

    public float[] low() {
        return low.clone();
    }

    public float[] high() {
        return high.clone();
    }

    public float low(int i) {
        return low[entry(i)];
    }

    public float high(int i) {
        return high[entry(i)];
    }

    /** Refuses an entry index outside the box, the caller's mistake, naming the box's entries; returns {@code i}. */
    private int entry(int i) {
        if (i < 0 || i >= low.length) {
            throw new TdmpcException("entry " + i + " is not one of the box's " + Messages.plural(low.length, "entry",
                    "entries") + (low.length == 0 ? "" : " (0 to " + (low.length - 1) + ")") + ": size() counts them");
        }
        return i;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** True when every entry has finite bounds ({@link #unboundedEntry()} is -1). */
    public boolean isBounded() {
        return unboundedEntry() < 0;
    }

    /** The first entry with an infinite bound, or -1 when every entry is bounded. */
    public int unboundedEntry() {
        for (int i = 0; i < low.length; i++) {
            if (Float.isInfinite(low[i]) || Float.isInfinite(high[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Maps {@code x} linearly from [{@code from}, {@code to}] onto entry {@code i}'s bounds, which must be finite
     * ({@code from} onto the low bound, {@code to} onto the high one), without clipping. Worked out in double, so
     * that bounds near {@code -Float.MAX_VALUE} and {@code Float.MAX_VALUE} (whose width overflows a float) map
     * the middle of the range to the middle of the bounds, not to infinity or NaN; a result beyond the float
     * range (an {@code x} outside [from, to]) is infinite, and clipping brings it back to a bound.
     */
    public float rescale(int i, float x, float from, float to) {
        entry(i);
        double unit = ((double) x - from) / ((double) to - from);
        return (float) (low[i] + unit * ((double) high[i] - low[i]));
    }

    /** True when every entry of the box is [lo, hi]. */
    public boolean hasBounds(float lo, float hi) {
        for (int i = 0; i < low.length; i++) {
            if (low[i] != lo || high[i] != hi) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code x} has the box's size and every entry is finite-or-bounded and inside the bounds. */
    public boolean contains(float[] x) {
        if (x == null || x.length != low.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (Float.isNaN(x[i]) || x[i] < low[i] || x[i] > high[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A random element, as Gymnasium samples: uniform where both bounds are finite, an exponential tail
     * where one is, a standard normal where neither is.
     */
    public float[] sample(RandomGenerator rng) {
        if (rng == null) {
            throw new TdmpcException("the random generator is null: pass one (new SplittableRandom(seed))");
        }
        float[] x = new float[low.length];
        for (int i = 0; i < x.length; i++) {
            boolean loFinite = Float.isFinite(low[i]);
            boolean hiFinite = Float.isFinite(high[i]);
            if (loFinite && hiFinite) {
                // in double: the width of bounds near the float range's ends overflows a float
                x[i] = (float) (low[i] + rng.nextDouble() * ((double) high[i] - low[i]));
                if (x[i] > high[i]) {
                    x[i] = high[i];
                }
            } else if (loFinite) {
                x[i] = low[i] + (float) rng.nextExponential();
            } else if (hiFinite) {
                x[i] = high[i] - (float) rng.nextExponential();
            } else {
                x[i] = (float) rng.nextGaussian();
            }
        }
        return x;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Box b && Arrays.equals(low, b.low) && Arrays.equals(high, b.high)
                && Arrays.equals(shape, b.shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(low) + Arrays.hashCode(high)) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        if (size() > 0 && hasBounds(low[0], high[0])) {
            return "Box(" + low[0] + ", " + high[0] + ", " + Arrays.toString(shape) + ")";
        }
        return "Box(" + Arrays.toString(low) + ", " + Arrays.toString(high) + ", " + Arrays.toString(shape) + ")";
    }
}
