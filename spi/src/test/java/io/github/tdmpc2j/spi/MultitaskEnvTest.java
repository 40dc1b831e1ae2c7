package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.vector.SyncVectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultitaskEnvTest {
    @Test
    void padsObservationsCutsActionsAndMasksPerRow() {
        LineEnv small = new LineEnv(LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1), 1e9);
        LineEnv big = new LineEnv(LineEnv.spec("line/big", 5, 3, -1, 1, 20, 1), 1e9);
        TaskSpace space = TaskSpace.of(List.of(small.spec(), big.spec()));
        assertThat(space.observationSize()).isEqualTo(5);
        assertThat(space.actionSize()).isEqualTo(3);
        assertThat(space.actionMask(0)).containsExactly(1f, 0f, 0f);
        assertThat(space.actionMask(1)).containsExactly(1f, 1f, 1f);
        // rows in another order than the space's tasks
        try (MultitaskEnv env = new MultitaskEnv(space, new SyncVectorEnv(List.of(big, small)))) {
            assertThat(env.tasks()).containsExactly(1, 0);
            float[][] obs = env.reset(3);
            assertThat(obs[1]).containsExactly(4f, 0f, 0f, 0f, 0f); // seed 3 + 1
            assertThat(obs[0]).hasSize(5);
            VectorStepResult s = env.step(new float[][] {{0.1f, 0.2f, 0.3f}, {0.5f, 0.9f, -0.9f}});
            assertThat(small.received.get(0)).containsExactly(0.5f);
            assertThat(big.received.get(0)).containsExactly(0.1f, 0.2f, 0.3f);
            assertThat(s.observations()[1]).containsExactly(4.5f, 1f, 0f, 0f, 0f);
            assertThat(s.infos().get(0)).containsEntry("task", 1);
            assertThat(s.infos().get(1)).containsEntry("task", 0);
        }
        assertThat(small.closed).isTrue();
        assertThat(big.closed).isTrue();
    }

    @Test
    void rejectsBadActionsAndForeignTasks() {
        LineEnv a = new LineEnv(LineEnv.spec("line/a", 2, 2, -1, 1, 10, 1), 1e9);
        TaskSpace space = TaskSpace.of(List.of(a.spec()));
        try (MultitaskEnv env = new MultitaskEnv(space, new SyncVectorEnv(List.of(EnvRegistry.wrap(a))))) {
            assertThatThrownBy(() -> env.step(new float[][] {{0, 0}})).isInstanceOf(EnvStateException.class);
            env.reset(0);
            assertThatThrownBy(() -> env.step(new float[][] {{0}})).isInstanceOf(InvalidActionException.class)
                    .hasMessageContaining("unified action has 2 entries");
            assertThatThrownBy(() -> env.step(new float[][] {{0, Float.NaN}}))
                    .isInstanceOf(InvalidActionException.class);
        }
        LineEnv other = new LineEnv(LineEnv.spec("line/other", 2, 2, -1, 1, 10, 1), 1e9);
        assertThatThrownBy(() -> new MultitaskEnv(space, new SyncVectorEnv(List.of(other))))
                .isInstanceOf(UnknownTaskException.class).hasMessageContaining("line/other");
    }

    /** A task named twice would take two places (two embeddings), and lookups by id would reach only the first. */
    @Test
    void aTaskSpaceNamesEachTaskOnce() {
        TaskSpec a = LineEnv.spec("line/a", 2, 2, -1, 1, 10, 1);
        TaskSpec b = LineEnv.spec("line/b", 3, 1, -1, 1, 10, 1);
        assertThatThrownBy(() -> TaskSpace.of(List.of(a, b, a))).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("line/a is named twice").hasMessageContaining("name it once");
        assertThat(TaskSpace.of(List.of(a, b)).indexOf("line/b")).isEqualTo(1);
    }
}
