package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.agent.reference.TorchTensor;
import io.github.tdmpc2j.agent.reference.TorchTensorDict;
import io.github.tdmpc2j.data.DatasetException;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.Episode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * One chunk file of the TD-MPC2 reference's released multitask datasets (mt30, mt80), as its offline trainer reads
 * them: a TensorDict of batch size {@code [episodes, T+1]} with {@code obs} {@code [E, T+1, O]} (zero-padded to the
 * set's largest observation), {@code action} {@code [E, T+1, A]} and {@code reward} {@code [E, T+1]} whose first
 * step is a placeholder (NaN: the step before the first action), {@code task} {@code [E, T+1]} (the task's index in
 * the set's order) and, in data saved by its newer code, {@code terminated}. Each episode becomes one of this
 * project's, in the task's own sizes ({@link #episode}).
 */
final class ReferenceDataChunk {
    /** The reference's episode length for its two released datasets, in steps (its offline trainer's check). */
    static int referenceSteps(String set) {
        return switch (set == null ? "" : set.toLowerCase(java.util.Locale.ROOT)) {
            case "mt30" -> 500;
            case "mt80" -> 100;
            default -> -1;
        };
    }

    private final Path file;
    private final String set;
    private final TaskSpace space;
    private final TorchTensor obs;
    private final TorchTensor action;
    private final TorchTensor reward;
    private final TorchTensor task;
    private final TorchTensor terminated;
    private final long episodes;
    private final int length;

    /**
     * The chunk {@code top} (the unpickled file {@code file}) for the tasks of {@code space} ({@code set} names
     * them for messages); {@code steps} is the episode length every episode must have, or -1 for the tasks' own
     * at most. Anything else than such a chunk is refused with what to do.
     */
    ReferenceDataChunk(Path file, Object top, TaskSpace space, String set, int steps) {
        this.file = file;
        this.set = set.contains(",") ? "the task list (--set)" : set;
        this.space = space;
        Map<String, Object> fields;
        if (top instanceof TorchTensorDict td) {
            fields = td.fields();
        } else if (top instanceof Map<?, ?> m && !m.containsKey("model")) {
            fields = new java.util.LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                fields.put(String.valueOf(e.getKey()), e.getValue());
            }
        } else {
            throw notChunk(top instanceof Map<?, ?> ? "it holds a model (a checkpoint: import it with `tdmpc2j "
                    + "import`)" : "its top level is " + (top == null ? "None" : top.getClass().getSimpleName()));
        }
        if (fields.get("obs") instanceof TorchTensorDict) {
            throw new DatasetException(file + " holds dict observations (pixels, say): only state-based datasets "
                    + "(obs a tensor of state vectors, as in mt30 and mt80) import");
        }
        this.obs = tensor(fields, "obs");
        this.action = tensor(fields, "action");
        this.reward = tensor(fields, "reward");
        this.task = tensor(fields, "task");
        this.terminated = fields.get("terminated") instanceof TorchTensor t ? t : null;
        long[] o = obs.shape();
        if (o.length != 3 || o[1] < 2) {
            throw notChunk("its obs has shape " + Arrays.toString(o) + ", not [episodes, steps + 1, size]");
        }
        this.episodes = o[0];
        this.length = Math.toIntExact(o[1]);
        requireShape(action, "action", o[0], o[1], true);
        requireShape(reward, "reward", o[0], o[1], false);
        requireShape(task, "task", o[0], o[1], false);
        if (terminated != null) {
            requireShape(terminated, "terminated", o[0], o[1], false);
        }
        if (steps > 0 && length - 1 != steps) {
            throw new DatasetException(file + " holds episodes of " + Messages.plural(length - 1, "step") + " ("
                    + length + " observations each); the reference's " + set + " dataset has " + steps
                    + "-step episodes (" + (steps + 1) + " observations): it is a chunk of another dataset (mt30's "
                    + "episodes have 500 steps, mt80's 100); give --set the set it was made for");
        }
        for (int i = 0; i < space.taskCount(); i++) {
            TaskSpec s = space.spec(i);
            if (obs.shape()[2] < s.observationSize() || action.shape()[2] < s.actionSize()) {
                throw new DatasetException(file + " holds observations of "
                        + Messages.plural(obs.shape()[2], "value") + " and actions of " + action.shape()[2]
                        + ", too few for " + s.id() + " (" + s.observationSize() + " and " + s.actionSize()
                        + "), task " + i + " of " + set + ": it is not a dataset of these tasks; give --set the set "
                        + "it was made for");
            }
        }
    }

    long episodes() {
        return episodes;
    }

    /** Steps per episode. */
    int steps() {
        return length - 1;
    }

    int observationSize() {
        return Math.toIntExact(obs.shape()[2]);
    }

    int actionSize() {
        return Math.toIntExact(action.shape()[2]);
    }

    /** Episode {@code e}'s task index, checked to be one of the set's and the same at every step. */
    int task(long e) {
        float[] t = task.slice(e);
        float first = t[0];
        for (float v : t) {
            if (v != first) {
                throw damaged(e, "its task index changes within it (" + number(first) + ", then " + number(v) + ")");
            }
        }
        if (first != Math.rint(first) || first < 0 || first >= space.taskCount()) {
            throw new DatasetException(file + ": episode " + e + " has task index " + number(first) + ", but " + set
                    + " has " + Messages.plural(space.taskCount(), "task") + " (0 to " + (space.taskCount() - 1)
                    + "): it is a chunk of another task set (mt80's, with 80 tasks?); give --set the set it was made "
                    + "for");
        }
        return (int) first;
    }

    /**
     * Episode {@code e} of task {@code t} ({@link #task}) in that task's own sizes: its observations without the
     * padding (which must be zeros, as the reference pads them: other values mean the chunk is another set's, whose
     * task order differs), its actions' first entries (the rest are padding the task ignores, as the reference's
     * multitask wrapper slices them), and the steps after the placeholder first one.
     */
    Episode episode(long e, int t) {
        TaskSpec s = space.spec(t);
        int o = observationSize();
        int a = actionSize();
        int steps = length - 1;
        if (steps > s.maxEpisodeSteps()) {
            throw new DatasetException(file + ": episode " + e + " of " + s.id() + " has " + steps + " steps, more "
                    + "than that task's episodes (" + s.maxEpisodeSteps() + "): it is not a dataset of these tasks; "
                    + "give --set the set it was made for");
        }
        float[] allObs = obs.slice(e);
        float[][] observations = new float[length][];
        for (int i = 0; i < length; i++) {
            observations[i] = Arrays.copyOfRange(allObs, i * o, i * o + s.observationSize());
            for (int j = i * o; j < i * o + s.observationSize(); j++) {
                if (!Float.isFinite(allObs[j])) {
                    throw damaged(e, "its observation " + i + " holds " + allObs[j]);
                }
            }
            for (int j = i * o + s.observationSize(); j < (i + 1) * o; j++) {
                if (allObs[j] != 0f) {
                    throw new DatasetException(file + ": episode " + e + " has task index " + t + " (" + s.id() + ", "
                            + Messages.plural(s.observationSize(), "observation value") + ") but observation " + i
                            + " holds " + allObs[j] + " beyond them, where the reference pads with zeros: the chunk's "
                            + "task order is not that of " + set + "; give --set the set it was made for");
                }
            }
        }
        float[] allActions = action.slice(e);
        float[] allRewards = reward.slice(e);
        float[] allTerminated = terminated == null ? null : terminated.slice(e);
        float[][] actions = new float[steps][];
        float[] rewards = new float[steps];
        boolean end = false;
        for (int i = 0; i < steps; i++) {
            // step i is the chunk's row i + 1: row 0 holds the first observation and placeholders
            actions[i] = Arrays.copyOfRange(allActions, (i + 1) * a, (i + 1) * a + s.actionSize());
            for (float v : actions[i]) {
                if (!Float.isFinite(v)) {
                    throw damaged(e, "its action " + i + " holds " + v);
                }
            }
            rewards[i] = allRewards[i + 1];
            if (!Float.isFinite(rewards[i])) {
                throw damaged(e, "its reward " + i + " is " + rewards[i]);
            }
            if (allTerminated != null && allTerminated[i + 1] > 0.5f) {
                if (i != steps - 1) {
                    throw damaged(e, "it terminates at step " + i + " of " + steps);
                }
                end = true;
            }
        }
        return new Episode(t, observations, actions, rewards, end, new boolean[steps]);
    }

    /** A task index as the file holds it: an integer as one, anything else as it is. */
    private static String number(float v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Float.toString(v);
    }

    private TorchTensor tensor(Map<String, Object> fields, String name) {
        if (!(fields.get(name) instanceof TorchTensor t)) {
            throw notChunk(fields.containsKey(name) ? "its " + name + " is not a tensor" : "it has no " + name
                    + " (it holds " + String.join(", ", fields.keySet()) + ")");
        }
        return t;
    }

    private void requireShape(TorchTensor t, String name, long episodes, long length, boolean sized) {
        long[] s = t.shape();
        boolean fits = s.length >= 2 && s[0] == episodes && s[1] == length
                && (sized ? s.length == 3 : s.length == 2 || (s.length == 3 && s[2] == 1));
        if (!fits) {
            throw notChunk("its " + name + " has shape " + Arrays.toString(s) + ", not [" + episodes + ", " + length
                    + (sized ? ", size]" : "]") + " as its obs");
        }
    }

    private DatasetException notChunk(String why) {
        return new DatasetException(file + " is not a chunk of the reference's dataset: " + why + ". A chunk "
                + "(chunk_0.pt of mt30 or mt80, say) is a TensorDict of obs, action, reward and task, each [episodes, "
                + "steps + 1, ...]; give such a file, or a folder of them");
    }

    private DatasetException damaged(long e, String why) {
        return new DatasetException(file + ": episode " + e + " is not one the reference records: " + why
                + "; the file is damaged: download it again");
    }
}
