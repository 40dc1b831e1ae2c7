package io.github.tdmpc2j.agent.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.github.tdmpc2j.agent.DjlRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalarsTest {
    /**
     * Between the forward and the backward pass the JVM collects garbage and hands freed native memory out again;
     * the scalars autograd kept must still hold their values (DJL's own {@code mul(Number)} scalar lives in a
     * direct buffer that nothing holds once DJL closes it).
     */
    @Test
    void gradientsThroughScalarOpsSurviveGarbageCollectionBeforeBackward() throws Exception {
        Engine engine = DjlRuntime.engine();
        try (NDManager m = engine.newBaseManager(); NDScope scope = new NDScope()) {
            NDArray x = m.create(new float[] {1f, 2f, 3f});
            x.setRequiresGradient(true);
            try (Recording rec = new Recording()) {
                NDArray y = Scalars.add(Scalars.div(Scalars.mul(x, 3f), 0.5f), 1f);
                NDArray z = Scalars.maximum(y, 8f).sum();
                churnNativeMemory(m);
                rec.backward(z);
            }
            // z = sum(max(6x + 1, 8)): x = 1 is below the floor (7 < 8), x = 2 and 3 are above
            assertThat(x.getGradient().toFloatArray()).containsExactly(0f, 6f, 6f);
        }
    }

    private static void churnNativeMemory(NDManager m) throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            List<NDArray> garbage = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                try (NDManager tmp = m.newSubManager()) {
                    tmp.create(new float[] {123456f}).add(1f);
                }
                garbage.add(null);
            }
            System.gc();
            Thread.sleep(20);
            // reuse what the collector freed, with values that would show in a gradient
            for (int i = 0; i < 200; i++) {
                try (NDManager tmp = m.newSubManager()) {
                    tmp.create(new float[] {77f});
                }
            }
        }
    }
}
