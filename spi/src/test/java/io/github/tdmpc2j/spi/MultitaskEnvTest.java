package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MultitaskEnvTest {
    @Test
    void padsObservationsSlicesActionsAndMasks() {
        LineEnv small = new LineEnv(LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1), 1e9);
        LineEnv big = new LineEnv(LineEnv.spec("line/big", 5, 3, -1, 1, 20, 1), 1e9);
        try (MultitaskEnv env = new MultitaskEnv(List.of(small, big))) {
            assertThat(env.observationSize()).isEqualTo(5);
            assertThat(env.actionSize()).isEqualTo(3);
            assertThat(env.actionMask(0)).containsExactly(1f, 0f, 0f);
            assertThat(env.actionMask(1)).containsExactly(1f, 1f, 1f);
            assertThat(env.episodeLength(0)).isEqualTo(10);
            assertThat(env.episodeLength(1)).isEqualTo(20);

            ResetResult r = env.reset(0, 3);
            assertThat(r.observation()).containsExactly(3f, 0f, 0f, 0f, 0f);
            assertThat(r.info()).containsEntry("task", 0);
            StepResult s = env.step(new float[] {0.5f, 0.9f, -0.9f});
            assertThat(small.received.get(0)).containsExactly(0.5f);
            assertThat(s.observation()).containsExactly(3.5f, 1f, 0f, 0f, 0f);

            env.reset(1, 0);
            env.step(new float[] {0.1f, 0.2f, 0.3f});
            assertThat(big.received.get(0)).containsExactly(0.1f, 0.2f, 0.3f);
            assertThat(env.currentTask()).isEqualTo(1);
        }
        assertThat(small.closed).isTrue();
        assertThat(big.closed).isTrue();
    }

    @Test
    void rejectsBadActionsAndOrder() {
        LineEnv a = new LineEnv(LineEnv.spec("line/a", 2, 2, -1, 1, 10, 1), 1e9);
        try (MultitaskEnv env = new MultitaskEnv(List.of(a))) {
            assertThatThrownBy(() -> env.step(new float[] {0, 0})).isInstanceOf(EnvStateException.class);
            env.reset(0, 0);
            assertThatThrownBy(() -> env.step(new float[] {0})).isInstanceOf(InvalidActionException.class)
                    .hasMessageContaining("unified action size is 2");
            assertThatThrownBy(() -> env.step(new float[] {0, Float.NaN})).isInstanceOf(InvalidActionException.class);
            assertThatThrownBy(() -> env.reset(1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}
