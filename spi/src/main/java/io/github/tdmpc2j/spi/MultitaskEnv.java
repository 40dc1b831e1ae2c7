package io.github.tdmpc2j.spi;

import io.github.tdmpc2j.spi.vector.Autoreset;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The rows of a {@link VectorEnv} in one {@link TaskSpace}, as a multitask agent sees them: the only place that
 * pads observations and cuts unified actions to a task's own entries. Row i runs task {@link #task(int)} (found
 * by its id in the space); its observations are zero-padded to the space's size, its actions have the space's
 * size and the row's env takes the first {@code A_i} entries. Each info gets {@code "task"}. One task alone is
 * the same with nothing to pad.
 */
public final class MultitaskEnv implements VectorEnv {
    private final TaskSpace space;
    private final VectorEnv rows;
    private final int[] rowTasks;

    /**
     * Takes ownership of {@code rows} (closing this closes it). Each row's task must be in {@code space} (else an
     * {@link UnknownTaskException}) with the sizes the space lists for it (else a {@link PluginException}).
     */
    public MultitaskEnv(TaskSpace space, VectorEnv rows) {
        requireSpace(space);
        if (rows == null) {
            throw new TdmpcException("the vector env of the rows is null: pass the rows' VectorEnv (or make the env "
                    + "with MultitaskEnv.make, which makes the rows from their task ids)");
        }
        this.space = space;
        this.rows = rows;
        this.rowTasks = new int[rows.numEnvs()];
        for (int i = 0; i < rowTasks.length; i++) {
            TaskSpec spec = rows.spec(i);
            int t = space.indexOf(spec.id());
            TaskSpec listed = space.spec(t);
            if (listed.observationSize() != spec.observationSize() || listed.actionSize() != spec.actionSize()) {
                // the space was made from another version of the task (a checkpoint's or a dataset's record of it)
                throw new PluginException("the task space lists " + spec.id() + " with observations of "
                        + Messages.plural(listed.observationSize(), "value") + " and actions of "
                        + Messages.plural(listed.actionSize(), "entry", "entries") + ", "
                        + "but row " + i + "'s env of it, as its plug-in makes it here, has " + spec.observationSize()
                        + " and " + spec.actionSize() + ": the task's plug-in changed its sizes since the task list "
                        + "was made (the tasks " + space.describeTasks() + "); install the plug-in version it was "
                        + "made with, or make the task list again from the installed tasks");
            }
            rowTasks[i] = t;
        }
    }

    /** {@link #make(EnvRegistry, TaskSpace, List, long, int)} stepping on a thread per row, at most one per core. */
    public static MultitaskEnv make(EnvRegistry registry, TaskSpace space, List<String> rowIds, long seed) {
        return make(registry, space, rowIds, seed, () -> false).orElseThrow();
    }

    /**
     * {@link #make(EnvRegistry, TaskSpace, List, long)} that gives up once {@code stop} answers true, as
     * {@link #make(EnvRegistry, TaskSpace, List, long, int, BooleanSupplier)} does.
     */
    public static Optional<MultitaskEnv> make(EnvRegistry registry, TaskSpace space, List<String> rowIds, long seed,
            BooleanSupplier stop) {
        requireParts(registry, space, rowIds);
        int cores = Runtime.getRuntime().availableProcessors();
        return make(registry, space, rowIds, seed, Math.min(rowIds.size(), cores), stop);
    }

    /**
     * Makes the rows {@code rowIds} through {@link EnvRegistry#makeVector} (row i made with the seed
     * {@code seed + i}) and puts them in {@code space}; {@code threads} above 1 steps the rows made one by one on
     * that many threads, and the groups of rows made in different ways at once.
     */
    public static MultitaskEnv make(EnvRegistry registry, TaskSpace space, List<String> rowIds, long seed,
            int threads) {
        return make(registry, space, rowIds, seed, threads, () -> false).orElseThrow();
    }

