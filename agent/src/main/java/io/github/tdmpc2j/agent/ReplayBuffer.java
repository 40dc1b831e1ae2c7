package io.github.tdmpc2j.agent;

import io.github.tdmpc2j.spi.agent.Transition;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Transitions grouped by episode, in a ring of at most {@code capacity} steps; samples sub-trajectories of
 * {@code horizon} consecutive steps (horizon + 1 observations) that lie inside one episode, uniformly.
 */
public final class ReplayBuffer {
    /** A batch, time-major: obs [H+1][B][O], action [H][B][A], reward and terminated [H][B]. */
    public record Batch(int horizon, int size, float[] obs, float[] action, float[] reward, float[] terminated,
            int[] task) {
    }

    private final int capacity;
    private final int obsDim;
    private final int actionDim;
    private float[] obs = new float[0];
    private float[] nextObs = new float[0];
    private float[] action = new float[0];
    private float[] reward = new float[0];
    private float[] terminated = new float[0];
    private int[] task = new int[0];
    private long[] episode = new long[0];
    private int allocated;
    private int head;
    private int size;
    private long episodeId;

    public ReplayBuffer(int capacity, int obsDim, int actionDim) {
        long largest = (Integer.MAX_VALUE - 8) / Math.max(1, Math.max(obsDim, actionDim));
        if (capacity > largest) {
            // the observations of every step are one Java array, of at most 2^31 - 1 entries
            throw new ConfigException("buffer_size=" + capacity + " steps of " + obsDim + " observation entries do "
                    + "not fit one Java array; the largest buffer_size for these tasks is " + largest);
        }
        this.capacity = capacity;
        this.obsDim = obsDim;
        this.actionDim = actionDim;
    }

    public int size() {
        return size;
    }

    public void add(Transition t) {
        if (t.observation().length != obsDim || t.nextObservation().length != obsDim
                || t.action().length != actionDim) {
            throw new IllegalArgumentException("transition sizes obs " + t.observation().length + ", action "
                    + t.action().length + " do not match the agent's " + obsDim + " and " + actionDim);
        }
        ensureRoom();
        System.arraycopy(t.observation(), 0, obs, head * obsDim, obsDim);
        System.arraycopy(t.nextObservation(), 0, nextObs, head * obsDim, obsDim);
        System.arraycopy(t.action(), 0, action, head * actionDim, actionDim);
        reward[head] = (float) t.reward();
        terminated[head] = t.terminated() ? 1f : 0f;
        task[head] = t.task();
        episode[head] = episodeId;
        head = (head + 1) % capacity;
        size = Math.min(size + 1, capacity);
        if (t.done()) {
            episodeId++;
        }
    }

    /** True when at least one sub-trajectory of this horizon exists. */
    public boolean canSample(int horizon) {
        return size >= horizon;
    }

    public Batch sample(int batchSize, int horizon, SplittableRandom rng) {
        if (!canSample(horizon)) {
            throw new ConfigException("the replay buffer holds " + size + " steps, fewer than horizon=" + horizon
                    + ": an update needs one sub-trajectory of horizon steps; give more steps (or a dataset of "
                    + "more), or a smaller --set-param horizon=N");
        }
        float[] o = new float[(horizon + 1) * batchSize * obsDim];
        float[] a = new float[horizon * batchSize * actionDim];
        float[] r = new float[horizon * batchSize];
        float[] d = new float[horizon * batchSize];
        int[] k = new int[batchSize];
        for (int b = 0; b < batchSize; b++) {
            int start = validStart(horizon, rng);
            k[b] = task[start];
            for (int t = 0; t < horizon; t++) {
                int i = (start + t) % capacity;
                System.arraycopy(obs, i * obsDim, o, (t * batchSize + b) * obsDim, obsDim);
                System.arraycopy(action, i * actionDim, a, (t * batchSize + b) * actionDim, actionDim);
                r[t * batchSize + b] = reward[i];
                d[t * batchSize + b] = terminated[i];
                if (t == horizon - 1) {
                    System.arraycopy(nextObs, i * obsDim, o, ((t + 1) * batchSize + b) * obsDim, obsDim);
                }
            }
        }
        return new Batch(horizon, batchSize, o, a, r, d, k);
    }

    private int validStart(int horizon, SplittableRandom rng) {
        int oldest = size < capacity ? 0 : head;
        for (int attempt = 0; attempt < 10_000; attempt++) {
            int offset = rng.nextInt(size - horizon + 1);
            int start = (oldest + offset) % capacity;
            int end = (start + horizon - 1) % capacity;
            if (episode[start] == episode[end] && episodeOf(start, horizon)) {
                return start;
            }
        }
        // the tasks' episode lengths allow the horizon (TdmpcAgent checks), but the episodes so far ended early
        throw new ConfigException("no sub-trajectory of horizon=" + horizon + " steps lies inside one episode of the "
                + size + " steps in the replay buffer: the episodes so far ended (terminated) before " + horizon
                + " steps; give --set-param horizon=N with N below their length (the reference's is 3)");
    }

