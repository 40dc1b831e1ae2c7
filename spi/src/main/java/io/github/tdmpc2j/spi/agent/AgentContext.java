package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.InvalidActionException;
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
        // refuses a null or empty task list, a null task, sizes narrower than a task's
        TaskSpace space = new TaskSpace(tasks, observationSize, actionSize);
        tasks = space.tasks();
        if (actionMasks == null) {
            throw new TdmpcException("the action masks are null: pass one per task (AgentContext.of(space, params, "
                    + "seed) makes them from the tasks' space)");
        }
        if (actionMasks.size() != tasks.size()) {
            throw new TdmpcException("an agent context needs one action mask per task, got "
                    + Messages.plural(actionMasks.size(), "mask") + " for " + Messages.plural(tasks.size(), "task")
                    + " (" + space.describeTasks() + "): pass one per task (AgentContext.of(space, params, seed) "
                    + "makes them from the tasks' space)");
        }
        for (int t = 0; t < tasks.size(); t++) {
            if (actionMasks.get(t) == null) {
                throw new TdmpcException("the action mask of " + tasks.get(t).id() + " is null: pass 1 for each "
                        + "action entry the task uses and 0 for the rest (TaskSpace.actionMask(task) gives it)");
            }
        }
        actionMasks = List.copyOf(actionMasks);
        if (params == null) {
            throw new TdmpcException("the agent's params are null: pass Map.of() for none");
        }
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (p.getKey() == null || p.getValue() == null) {
                throw new TdmpcException("the agent's params hold " + (p.getKey() == null ? "a null key"
                        : "no value for '" + p.getKey() + "' (null)") + ": give each param a name and a value, or "
                        + "leave it out");
            }
        }
        params = Map.copyOf(params);
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
     * Refuses an observation that is null, of another size than this agent's ({@link #observationSize}) or not
     * finite with an {@link InvalidObservationException}: a mistake of the caller, as an observation of one task not
     * padded to a multitask agent's space is.
     *
     * @param row the row it was given for
     */
    public void requireObservation(float[] observation, int row) {
        requireObservation(observation, "the observation of row ", row, "");
    }

    /**
     * {@link #requireObservation(float[], int)} of the observation described as {@code before + at + after} (made
     * only for the message: this runs for every row of every step).
     */
    private void requireObservation(float[] observation, String before, int at, String after) {
        if (observation == null) {
            throw new InvalidObservationException(before + at + after + " is null: pass the row's observation (an "
                    + "env's, padded to the agent's size as MultitaskEnv gives them)");
        }
        if (observation.length != observationSize) {
            throw new InvalidObservationException(before + at + after + " has "
                    + Messages.plural(observation.length, "value") + ", but the agent's have " + observationSize
                    + " (its " + (tasks.size() == 1 ? "task " : "tasks ") + space().describeTasks() + "): pass "
                    + "observations padded to the agent's size, as MultitaskEnv gives them (TaskSpace.pad pads one)");
        }
        for (int i = 0; i < observation.length; i++) {
            if (!Float.isFinite(observation[i])) {
                throw new InvalidObservationException(before + at + after + " has " + observation[i] + " at entry "
                        + i + ": an agent takes finite observations, as the envs of EnvRegistry give them; find what "
                        + "made it");
            }
        }
    }

    /**
     * Refuses what {@link Agent#act(float[][], int[], boolean)} was given unless it fits this agent: one task index
     * per row ({@link #requireRows}), and each row that steps (its observation not null) of one of the agent's
     * tasks ({@link #requireTask}) with an observation of the agent's ({@link #requireObservation}).
     */
    public void requireAct(float[][] observations, int[] tasks) {
        requireRows(observations, tasks);
        for (int row = 0; row < observations.length; row++) {
            if (observations[row] != null) {
                requireTask(tasks[row], row);
                requireObservation(observations[row], row);
            }
        }
    }

    /**
     * Refuses a batch of rows to act on that is null or has another number of task indices than of rows, whatever
     * the agent: a mistake of the caller.
     */
    public static void requireRows(float[][] observations, int[] tasks) {
        if (observations == null || tasks == null) {
            throw new TdmpcException("act was given null " + (observations == null ? "observations: pass one per row "
                    + "(null for a row that does not step)" : "tasks: pass each row's task index"));
        }
        if (tasks.length != observations.length) {
            throw new TdmpcException("act was given " + Messages.plural(tasks.length, "task") + " for "
                    + Messages.plural(observations.length, "row") + "; give each row's task index");
        }
    }

    /**
     * Refuses what {@link Agent#observe(Transition[])} was given unless it fits this agent: an array (null for a row
     * that did not step), each transition of one of the agent's tasks, with observations of the agent's
     * ({@link InvalidObservationException}), an action of its size with finite entries
     * ({@link InvalidActionException}) and a finite reward. A mistake of the caller, checked before the agent
     * learns anything from the step.
     */
    public void requireTransitions(Transition[] transitions) {
        if (transitions == null) {
            throw new TdmpcException("observe was given null: pass an array of one transition per row (null for a "
                    + "row that did not step)");
        }
        for (int row = 0; row < transitions.length; row++) {
            Transition t = transitions[row];
            if (t == null) {
                continue;
            }
            requireTask(t.task(), row);
            requireObservation(t.observation(), "the observation of row ", row, "'s transition");
            requireObservation(t.nextObservation(), "the next observation of row ", row, "'s transition");
            requireAction(t.action(), "the action of row ", row, "'s transition");
            requireReward(t.reward(), "the reward of row ", row, "'s transition");
        }
    }

    /**
     * Refuses a recorded episode ({@link OfflineLearner#addEpisode}) unless it fits this agent as
     * {@link #requireTransitions} says a step must: one of the agent's tasks, observations of the agent's size and
     * finite, actions of its size and finite, finite rewards. Checked whole before any of it is learnt from.
     */
    public void requireEpisode(Episode episode) {
        if (episode == null) {
            throw new TdmpcException("the episode is null: pass a recorded episode in the agent's space (a dataset's, "
                    + "as DatasetReader reads them)");
        }
        requireTask(episode.task(), -1);
        for (int i = 0; i < episode.observations().length; i++) {
            requireObservation(episode.observations()[i], "observation ", i, " of the episode");
        }
        for (int i = 0; i < episode.length(); i++) {
            requireAction(episode.actions()[i], "action ", i, " of the episode");
            requireReward(episode.rewards()[i], "reward ", i, " of the episode");
        }
    }

    private void requireAction(float[] action, String before, int at, String after) {
        if (action == null || action.length != actionSize) {
            throw new InvalidActionException(before + at + after + " " + (action == null ? "is null"
                    : "has " + Messages.plural(action.length, "entry", "entries")) + ", but the agent's have "
                    + actionSize + ": pass the action act returned (in the agent's size, 0 outside its task's mask)");
        }
        for (int i = 0; i < action.length; i++) {
            if (!Float.isFinite(action[i])) {
                throw new InvalidActionException(before + at + after + " has " + action[i] + " at entry " + i
                        + ": pass the action act returned (finite, in [-1, 1])");
            }
        }
    }

    private static void requireReward(double reward, String before, int at, String after) {
        if (!Double.isFinite(reward)) {
            throw new TdmpcException(before + at + after + " is " + reward + ": pass the env's reward, which is "
                    + "finite");
        }
    }

    /**
     * Refuses a null context, the caller's mistake (an agent's constructor, a provider's {@code create}), saying what
     * to pass; returns {@code context}.
     */
    public static AgentContext require(AgentContext context) {
        if (context == null) {
            throw new TdmpcException("the agent context is null: pass what the agent is made for "
                    + "(AgentContext.of(space, params, seed))");
        }
        return context;
    }

    public static AgentContext single(TaskSpec task, Map<String, String> params, long seed) {
        if (task == null) {
            throw new TdmpcException("the task is null: pass a task's spec (EnvRegistry.resolve gives it from its id "
                    + "or alias)");
        }
        return of(TaskSpace.of(List.of(task)), params, seed);
    }

    /** An agent for every task of {@code space}, in its order. */
    public static AgentContext of(TaskSpace space, Map<String, String> params, long seed) {
        if (space == null) {
            throw new TdmpcException("the task space is null: pass the tasks' space (TaskSpace.of(specs))");
        }
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
        requireTask(task, -1);
        return actionMasks.get(task).clone();
    }
}
