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
}
