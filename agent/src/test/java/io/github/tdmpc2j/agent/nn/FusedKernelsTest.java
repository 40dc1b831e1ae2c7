package io.github.tdmpc2j.agent.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.DjlRuntime;
import org.junit.jupiter.api.Test;

/** The CPU path never reaches the native extension's fused kernels (nor their first-use checks). */
class FusedKernelsTest {
    @Test
    void onTheCpuTheFusedKernelsAreNeitherCheckedNorUsed() {
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            NDArray x = m.ones(new Shape(4, 8));
            boolean used = FusedKernels.use("test kernel", x, manager -> {
                throw new AssertionError("a fused kernel's check ran on the CPU");
            });
            assertThat(used).isFalse();
            assertThat(FusedKernels.decisions()).doesNotContainKey("test kernel@" + x.getDevice());
        }
    }
}
