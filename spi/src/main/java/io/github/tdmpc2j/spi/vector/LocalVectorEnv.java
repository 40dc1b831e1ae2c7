package io.github.tdmpc2j.spi.vector;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Envs in this JVM, with next-step autoreset; subclasses decide whether the envs step in turn or at once. */
abstract sealed class LocalVectorEnv implements VectorEnv permits SyncVectorEnv, ThreadedVectorEnv {
    private final List<Env> envs;
    private final boolean[] needsReset;
    private final int[] episodes;
    private long baseSeed;
    private boolean started;

    LocalVectorEnv(List<Env> envs) {
        if (envs.isEmpty()) {
            throw new IllegalArgumentException("a vector env needs at least one env");
        }
        TaskSpec first = envs.get(0).spec();
        for (Env e : envs) {
            if (e.spec().observationSize() != first.observationSize() || e.spec().actionSize() != first.actionSize()) {
                throw new IllegalArgumentException("all envs of a vector env need the sizes of " + first.id()
                        + " (obs " + first.observationSize() + ", action " + first.actionSize() + "), but "
                        + e.spec().id() + " has obs " + e.spec().observationSize() + ", action "
                        + e.spec().actionSize());
            }
        }
        this.envs = List.copyOf(envs);
        this.needsReset = new boolean[envs.size()];
        this.episodes = new int[envs.size()];
    }

    /** Runs {@code work(i)} for every env index; returns when all are done, rethrowing the first failure. */
    abstract void forEachEnv(EnvWork work);

    interface EnvWork {
        void run(int i);
    }

    @Override
    public int numEnvs() {
        return envs.size();
    }

    @Override
    public TaskSpec spec(int i) {
        return envs.get(i).spec();
    }

    @Override
    public float[][] reset(long seed) {
        baseSeed = seed;
        float[][] obs = new float[envs.size()][];
        Arrays.fill(needsReset, false);
        Arrays.fill(episodes, 0);
        forEachEnv(i -> obs[i] = envs.get(i).reset(seed + i).observation());
        started = true;
        return obs;
    }

    @Override
    public VectorStepResult step(float[][] actions) {
        if (!started) {
            throw new EnvStateException("step() called before reset(seed) on a vector env");
        }
        int n = envs.size();
        if (actions == null || actions.length != n) {
            throw new InvalidActionException("a vector env of " + n + " envs needs " + n + " actions, got "
                    + (actions == null ? "null" : actions.length));
        }
        float[][] obs = new float[n][];
        double[] rewards = new double[n];
        boolean[] terminated = new boolean[n];
        boolean[] truncated = new boolean[n];
        @SuppressWarnings("unchecked")
        Map<String, Object>[] infos = new Map[n];
        forEachEnv(i -> {
            Env env = envs.get(i);
            if (needsReset[i]) {
                episodes[i]++;
                ResetResult r = env.reset(baseSeed + i + (long) episodes[i] * n);
                java.util.HashMap<String, Object> info = new java.util.HashMap<>(r.info());
                info.put(AUTORESET, true);
                obs[i] = r.observation();
                infos[i] = info;
                needsReset[i] = false;
            } else {
                StepResult r = env.step(actions[i]);
                obs[i] = r.observation();
                rewards[i] = r.reward();
                terminated[i] = r.terminated();
                truncated[i] = r.truncated();
                infos[i] = r.info();
                needsReset[i] = r.done();
            }
        });
        return new VectorStepResult(obs, rewards, terminated, truncated, List.of(infos));
    }

    @Override
    public void close() {
        for (Env e : envs) {
            e.close();
        }
    }
}
