package io.github.tdmpc2j.spi.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.LineEnv;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.UnknownTaskException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubsetAgentTest {
    private static final TaskSpec SHORT = LineEnv.spec("line/short", 2, 1, -1, 1, 4, 1);
    private static final TaskSpec LONG = LineEnv.spec("line/long", 3, 2, -1, 1, 7, 1);
    private static final TaskSpec OTHER = LineEnv.spec("line/other", 4, 1, -1, 1, 5, 1);

    /** Acts 10 * task + k + 1 in every entry k of its space, and records what it was given. */
    private static final class Recording implements Agent {
        final List<float[]> observations = new ArrayList<>();
        final List<Integer> tasks = new ArrayList<>();
        final List<Integer> begun = new ArrayList<>();
        final int actionSize;
        boolean closed;

        Recording(int actionSize) {
            this.actionSize = actionSize;
        }

        @Override
        public void beginEpisode(int row, int task, boolean eval, long seed) {
            begun.add(task);
        }

        @Override
        public float[][] act(float[][] obs, int[] taskOf, boolean eval) {
            float[][] actions = new float[obs.length][];
            for (int row = 0; row < obs.length; row++) {
                if (obs[row] != null) {
                    observations.add(obs[row]);
                    tasks.add(taskOf[row]);
                    actions[row] = new float[actionSize];
                    for (int k = 0; k < actionSize; k++) {
                        actions[row][k] = 10 * taskOf[row] + k + 1;
                    }
                }
            }
            return actions;
        }

        @Override
        public Map<String, Double> observe(Transition[] transitions) {
            return Map.of();
        }

        @Override
        public long steps() {
            return 0;
        }

        @Override
        public void writeState(Path dir) {
        }

        @Override
        public void readState(Path dir) {
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void anAgentActsInASubsetOfItsTasksInAnyOrder() {
        TaskSpace agentSpace = TaskSpace.of(List.of(SHORT, LONG)); // obs 3, action 2
        Recording inner = new Recording(agentSpace.actionSize());
        TaskSpace space = TaskSpace.of(List.of(LONG, SHORT)); // the same tasks, the other order
        Agent agent = SubsetAgent.within(inner, agentSpace, space);
        agent.beginEpisode(0, 0, true, 5L);
        float[][] actions = agent.act(new float[][] {{1, 2, 3}, null, {4, 5, 0}}, new int[] {0, 1, 1}, true);
        assertThat(inner.begun).containsExactly(1);
        assertThat(inner.tasks).containsExactly(1, 0);
        assertThat(inner.observations.get(0)).containsExactly(1, 2, 3);
        assertThat(inner.observations.get(1)).containsExactly(4, 5, 0);
        assertThat(actions[0]).containsExactly(11, 12);
        assertThat(actions[1]).isNull();
        assertThat(actions[2]).as("the short task's own entry, the rest zero").containsExactly(1, 0);

        // one task alone: its own sizes
        Agent alone = SubsetAgent.within(inner, agentSpace, TaskSpace.of(List.of(SHORT)));
        assertThat(alone.act(new float[][] {{7, 8}}, new int[] {0}, false)[0]).containsExactly(1);
        assertThat(inner.observations.get(2)).containsExactly(7, 8, 0);

        assertThat(SubsetAgent.within(inner, agentSpace, TaskSpace.of(List.of(SHORT, LONG)))).isSameAs(inner);
        assertThatThrownBy(() -> SubsetAgent.within(inner, agentSpace, TaskSpace.of(List.of(SHORT, OTHER))))
                .isInstanceOf(TdmpcException.class).hasMessageContaining("line/other is not among them");
        assertThatThrownBy(() -> agent.observe(new Transition[0])).isInstanceOf(TdmpcException.class)
                .hasMessage("an agent acting in a subset of its tasks does not learn; train it on its own tasks");
        agent.close();
        assertThat(inner.closed).isTrue();
    }

    /** A task index outside the subset is the caller's mistake, told with the subset's tasks, not an array error. */
    @Test
    void aTaskIndexOutsideTheSubsetIsAnUnknownTaskNamingTheSubsetsTasks() {
        TaskSpace agentSpace = TaskSpace.of(List.of(SHORT, LONG, OTHER));
        Recording inner = new Recording(agentSpace.actionSize());
        Agent agent = SubsetAgent.within(inner, agentSpace, TaskSpace.of(List.of(LONG, SHORT)));
        assertThatThrownBy(() -> agent.beginEpisode(0, 2, true, 1L)).isInstanceOf(UnknownTaskException.class)
                .hasMessageContaining("task 2 is not one of the agent's 2 tasks (0 line/long, 1 line/short)")
                .hasMessageContaining("a task is given by its index in the agent's task list");
        assertThatThrownBy(() -> agent.act(new float[][] {null, {1, 2, 3}}, new int[] {7, -1}, true))
                .isInstanceOf(UnknownTaskException.class)
                .hasMessageContaining("row 1's task -1 is not one of the agent's 2 tasks (0 line/long, 1 line/short)");
        assertThat(inner.begun).isEmpty();
        assertThat(inner.tasks).as("nothing reached the agent").isEmpty();
        assertThat(agent.act(new float[][] {null, {1, 2, 3}}, new int[] {7, 0}, true)[1]).containsExactly(11, 12);
    }

    /** Before: each was a NullPointerException ('agentSpace' is null, 'space' is null). */
    @Test
    void nullPartsAreTypedErrorsThatSayWhatToPass() {
        TaskSpace space = TaskSpace.of(List.of(LineEnv.spec("line/a", 2, 1, -1, 1, 10, 1)));
        try (Agent agent = new RandomAgent(AgentContext.of(space, Map.of(), 1))) {
            assertThatThrownBy(() -> SubsetAgent.within(null, space, space)).isInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("the agent is null");
            assertThatThrownBy(() -> SubsetAgent.within(agent, null, space)).isInstanceOf(TdmpcException.class)
                    .hasMessage("the agent's task space is null: pass the tasks' space (TaskSpace.of(specs))");
            assertThatThrownBy(() -> SubsetAgent.within(agent, space, null)).isInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("the task space to act in is null");
        }
    }
}
