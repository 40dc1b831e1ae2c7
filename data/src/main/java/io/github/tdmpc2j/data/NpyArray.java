package io.github.tdmpc2j.data;

import java.util.Arrays;

/**
 * One array of an NPZ file: a numpy dtype ({@code <f4}, {@code |b1}, {@code <i4}, {@code <i8}), a shape, and the
 * values flat in C order, held as float[], boolean[], int[] or long[] to match the dtype.
 */
public record NpyArray(String dtype, int[] shape, Object data) {
    public static NpyArray of(float[] values, int... shape) {
        return new NpyArray("<f4", shape, values);
    }

    public static NpyArray of(boolean[] values, int... shape) {
        return new NpyArray("|b1", shape, values);
    }

    public static NpyArray of(int[] values, int... shape) {
        return new NpyArray("<i4", shape, values);
    }

    public static NpyArray of(long[] values, int... shape) {
        return new NpyArray("<i8", shape, values);
    }

    public NpyArray {
        shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        int len = switch (dtype) {
            case "<f4" -> ((float[]) data).length;
            case "|b1" -> ((boolean[]) data).length;
            case "<i4" -> ((int[]) data).length;
            case "<i8" -> ((long[]) data).length;
            default -> throw new IllegalArgumentException("unsupported dtype " + dtype);
        };
        if (n != len) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + len);
        }
    }

    public float[] floats() {
        return (float[]) data;
    }

    public boolean[] booleans() {
        return (boolean[]) data;
    }

    public int[] ints() {
        return (int[]) data;
    }

    public long[] longs() {
        return (long[]) data;
    }

    int itemSize() {
        return switch (dtype) {
            case "<f4", "<i4" -> 4;
            case "|b1" -> 1;
            default -> 8;
        };
    }

    int count() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