    private boolean episodeOf(int start, int horizon) {
        long id = episode[start];
        for (int t = 1; t < horizon; t++) {
            if (episode[(start + t) % capacity] != id) {
                return false;
            }
        }
        return true;
    }

    private void ensureRoom() {
        if (head < allocated) {
            return;
        }
        int next = (int) Math.min(capacity, Math.max(1024L, 2L * allocated));
        obs = Arrays.copyOf(obs, next * obsDim);
        nextObs = Arrays.copyOf(nextObs, next * obsDim);
        action = Arrays.copyOf(action, next * actionDim);
        reward = Arrays.copyOf(reward, next);
        terminated = Arrays.copyOf(terminated, next);
        task = Arrays.copyOf(task, next);
        episode = Arrays.copyOf(episode, next);
        allocated = next;
    }

    /** Raw storage for checkpoints is not kept: a resumed run refills its buffer (as the reference does). */
    public int capacity() {
        return capacity;
    }

    /** The stored steps, oldest first, as float tensors (for checkpoints; task and episode ids as exact floats). */
    public java.util.Map<String, io.github.tdmpc2j.agent.checkpoint.SafeTensors.Tensor> export() {
        int start = size < capacity ? 0 : head;
        float[] o = new float[size * obsDim];
        float[] no = new float[size * obsDim];
        float[] a = new float[size * actionDim];
        float[] r = new float[size];
        float[] te = new float[size];
        float[] ta = new float[size];
        float[] ep = new float[size];
        long firstEpisode = size == 0 ? 0 : episode[start];
        for (int i = 0; i < size; i++) {
            int k = (start + i) % capacity;
            System.arraycopy(obs, k * obsDim, o, i * obsDim, obsDim);
            System.arraycopy(nextObs, k * obsDim, no, i * obsDim, obsDim);
            System.arraycopy(action, k * actionDim, a, i * actionDim, actionDim);
            r[i] = reward[k];
            te[i] = terminated[k];
            ta[i] = task[k];
            ep[i] = episode[k] - firstEpisode;
        }
        var m = new java.util.LinkedHashMap<String, io.github.tdmpc2j.agent.checkpoint.SafeTensors.Tensor>();
        m.put("obs", tensor(o, size, obsDim));
        m.put("next_obs", tensor(no, size, obsDim));
        m.put("action", tensor(a, size, actionDim));
        m.put("reward", tensor(r, size, 1));
        m.put("terminated", tensor(te, size, 1));
        m.put("task", tensor(ta, size, 1));
        m.put("episode", tensor(ep, size, 1));
        return m;
    }

    /**
     * Replaces the content with what {@link #export()} wrote, keeping the newest steps if it holds more than this
     * buffer's capacity; returns how many of its oldest steps were dropped for that.
     */
    public int restore(java.util.Map<String, io.github.tdmpc2j.agent.checkpoint.SafeTensors.Tensor> t) {
        float[] o = t.get("obs").data();
        int n = t.get("reward").data().length;
        if (o.length != n * obsDim || t.get("action").data().length != n * actionDim) {
            throw new IllegalArgumentException("the saved replay buffer has other observation or action sizes");
        }
        int skip = Math.max(0, n - capacity);
        head = 0;
        size = 0;
        episodeId = 0;
        for (int i = skip; i < n; i++) {
            ensureRoom();
            System.arraycopy(o, i * obsDim, obs, head * obsDim, obsDim);
            System.arraycopy(t.get("next_obs").data(), i * obsDim, nextObs, head * obsDim, obsDim);
            System.arraycopy(t.get("action").data(), i * actionDim, action, head * actionDim, actionDim);
            reward[head] = t.get("reward").data()[i];
            terminated[head] = t.get("terminated").data()[i];
            task[head] = (int) t.get("task").data()[i];
            episode[head] = (long) t.get("episode").data()[i];
            episodeId = episode[head] + 1;
            head = (head + 1) % capacity;
            size = Math.min(size + 1, capacity);
        }
        return skip;
    }

    private static io.github.tdmpc2j.agent.checkpoint.SafeTensors.Tensor tensor(float[] data, int rows, int cols) {
        return new io.github.tdmpc2j.agent.checkpoint.SafeTensors.Tensor(new long[] {rows, cols}, data);
    }

}
