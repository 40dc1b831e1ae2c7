package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.vector.SyncVectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import java.util.List;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import java.util.Arrays;
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

    /** A space recorded with other sizes of a task (a checkpoint's, from another version of its plug-in). */
    @Test
    void aRowOfOtherSizesThanTheSpaceListsIsAPluginErrorThatSaysWhatToDo() {
        TaskSpec recorded = LineEnv.spec("line/a", 2, 2, -1, 1, 10, 1);
        TaskSpace space = TaskSpace.of(List.of(recorded, LineEnv.spec("line/b", 3, 1, -1, 1, 10, 1)));
        LineEnv now = new LineEnv(LineEnv.spec("line/a", 4, 2, -1, 1, 10, 1), 1e9);
        assertThatThrownBy(() -> new MultitaskEnv(space, new SyncVectorEnv(List.of(now))))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("the task space lists line/a with observations of 2 values and actions of 2 "
                        + "entries, but row 0's env of it, as its plug-in makes it here, has 4 and 2")
                .hasMessageContaining("(the tasks 0 line/a, 1 line/b)")
                .hasMessageContaining("install the plug-in version it was made with");
    }

    @Test
    void aTaskIndexOutsideTheSpaceIsAnUnknownTask() {
        TaskSpace space = TaskSpace.of(List.of(LineEnv.spec("line/a", 2, 2, -1, 1, 10, 1)));
        assertThatThrownBy(() -> space.spec(1)).isInstanceOf(UnknownTaskException.class)
                .hasMessageContaining("task 1 is not the task space's one task (0 line/a); a task is given by its "
                        + "index in the task space's task list");
        assertThatThrownBy(() -> TaskSpace.of(List.of())).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("a task space needs at least one task, got none: give TaskSpace.of the tasks");
        assertThatThrownBy(() -> space.actionMask(-1)).isInstanceOf(UnknownTaskException.class);
    }

    /** A task named twice would take two places (two embeddings), and lookups by id would reach only the first. */
    @Test
    void aTaskSpaceNamesEachTaskOnce() {
        TaskSpec a = LineEnv.spec("line/a", 2, 2, -1, 1, 10, 1);
        TaskSpec b = LineEnv.spec("line/b", 3, 1, -1, 1, 10, 1);
        assertThatThrownBy(() -> TaskSpace.of(List.of(a, b, a))).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("line/a is named twice").hasMessageContaining("name it once");
        assertThat(TaskSpace.of(List.of(a, b)).indexOf("line/b")).isEqualTo(1);
        assertThatThrownBy(() -> TaskSpace.of(List.of(a, b)).indexOf("line/c")).isInstanceOf(UnknownTaskException.class)
                .hasMessageContaining("line/c is not one of the task space's 2 tasks (0 line/a, 1 line/b)");
    }

    @Test
    void aSpaceSmallerThanOneOfItsTasksIsRefusedNamingTheTask() {
        TaskSpec small = LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1);
        TaskSpec big = LineEnv.spec("line/big", 5, 3, -1, 1, 10, 1);
        // the sizes a checkpoint records, say, narrower than a task: observations were cut without a word and
        // the big task's last action entries were always 0
        assertThatThrownBy(() -> new TaskSpace(List.of(small, big), 3, 3)).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("line/big has observations of 5 values, more than the 3 of the space");
        assertThatThrownBy(() -> new TaskSpace(List.of(small, big), 5, 2)).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("line/big has actions of 3 entries, more than the 2 of the space");
        TaskSpace wider = new TaskSpace(List.of(small, big), 7, 4); // a wider space (a reference checkpoint's) is fine
        assertThat(wider.pad(new float[] {1, 2})).containsExactly(1, 2, 0, 0, 0, 0, 0);
        assertThat(wider.actionMask(1)).containsExactly(1, 1, 1, 0);
        // the caller's mistake (an observation of another task), not an env's: envs are checked before it
        assertThatThrownBy(() -> wider.pad(new float[8]))
                .isInstanceOf(io.github.tdmpc2j.spi.agent.InvalidObservationException.class)
                .hasMessage("the observation to pad has 8 values, more than the space's 7 (its tasks 0 line/small, "
                        + "1 line/big): pass an observation of one of the space's tasks, of at most 7 values");
    }

    @Test
    void anAgentAskedToActForATaskItWasNotMadeForIsACallersErrorNotTheAgentsFault() {
        TaskSpace space = TaskSpace.of(List.of(LineEnv.spec("line/a", 2, 1, -1, 1, 10, 1),
                LineEnv.spec("line/b", 3, 2, -1, 1, 10, 1)));
        try (io.github.tdmpc2j.spi.agent.Agent agent = io.github.tdmpc2j.spi.agent.Agents.find("random")
                .create(io.github.tdmpc2j.spi.agent.AgentContext.of(space, java.util.Map.of(), 1))) {
            assertThatThrownBy(() -> agent.beginEpisode(0, 2, false, 1)).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("task 2 is not one of the agent's 2 tasks (0 line/a, 1 line/b)");
            agent.beginEpisode(0, 1, false, 1);
            assertThatThrownBy(() -> agent.act(new float[][] {new float[3]}, new int[] {-1}, false))
                    .isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("row 0's task -1 is not one of the agent's 2 tasks (0 line/a, 1 line/b)");
            assertThatThrownBy(() -> agent.act(new float[][] {new float[3]}, new int[] {1, 0}, false))
                    .isInstanceOf(TdmpcException.class).hasMessageContaining("2 tasks for 1 row;");
            assertThat(agent.act(new float[][] {new float[3]}, new int[] {1}, false)[0]).hasSize(2);
        }
    }

    @Test
    void anAgentContextWhoseMasksDoNotFitItsActionsIsRefused() {
        TaskSpec a = LineEnv.spec("line/a", 2, 2, -1, 1, 10, 1);
        assertThatThrownBy(() -> new io.github.tdmpc2j.spi.agent.AgentContext(List.of(a), 2, 2,
                List.of(new float[] {1, 1, 0}), java.util.Map.of(), 1)).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("the action mask of line/a has 3 entries; the agent's actions have 2");
        assertThatThrownBy(() -> new io.github.tdmpc2j.spi.agent.AgentContext(List.of(a), 2, 1,
                List.of(new float[] {1}), java.util.Map.of(), 1)).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("line/a has actions of 2 entries, more than the 1 of the space");
    }

    /** A user's program that passes null gets a typed error saying what to pass, not a bare NullPointerException. */
    @Test
    void nullArgumentsAreTypedErrorsThatSayWhatToPass() {
        TaskSpec a = LineEnv.spec("line/a", 2, 2, -1, 1, 10, 1);
        assertThatThrownBy(() -> TaskSpace.of(null)).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("the task list is null: give TaskSpace.of the tasks");
        assertThatThrownBy(() -> TaskSpace.of(Arrays.asList(a, null))).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("task 1 of the task list is null");
        assertThatThrownBy(() -> new TaskSpace(null, 2, 2)).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("the task list is null");
        TaskSpace space = TaskSpace.of(List.of(a));
        // before: NullPointerException 'Cannot read the array length because "observation" is null'
        assertThatThrownBy(() -> space.pad(null)).isInstanceOf(TdmpcException.class)
                .hasMessage("the observation to pad is null: pass an env's observation of one of the space's tasks "
                        + "(0 line/a)");
        assertThatThrownBy(() -> MultitaskEnv.spread(null, 2)).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("the task space is null");
        assertThatThrownBy(() -> new MultitaskEnv(null, new SyncVectorEnv(List.of(new LineEnv(a, 1e9)))))
                .isInstanceOf(TdmpcException.class).hasMessageContaining("the task space is null");
        assertThatThrownBy(() -> new MultitaskEnv(space, null)).isInstanceOf(TdmpcException.class)
                .hasMessageContaining("the vector env of the rows is null");
        try (EnvRegistry r = EnvRegistry.of(List.of())) {
            assertThatThrownBy(() -> MultitaskEnv.make(null, space, List.of("line/a"), 0))
                    .isInstanceOf(TdmpcException.class).hasMessageContaining("the env registry is null");
            assertThatThrownBy(() -> MultitaskEnv.make(r, null, List.of("line/a"), 0))
                    .isInstanceOf(TdmpcException.class).hasMessageContaining("the task space is null");
            assertThatThrownBy(() -> MultitaskEnv.make(r, space, null, 0)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("the row ids are null");
        }
        try (MultitaskEnv env = new MultitaskEnv(space, new SyncVectorEnv(List.of(EnvRegistry.wrap(new LineEnv(a,
                1e9)))))) {
            assertThatThrownBy(() -> env.reset((EpisodeSchedule) null)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("the episode schedule is null: pass EpisodeSchedule.sequential(seed, 1)");
            assertThat(env.reset(0)[0]).hasSize(2); // still usable
            // before: ArrayIndexOutOfBoundsException 'Index 3 out of bounds for length 1'
            assertThatThrownBy(() -> env.task(3)).isInstanceOf(TdmpcException.class)
                    .hasMessage("row 3 is not one of this vector env's 1 row: rows are 0 (numEnvs() counts them)");
            assertThatThrownBy(() -> env.spec(3)).isInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("row 3 is not one of this vector env's 1 row");
        }
    }
}
