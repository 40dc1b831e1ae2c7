package io.github.tdmpc2j.spi;

import io.github.tdmpc2j.spi.wrappers.EnvChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Many tasks behind one observation and action space, as a multitask agent sees them: observations are
 * zero-padded to the largest observation size; actions have the largest action size and each task keeps its
 * first {@code A_i} entries (its action mask is 1 there and 0 elsewhere). One task runs at a time, chosen at
 * {@link #reset(int, long)}.
 */
public final class MultitaskEnv implements AutoCloseable {
    private final List<Env> envs;
    private final List<TaskSpec> specs;
    private final int observationSize;
    private final int actionSize;
    private int current = -1;

    /** Takes ownership of the envs (closing this closes them). Each should already be wrapped. */
    public MultitaskEnv(List<Env> envs) {
        if (envs.isEmpty()) {
            throw new IllegalArgumentException("a multitask env needs at least one task");
        }
        this.envs = List.copyOf(envs);
        List<TaskSpec> s = new ArrayList<>();
        int obs = 0;
        int act = 0;
        for (Env e : envs) {
            TaskSpec spec = e.spec();
            s.add(spec);
            obs = Math.max(obs, spec.observationSize());
            act = Math.max(act, spec.actionSize());
        }
        this.specs = List.copyOf(s);
        this.observationSize = obs;
        this.actionSize = act;
    }

    /** Makes every task of {@code ids} through the registry, in order. */
    public static MultitaskEnv make(EnvRegistry registry, List<String> ids, EnvOptions options) {
        List<Env> made = new ArrayList<>();
        try {
            for (String id : ids) {
                made.add(registry.make(id, options));
            }
        } catch (RuntimeException e) {
            made.forEach(Env::close);
            throw e;
        }
        return new MultitaskEnv(made);
    }

    public int taskCount() {
        return envs.size();
    }

    public int observationSize() {
        return observationSize;
    }

    public int actionSize() {
        return actionSize;
    }

    public TaskSpec spec(int task) {
        return specs.get(checkTask(task));
    }

    public List<TaskSpec> specs() {
        return specs;
    }

    /** 1 for the action entries task {@code task} uses, 0 for the padding. */
    public float[] actionMask(int task) {
        return actionMask(specs.get(checkTask(task)).actionSize(), actionSize);
    }

    public static float[] actionMask(int taskActionSize, int actionSize) {
        float[] mask = new float[actionSize];
        for (int i = 0; i < taskActionSize; i++) {
            mask[i] = 1f;
        }
        return mask;
    }

    /** Episode length of a task in agent steps. */
    public int episodeLength(int task) {
        return specs.get(checkTask(task)).maxEpisodeSteps();
    }

    /** The task of the episode in progress, or -1 before the first reset. */
    public int currentTask() {
        return current;
    }

    public ResetResult reset(int task, long seed) {
        checkTask(task);
        ResetResult r = envs.get(task).reset(seed);
        current = task;
        return new ResetResult(pad(r.observation()), withTask(r.info(), task));
    }

    /** Steps the current task with the first {@code A_i} entries of a full-size action. */
    public StepResult step(float[] action) {
        if (current < 0) {
            throw new EnvStateException("step() called before reset(task, seed) on the multitask env");
        }
        if (action == null || action.length != actionSize) {
            throw new InvalidActionException("multitask action has " + (action == null ? "no" : action.length)
                    + " entries but the unified action size is " + actionSize);
        }
        TaskSpec spec = specs.get(current);
        float[] own = new float[spec.actionSize()];
        System.arraycopy(action, 0, own, 0, own.length);
        EnvChecker.check(spec, own);
        StepResult r = envs.get(current).step(own);
        return new StepResult(pad(r.observation()), r.reward(), r.terminated(), r.truncated(),
                withTask(r.info(), current));
    }

    /** Zero-pads an observation to the unified size. */
    public float[] pad(float[] observation) {
        if (observation.length == observationSize) {
            return observation;
        }
        float[] padded = new float[observationSize];
        System.arraycopy(observation, 0, padded, 0, observation.length);
        return padded;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (Env e : envs) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                if (first == null) {
                    first = ex;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static Map<String, Object> withTask(Map<String, Object> info, int task) {
        java.util.HashMap<String, Object> m = new java.util.HashMap<>(info);
        m.put("task", task);
        return m;
    }

    private int checkTask(int task) {
        if (task < 0 || task >= envs.size()) {
            throw new IndexOutOfBoundsException("task index " + task + " is not in [0, " + envs.size() + ")");
        }
        return task;
    }
}
