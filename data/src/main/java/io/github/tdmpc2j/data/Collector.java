package io.github.tdmpc2j.data;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.Episode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Multitask data collection: N episodes of each task, run by K workers in parallel, each episode written to the
 * dataset as soon as it ends. Episodes already in the folder are skipped, so a killed run resumes where it
 * stopped and loses only the episodes that were in flight.
 *
 * <p>Episode {@code k} of task {@code i} resets with seed {@code seed + 1_000_003 * i + k}, whichever worker
 * runs it, and the policy begins it with the same seed ({@link Agent#beginEpisode(int, long)}), so the random
 * policy's actions, too, are the same whatever the worker count and order.
 */
public final class Collector {
    /** Called after each written episode. */
    public interface Listener {
        void episodeWritten(DatasetTask task, int k, Episode episode);
    }

    /** Where a finished episode goes: a {@link DatasetWriter}, or bytes for a cluster's driver. */
    public interface EpisodeSink {
        void write(int k, Episode episode, long seed, boolean[] truncated, boolean[] terminated);
    }

    private final EnvRegistry registry;
    private final List<TaskSpec> specs;
    private final DatasetIndex index;

    public Collector(EnvRegistry registry, List<String> taskIds, String policyName) {
        this.registry = registry;
        this.specs = taskIds.stream().map(registry::resolve).toList();
        List<DatasetTask> tasks = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            TaskSpec s = specs.get(i);
            tasks.add(new DatasetTask(i, s.id(), s.observationSize(), s.actionSize(), s.maxEpisodeSteps(),
                    s.actionRepeat()));
        }
        this.index = DatasetIndex.of(tasks, policyName);
    }

    /** What an agent acting in this dataset's unified space is made for. */
    public AgentContext agentContext(Map<String, String> params, long seed) {
        return new AgentContext(specs, index.observationSize(), index.actionSize(), index.actionMasks(), params, seed);
    }

    /**
     * Collects into {@code out}; returns the number of episodes written by this call.
     *
     * @param policies makes the acting agent of worker w (each worker owns one)
     */
    public int collect(Path out, int episodesPerTask, int workers, long seed, Function<Integer, Agent> policies,
            Listener listener) {
        DatasetWriter writer = DatasetWriter.open(out, index);
        ConcurrentLinkedQueue<int[]> jobs = new ConcurrentLinkedQueue<>();
        for (int k = 0; k < episodesPerTask; k++) {
            for (int t = 0; t < specs.size(); t++) {
                if (!writer.has(t, k)) {
                    jobs.add(new int[] {t, k});
                }
            }
        }
        int total = jobs.size();
        if (total == 0) {
            return 0;
        }
        int threads = Math.max(1, Math.min(workers, total));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "collect-worker");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                int worker = w;
                futures.add(pool.submit(() -> runWorker(worker, jobs, writer, seed, policies, listener)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            jobs.clear();
            Throwable cause = e.getCause();
            if (cause instanceof TdmpcException te) {
                throw te;
            }
            throw new DatasetException("collection failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("collection interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        return total;
    }

    private void runWorker(int worker, ConcurrentLinkedQueue<int[]> jobs, DatasetWriter writer, long seed,
            Function<Integer, Agent> policies, Listener listener) {
        Map<Integer, Env> envs = new HashMap<>();
        try (Agent policy = policies.apply(worker)) {
            int[] job;
            while ((job = jobs.poll()) != null) {
                int t = job[0];
                int k = job[1];
                Env env = envs.computeIfAbsent(t, i -> makeEnv(i, seed));
                runEpisode(env, t, k, episodeSeed(seed, t, k), policy, writer, listener);
            }
        } finally {
            envs.values().forEach(Env::close);
        }
    }

    // ---- the seam for running one unit elsewhere (a cluster's executor): the same env, seed and episode code

    /** The dataset's index (tasks, padded sizes, action masks). */
    public DatasetIndex index() {
        return index;
    }

    /** The env task {@code t} of a collection with base seed {@code seed} runs its episodes in. */
    public Env makeEnv(int t, long seed) {
        return registry.make(specs.get(t).id(), EnvOptions.seeded(seed + t));
    }

    /** The reset (and policy) seed of episode {@code k} of task {@code t}. */
    public static long episodeSeed(long seed, int t, int k) {
        return seed + 1_000_003L * t + k;
    }

    /**
     * Runs episode {@code k} of task {@code t} in {@code env} (from {@link #makeEnv}) and hands it to
     * {@code sink}: one unit of a collection, exactly as {@link #collect} runs it.
     */
    public Episode collectOne(Env env, Agent policy, int t, int k, long seed, EpisodeSink sink) {
        return runEpisode(env, t, k, episodeSeed(seed, t, k), policy, sink, null);
    }

    private Episode runEpisode(Env env, int t, int k, long episodeSeed, Agent policy, EpisodeSink writer,
            Listener listener) {
        int o = index.observationSize();
        int a = index.actionSize();
        int own = specs.get(t).actionSize();
        List<float[]> observations = new ArrayList<>();
        List<float[]> actions = new ArrayList<>();
        List<Float> rewards = new ArrayList<>();
        List<Boolean> success = new ArrayList<>();
        List<Boolean> terminated = new ArrayList<>();
        List<Boolean> truncated = new ArrayList<>();
        float[] obs = pad(env.reset(episodeSeed).observation(), o);
        observations.add(obs);
        policy.beginEpisode(t, episodeSeed);
        StepResult r;
        do {
            float[] action = policy.act(obs, t, false);
            float[] full = new float[a];
            System.arraycopy(action, 0, full, 0, own);
            float[] taskAction = new float[own];
            System.arraycopy(full, 0, taskAction, 0, own);
            r = env.step(taskAction);
            obs = pad(r.observation(), o);
            observations.add(obs);
            actions.add(full);
            rewards.add((float) r.reward());
            success.add(r.success().orElse(false));
            terminated.add(r.terminated());
            truncated.add(r.truncated());
        } while (!r.done());
        int n = actions.size();
        float[] rw = new float[n];
        boolean[] su = new boolean[n];
        boolean[] te = new boolean[n];
        boolean[] tr = new boolean[n];
        for (int i = 0; i < n; i++) {
            rw[i] = rewards.get(i);
            su[i] = success.get(i);
            te[i] = terminated.get(i);
            tr[i] = truncated.get(i);
        }
        Episode episode = new Episode(t, observations.toArray(float[][]::new), actions.toArray(float[][]::new), rw,
                r.terminated(), su);
        writer.write(k, episode, episodeSeed, tr, te);
        if (listener != null) {
            listener.episodeWritten(index.tasks().get(t), k, episode);
        }
        return episode;
    }

    private static float[] pad(float[] obs, int size) {
        if (obs.length == size) {
            return obs;
        }
        float[] p = new float[size];
        System.arraycopy(obs, 0, p, 0, obs.length);
        return p;
    }
}
