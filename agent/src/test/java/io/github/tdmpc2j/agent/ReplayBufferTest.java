package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplayBufferTest {
    /**
     * A buffer_size whose observations would not fit one Java array is refused with the largest that does (the
     * ring's offsets overflowed an int once the buffer grew there).
     */
    @Test
    void aBufferLargerThanAJavaArrayHoldsIsRefused() {
        int largest = (Integer.MAX_VALUE - 8) / 223;
        assertThatThrownBy(() -> new ReplayBuffer(largest + 1, 223, 38)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("buffer_size=" + (largest + 1)).hasMessageContaining("largest buffer_size for "
                        + "these tasks is " + largest);
        assertThat(new ReplayBuffer(largest, 223, 38).capacity()).isEqualTo(largest);
    }

    /** Episodes that ended before the horizon leave nothing to sample: a typed error saying what to lower. */
    @Test
    void episodesShorterThanTheHorizonAreATypedError() {
        ReplayBuffer buffer = new ReplayBuffer(1000, 2, 1);
        assertThatThrownBy(() -> buffer.sample(4, 3, new java.util.SplittableRandom(1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("holds 0 steps, fewer than horizon=3");
        for (int i = 0; i < 10; i++) { // five episodes of 2 steps, each terminated
            buffer.add(new io.github.tdmpc2j.spi.agent.Transition(0, new float[2], new float[1], 0,
                    new float[2], i % 2 == 1, false));
        }
        assertThat(buffer.canSample(3)).as("enough steps, none in one episode").isTrue();
        assertThatThrownBy(() -> buffer.sample(4, 3, new java.util.SplittableRandom(1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no sub-trajectory of horizon=3 steps")
                .hasMessageContaining("--set-param horizon=N");
        assertThat(buffer.sample(4, 2, new java.util.SplittableRandom(1)).size()).isEqualTo(4);
    }
}
