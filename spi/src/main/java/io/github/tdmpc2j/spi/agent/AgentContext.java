package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an agent is made for: its tasks (one, or a multitask set in embedding order), the unified observation
 * and action sizes, each task's action mask, free-form parameters ({@code key=value}, meaning is the
 * provider's) and a seed.
 */
public record AgentContext(List<TaskSpec> tasks, int observationSize, int actionSize, List<float[]> actionMasks,
        Map<String, String> params, long seed) {
    public AgentContext {
        tasks = List.copyOf(tasks);
        actionMasks = List.copyOf(actionMasks);
        params = Map.copyOf(params);
        if (tasks.isEmpty() || tasks.size() != actionMasks.size()) {
            throw new IllegalArgumentException("need one action mask per task, and at least one task");
        }
        new TaskSpace(tasks, observationSize, actionSize); // refuses sizes narrower than a task's
        for (int t = 0; t < tasks.size(); t++) {
            if (actionMasks.get(t).length != actionSize) {
                throw new TdmpcException("the action mask of " + tasks.get(t).id() + " has "
                        + Messages.plural(actionMasks.get(t).length, "entry", "entries") + "; the agent's actions have "
                        + actionSize);
            }
        }
    }

    /**
     * Refuses a task index that is not one of this agent's tasks: a mistake of the caller, not of the agent.
     *
     * @param row the row that asked for it, or -1 when none
     */
    public void requireTask(int task, int row) {
        if (task < 0 || task >= tasks.size()) {
            space().requireTask(task, row, "the agent");
        }
    }

    /**
     * Refuses an observation of another size than this agent's ({@link #observationSize}) with an
     * {@link InvalidObservationException}: a mistake of the caller, as an observation of one task not padded to a
     * multitask agent's space is.
     *
     * @param row the row it was given for
     */
    public void requireObservation(float[] observation, int row) {
        if (observation.length != observationSize) {
            throw new InvalidObservationException("the observation of row " + row + " has "
                    + Messages.plural(observation.length, "value") + ", but the agent's have " + observationSize
                    + " (its " + (tasks.size() == 1 ? "task " : "tasks ") + space().describeTasks() + "): pass "
                    + "observations padded to the agent's size, as MultitaskEnv gives them (TaskSpace.pad pads one)");
        }
    }

    public static AgentContext single(TaskSpec task, Map<String, String> params, long seed) {
        return of(TaskSpace.of(List.of(task)), params, seed);
    }

    /** An agent for every task of {@code space}, in its order. */
    public static AgentContext of(TaskSpace space, Map<String, String> params, long seed) {
        List<float[]> masks = new ArrayList<>();
        for (int i = 0; i < space.taskCount(); i++) {
            masks.add(space.actionMask(i));
        }
        return new AgentContext(space.tasks(), space.observationSize(), space.actionSize(), masks, params, seed);
    }

    /** The space this agent acts in. */
    public TaskSpace space() {
        return new TaskSpace(tasks, observationSize, actionSize);
    }

    public boolean multitask() {
        return tasks.size() > 1;
    }

    public float[] actionMask(int task) {
        return actionMasks.get(task).clone();
    }
}
