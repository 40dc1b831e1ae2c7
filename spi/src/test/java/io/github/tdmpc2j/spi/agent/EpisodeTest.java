package io.github.tdmpc2j.spi.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.TdmpcException;
import org.junit.jupiter.api.Test;

class EpisodeTest {
    /**
     * Before: a null part was a NullPointerException ('Cannot read the array length because "observations" is
     * null'), parts of other lengths an IllegalArgumentException that named no counts given.
     */
    @Test
    void partsThatDoNotMakeAnEpisodeAreTypedErrorsThatSayWhatToPass() {
        assertThatThrownBy(() -> new Episode(0, null, new float[1][1], new float[1], false, new boolean[1]))
                .isInstanceOf(TdmpcException.class).hasMessage("an episode needs its observations, actions, rewards "
                        + "and success flags, but its observations are null: pass each (new boolean[T] for a task "
                        + "with no success flag)");
        assertThatThrownBy(() -> new Episode(0, new float[2][1], new float[1][1], new float[1], false, null))
                .isInstanceOf(TdmpcException.class).hasMessageContaining("its success flags are null");
        assertThatThrownBy(() -> new Episode(0, new float[2][3], new float[2][2], new float[2], false,
                new boolean[2])).isInstanceOf(TdmpcException.class).hasMessage("an episode of 2 steps needs 3 "
                        + "observations and 2 rewards and success flags, got 2, 2 and 2: pass the first observation "
                        + "(from reset) and one of each per step");
        assertThat(new Episode(0, new float[3][3], new float[2][2], new float[2], true, new boolean[2]).length())
                .isEqualTo(2);
    }
}
