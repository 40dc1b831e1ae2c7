package io.github.tdmpc2j.spi.vector;

import io.github.tdmpc2j.spi.CloseAll;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Envs in this JVM, with next-step autoreset; subclasses decide whether the envs step in turn or at once. */
abstract sealed class LocalVectorEnv implements VectorEnv permits SyncVectorEnv, ThreadedVectorEnv {
    private final List<Env> envs;
    private final Autoreset autoreset;
    private boolean closed;

    LocalVectorEnv(List<Env> envs) {
        if (envs == null || envs.isEmpty()) {
            throw new TdmpcException("a vector env needs at least one env, got " + (envs == null ? "null" : "none")
                    + ": pass the envs of its rows (EnvRegistry.make makes one; EnvRegistry.makeVector makes the "
                    + "vector env)");
        }
        for (int i = 0; i < envs.size(); i++) {
            if (envs.get(i) == null) {
                throw new TdmpcException("env " + i + " of the vector env's envs is null: pass an env for each row "
                        + "(EnvRegistry.make makes one)");
            }
        }
        this.envs = List.copyOf(envs);
        this.autoreset = new Autoreset(envs.size());
    }

    /** Runs {@code work(i)} for every row in {@code rows}; returns when all are done, rethrowing the first failure. */
    abstract void forEachEnv(int[] rows, EnvWork work);

    /** {@link #forEachEnv}, a typed failure marked with its row ({@link TdmpcException#atRow}). */
    private void forEachRow(int[] rows, EnvWork work) {
        forEachEnv(rows, i -> {
            try {
                work.run(i);
            } catch (TdmpcException e) {
                throw e.atRow(i);
            }
        });
    }

    interface EnvWork {
        void run(int i);
    }

    @Override
    public int numEnvs() {
        return envs.size();
    }

    @Override
    public TaskSpec spec(int i) {
        return envs.get(Autoreset.checkRow(envs.size(), i)).spec();
    }

    @Override
    public float[][] reset(EpisodeSchedule schedule) {
        checkOpen();
        EpisodeSchedule.Ticket[] first = autoreset.start(schedule);
        float[][] obs = new float[envs.size()][];
        forEachRow(rowsWhere(i -> first[i] != null), i -> obs[i] = envs.get(i).reset(first[i].seed()).observation());
        return obs;
    }

    @Override
    public VectorStepResult step(float[][] actions) {
        checkOpen();
        Autoreset.Move[] moves = autoreset.plan(actions, this::spec);
        int n = envs.size();
        float[][] obs = new float[n][];
        double[] rewards = new double[n];
        boolean[] terminated = new boolean[n];
        boolean[] truncated = new boolean[n];
        @SuppressWarnings("unchecked")
        Map<String, Object>[] infos = new Map[n];
        forEachRow(rowsWhere(i -> moves[i] != Autoreset.Move.SKIP), i -> {
            Env env = envs.get(i);
            if (moves[i] == Autoreset.Move.RESET) {
                ResetResult r = env.reset(autoreset.ticket(i).seed());
                Map<String, Object> info = new HashMap<>(r.info());
                info.put(AUTORESET, true);
                obs[i] = r.observation();
                infos[i] = info;
            } else {
                StepResult r = env.step(actions[i]);
                obs[i] = r.observation();
                rewards[i] = r.reward();
                terminated[i] = r.terminated();
                truncated[i] = r.truncated();
                infos[i] = r.info();
            }
        });
        for (int i = 0; i < n; i++) {
            if (moves[i] == Autoreset.Move.STEP) {
                autoreset.stepped(i, terminated[i] || truncated[i]);
            }
            if (infos[i] == null) {
                infos[i] = Map.of();
            }
        }
        return new VectorStepResult(obs, rewards, terminated, truncated, List.of(infos));
    }

    @Override
    public void checkActions(float[][] actions) {
        checkOpen();
        autoreset.check(actions, this::spec);
    }

    private void checkOpen() {
        if (closed) {
            throw new EnvStateException("this vector env of " + Messages.plural(envs.size(), "env") + " ("
                    + spec(0).id() + (envs.size() > 1 ? ", ..." : "") + ") was closed: make a new one");
        }
    }

    @Override
    public EpisodeSchedule.Ticket episode(int i) {
        return autoreset.ticket(i);
    }

    private int[] rowsWhere(java.util.function.IntPredicate p) {
        return java.util.stream.IntStream.range(0, envs.size()).filter(p).toArray();
    }

    @Override
    public void close() {
        closed = true;
        RuntimeException first = CloseAll.closeAll(envs, null);
        if (first != null) {
            throw first;
        }
    }
}
