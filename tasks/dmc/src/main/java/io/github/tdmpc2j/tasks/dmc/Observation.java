package io.github.tdmpc2j.tasks.dmc;

import java.nio.DoubleBuffer;

/**
 * The flat observation a task writes, entry after entry, in the order of dm_control's observation dict (the
 * order the TD-MPC2 reference concatenates it in).
 */
public final class Observation {
    private final float[] values;
    private int size;

    public Observation(int capacity) {
        this.values = new float[capacity];
    }

    public Observation add(double value) {
        values[size++] = (float) value;
        return this;
    }

    public Observation add(double... more) {
        for (double v : more) {
            add(v);
        }
        return this;
    }

    /** Appends {@code count} entries of {@code buffer} starting at absolute index {@code from}. */
    public Observation add(DoubleBuffer buffer, int from, int count) {
        for (int i = 0; i < count; i++) {
            values[size++] = (float) buffer.get(from + i);
        }
        return this;
    }

    /** Appends the entries of {@code buffer} at the given absolute indices, in their order. */
    public Observation add(DoubleBuffer buffer, int[] indices) {
        for (int i : indices) {
            values[size++] = (float) buffer.get(i);
        }
        return this;
    }

    /** Appends the whole buffer. */
    public Observation addAll(DoubleBuffer buffer) {
        return add(buffer, 0, buffer.limit());
    }

    public int size() {
        return size;
    }

    /** The values written, which must fill the capacity exactly. */
    public float[] values() {
        if (size != values.length) {
            throw new IllegalStateException("the task wrote " + size + " observation entries but declared " + values.length);
        }
        return values;
    }
}