    /**
     * {@link #make(EnvRegistry, TaskSpace, List, long, int)} that gives up once {@code stop} answers true (a
     * command's Ctrl-C), asked before each row's env is made
     * ({@link EnvRegistry#makeVector(List, List, int, BooleanSupplier)}): empty then, the envs made closed.
     */
    public static Optional<MultitaskEnv> make(EnvRegistry registry, TaskSpace space, List<String> rowIds, long seed,
            int threads, BooleanSupplier stop) {
        requireParts(registry, space, rowIds);
        List<EnvOptions> options = new ArrayList<>();
        for (int i = 0; i < rowIds.size(); i++) {
            options.add(EnvOptions.seeded(seed + i));
        }
        Optional<VectorEnv> made = registry.makeVector(rowIds, options, threads, stop);
        if (made.isEmpty()) {
            return Optional.empty();
        }
        VectorEnv rows = made.get();
        try {
            return Optional.of(new MultitaskEnv(space, rows));
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    /**
     * The row ids that spread {@code rows} rows over the tasks of {@code space} in turn (task 0, 1, ..., 0, 1,
     * ...), at least one row per task.
     */
    public static List<String> spread(TaskSpace space, int rows) {
        requireSpace(space);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < Math.max(rows, space.taskCount()); i++) {
            ids.add(space.spec(i % space.taskCount()).id());
        }
        return ids;
    }

    private static void requireParts(EnvRegistry registry, TaskSpace space, List<String> rowIds) {
        if (registry == null) {
            throw new TdmpcException("the env registry is null: pass EnvRegistry.discover() (the installed tasks)");
        }
        requireSpace(space);
        if (rowIds == null) {
            throw new TdmpcException("the row ids are null: pass a task id per row (MultitaskEnv.spread(space, rows) "
                    + "spreads rows over the space's tasks)");
        }
    }

    private static void requireSpace(TaskSpace space) {
        if (space == null) {
            throw new TdmpcException("the task space is null: pass the tasks' space (TaskSpace.of(specs))");
        }
    }

    public TaskSpace space() {
        return space;
    }

    /** The task (index in the space) row {@code row} runs. */
    public int task(int row) {
        return rowTasks[Autoreset.checkRow(rowTasks.length, row)];
    }

    /** Every row's task. */
    public int[] tasks() {
        return rowTasks.clone();
    }

    @Override
    public int numEnvs() {
        return rowTasks.length;
    }

    @Override
    public TaskSpec spec(int i) {
        return rows.spec(Autoreset.checkRow(rowTasks.length, i));
    }

    @Override
    public float[][] reset(EpisodeSchedule schedule) {
        float[][] obs = rows.reset(Autoreset.checkSchedule(rowTasks.length, schedule));
        for (int i = 0; i < obs.length; i++) {
            obs[i] = obs[i] == null ? null : space.pad(obs[i]);
        }
        return obs;
    }

    @Override
    public VectorStepResult step(float[][] actions) {
        VectorStepResult r = rows.step(own(actions));
        float[][] obs = r.observations();
        List<Map<String, Object>> infos = new ArrayList<>(obs.length);
        for (int i = 0; i < obs.length; i++) {
            obs[i] = obs[i] == null ? null : space.pad(obs[i]);
            Map<String, Object> info = new HashMap<>(r.infos().get(i));
            info.put("task", rowTasks[i]);
            infos.add(info);
        }
        return new VectorStepResult(obs, r.rewards(), r.terminated(), r.truncated(), List.copyOf(infos));
    }

    @Override
    public void checkActions(float[][] actions) {
        rows.checkActions(own(actions));
    }

    /** Each row's own entries of the unified actions. */
    private float[][] own(float[][] actions) {
        if (actions == null || actions.length != rowTasks.length) {
            throw new InvalidActionException("a multitask env of " + Messages.plural(rowTasks.length, "row")
                    + " needs " + Messages.plural(rowTasks.length, "action") + ", got "
                    + (actions == null ? "null" : actions.length));
        }
        float[][] own = new float[actions.length][];
        for (int i = 0; i < actions.length; i++) {
            own[i] = actions[i] == null ? null : space.taskAction(rowTasks[i], actions[i]);
        }
        return own;
    }

    @Override
    public EpisodeSchedule.Ticket episode(int i) {
        return rows.episode(Autoreset.checkRow(rowTasks.length, i));
    }

    @Override
    public void close() {
        rows.close();
    }
}
