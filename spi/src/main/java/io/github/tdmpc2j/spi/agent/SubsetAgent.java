package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An agent made for one task space acting in a space of some of its tasks, in any order: a dataset collected on a
 * few tasks of a multitask checkpoint, say. Each row's observation is cut to its task's own entries and zero-padded
 * to the agent's size, its task renumbered to the agent's index, and the action cut to the task's own entries and
 * padded to this space's size. It acts only: it learns nothing ({@link #observe} refuses) and saves nothing; the
 * agent it wraps is loaded before and closed with it.
 */
public final class SubsetAgent implements Agent {
    private final Agent agent;
    private final TaskSpace agentSpace;
    private final TaskSpace space;
    /** Task index in this space -> in the agent's. */
    private final int[] toAgent;

    private SubsetAgent(Agent agent, TaskSpace agentSpace, TaskSpace space) {
        this.agent = agent;
        this.agentSpace = agentSpace;
        this.space = space;
        this.toAgent = new int[space.taskCount()];
        List<String> agentTasks = agentSpace.tasks().stream().map(TaskSpec::id).toList();
        for (int t = 0; t < toAgent.length; t++) {
            String id = space.spec(t).id();
            toAgent[t] = agentTasks.indexOf(id);
            if (toAgent[t] < 0) {
                throw new TdmpcException("the agent was made for the tasks " + String.join(", ", agentTasks) + "; "
                        + id + " is not among them");
            }
        }
    }

    /**
     * {@code agent} (made for {@code agentSpace}) acting in {@code space}, whose tasks must all be among the
     * agent's; {@code agent} itself when the spaces are the same.
     */
    public static Agent within(Agent agent, TaskSpace agentSpace, TaskSpace space) {
        if (agent == null || agentSpace == null || space == null) {
            throw new TdmpcException(agent == null ? "the agent is null: pass the agent to act in a subset of its tasks"
                    : "the " + (agentSpace == null ? "agent's task space" : "task space to act in") + " is null: pass "
                    + "the tasks' space (TaskSpace.of(specs))");
        }
        return agentSpace.equals(space) ? agent : new SubsetAgent(agent, agentSpace, space);
    }

    @Override
    public void beginEpisode(int row, int task, boolean eval, long seed) {
        space.requireTask(task, -1, "the agent");
        agent.beginEpisode(row, toAgent[task], eval, seed);
    }

    @Override
    public void reseed(long seed) {
        agent.reseed(seed);
    }

    @Override
    public float[][] act(float[][] observations, int[] tasks, boolean eval) {
        AgentContext.requireRows(observations, tasks);
        float[][] inner = new float[observations.length][];
        int[] innerTasks = new int[tasks.length];
        for (int row = 0; row < observations.length; row++) {
            if (observations[row] != null) {
                space.requireTask(tasks[row], row, "the agent");
                innerTasks[row] = toAgent[tasks[row]];
                int own = space.spec(tasks[row]).observationSize();
                inner[row] = Arrays.copyOf(Arrays.copyOf(observations[row], own), agentSpace.observationSize());
            }
        }
        float[][] actions = agent.act(inner, innerTasks, eval);
        float[][] out = new float[actions.length][];
        for (int row = 0; row < actions.length; row++) {
            if (actions[row] != null) {
                int own = space.spec(tasks[row]).actionSize();
                out[row] = Arrays.copyOf(Arrays.copyOf(actions[row], own), space.actionSize());
            }
        }
        return out;
    }

    @Override
    public Map<String, Double> observe(Transition[] transitions) {
        throw new TdmpcException("an agent acting in a subset of its tasks does not learn; train it on its own "
                + "tasks");
    }

    /** The space it acts in: the subset's, not the agent's it wraps. */
    @Override
    public java.util.Optional<TaskSpace> space() {
        return java.util.Optional.of(space);
    }

    @Override
    public long steps() {
        return agent.steps();
    }

    @Override
    public void writeState(Path dir) {
        throw new TdmpcException("an agent acting in a subset of its tasks is not saved; save the agent it wraps");
    }

    @Override
    public void readState(Path dir) {
        throw new TdmpcException("an agent acting in a subset of its tasks is loaded before it is wrapped");
    }

    @Override
    public void close() {
        agent.close();
    }
}
