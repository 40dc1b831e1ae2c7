package io.github.tdmpc2j.spi;

import io.github.tdmpc2j.spi.agent.InvalidObservationException;
import java.util.List;

/**
 * The one space many tasks share, as a multitask agent sees them: observations zero-padded to the largest
 * observation size; actions of the largest action size, of which task i uses its first {@code A_i} entries (its
 * action mask is 1 there and 0 elsewhere). Tasks are in embedding order. One task alone is its own space.
 */
public record TaskSpace(List<TaskSpec> tasks, int observationSize, int actionSize) {
    public TaskSpace {
        tasks = List.copyOf(requireTasks(tasks));
        if (tasks.isEmpty()) {
            throw new TdmpcException("a task space needs at least one task, got none: give TaskSpace.of the tasks "
                    + "the agent or env is to run (TaskSpace.of(List.of(spec)) for one task alone)");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (TaskSpec spec : tasks) {
            if (!seen.add(spec.id())) {
                throw new TdmpcException(spec.id() + " is named twice in the task list (aliases count as the task "
                        + "they name); each task takes one place in a multitask space, with its own embedding and "
                        + "action mask: name it once");
            }
            // a narrower space would cut the task's observations and never move its last action entries
            if (spec.observationSize() > observationSize) {
                throw new TdmpcException(spec.id() + " has observations of " + spec.observationSize() + " values, "
                        + "more than the " + observationSize + " of the space it is put in; a multitask space is "
                        + "at least as wide as each of its tasks (TaskSpace.of makes the narrowest that is)");
            }
            if (spec.actionSize() > actionSize) {
                throw new TdmpcException(spec.id() + " has actions of " + spec.actionSize() + " entries, more than "
                        + "the " + actionSize + " of the space it is put in; a multitask space is at least as wide "
                        + "as each of its tasks (TaskSpace.of makes the narrowest that is)");
            }
        }
    }

    public static TaskSpace of(List<TaskSpec> tasks) {
        requireTasks(tasks);
        int obs = 0;
        int act = 0;
        for (TaskSpec spec : tasks) {
            obs = Math.max(obs, spec.observationSize());
            act = Math.max(act, spec.actionSize());
        }
        return new TaskSpace(tasks, obs, act);
    }

    /** Refuses a null task list, or one with a null task, with what to give instead. */
    private static List<TaskSpec> requireTasks(List<TaskSpec> tasks) {
        if (tasks == null) {
            throw new TdmpcException("the task list is null: give TaskSpace.of the tasks the agent or env is to run "
                    + "(TaskSpace.of(List.of(spec)) for one task alone; EnvRegistry.resolve gives a task's spec)");
        }
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i) == null) {
                throw new TdmpcException("task " + i + " of the task list is null: give each task's spec "
                        + "(EnvRegistry.resolve gives it from its id)");
            }
        }
        return tasks;
    }

    public int taskCount() {
        return tasks.size();
    }

    public TaskSpec spec(int task) {
        return tasks.get(checkTask(task));
    }

    /** The index of the task with this id, as the agent knows it. */
    public int indexOf(String id) {
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).id().equals(id)) {
                return i;
            }
        }
        throw new UnknownTaskException(id + " is not " + among("the task space") + " (" + describeTasks() + ")",
                tasks.stream().map(TaskSpec::id).toList());
    }

    /** 1 for the action entries task {@code task} uses, 0 for the padding. */
    public float[] actionMask(int task) {
        float[] mask = new float[actionSize];
        java.util.Arrays.fill(mask, 0, spec(task).actionSize(), 1f);
        return mask;
    }

    /**
     * Zero-pads an observation to the unified size; a longer one is refused, never cut, with an
     * {@link InvalidObservationException}: the caller's mistake (an observation of another task), as an env's reaches
     * here only checked against its task's size ({@link EnvRegistry}'s envs).
     */
    public float[] pad(float[] observation) {
        if (observation == null) {
            throw new TdmpcException("the observation to pad is null: pass an env's observation of one of the "
                    + "space's tasks (" + describeTasks() + ")");
        }
        if (observation.length > observationSize) {
            throw new InvalidObservationException("the observation to pad has "
                    + Messages.plural(observation.length, "value") + ", more than the space's " + observationSize
                    + " (its " + (tasks.size() == 1 ? "task " : "tasks ") + describeTasks() + "): pass an observation "
                    + "of one of the space's tasks, of at most " + Messages.plural(observationSize, "value"));
        }
        return observation.length == observationSize ? observation
                : java.util.Arrays.copyOf(observation, observationSize);
    }

    /** One line naming the tasks by index, as an agent knows them: {@code 0 dmc/walker-walk, 1 ...}. */
    public String describeTasks() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < tasks.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(i).append(' ').append(tasks.get(i).id());
        }
        return b.toString();
    }

    /** Task {@code task}'s own entries of a unified action, checked against its space. */
    public float[] taskAction(int task, float[] action) {
        if (action == null || action.length != actionSize) {
            throw new InvalidActionException("a unified action has " + Messages.plural(actionSize, "entry", "entries")
                    + ", got " + (action == null ? "none" : action.length) + " for " + spec(task).id());
        }
        return action.length == spec(task).actionSize() ? action
                : java.util.Arrays.copyOf(action, spec(task).actionSize());
    }

    /**
     * Refuses a task index outside this space with an {@link UnknownTaskException} naming its tasks by index
     * ({@code row}: the vector env row the task was given for, or -1 for none; {@code owner}: what the caller
     * knows the space as, for the message: "the agent" for an agent's tasks).
     */
    public void requireTask(int task, int row, String owner) {
        if (task < 0 || task >= tasks.size()) {
            throw new UnknownTaskException((row < 0 ? "task " : "row " + row + "'s task ") + task + " is not "
                    + among(owner) + " (" + describeTasks() + "); a task is given by its index in " + owner
                    + "'s task list", List.of());
        }
    }

    /** {@code the agent's one task} or {@code one of the agent's 3 tasks}, for {@code owner} "the agent". */
    private String among(String owner) {
        return tasks.size() == 1 ? owner + "'s one task" : "one of " + owner + "'s " + tasks.size() + " tasks";
    }

    private int checkTask(int task) {
        requireTask(task, -1, "the task space");
        return task;
    }
}
