package io.github.tdmpc2j.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.DjlRuntime;
import io.github.tdmpc2j.spi.GivingUp;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint's tensor goes into the engine a slice of rows at a time (the 317M model's largest, 134M values, took
 * seconds whole), the same values as one copy, and a stop gives the copy up between slices.
 */
class CopyInTest {
    @Test
    void aTensorCopiedInSlicesHoldsTheValuesOfOneCopy() {
        float[] values = new float[5 * 3 * 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 3;
        }
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            for (long slice : new long[] {1, 6, 13, 1 << 24}) {
                NDArray target = m.zeros(new Shape(5, 3, 2));
                Checkpoint.copyIn(values, target, slice);
                assertThat(target.toFloatArray()).as("slice " + slice).containsExactly(values);
            }
            NDArray flat = m.zeros(new Shape(values.length));
            Checkpoint.copyIn(values, flat, 4);
            assertThat(flat.toFloatArray()).containsExactly(values);
            // given up between two slices: a stop asked from its third question (unless asks once first)
            AtomicInteger asked = new AtomicInteger();
            NDArray stopped = m.zeros(new Shape(5, 3, 2));
            assertThat(GivingUp.unless(() -> asked.incrementAndGet() >= 3,
                    () -> Checkpoint.copyIn(values, stopped, 6))).isFalse();
            float[] firstRow = java.util.Arrays.copyOf(values, 6); // the one slice copied
            assertThat(stopped.toFloatArray()).containsExactly(java.util.Arrays.copyOf(firstRow, values.length));
        }
    }
}
