package io.github.tdmpc2j.agent;

import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.agent.Transition;
import io.github.tdmpc2j.agent.checkpoint.SafeTensors;
import java.util.Arrays;
import java.util.List;
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
    /** Whether every step added must stay (a dataset's, for offline training): a smaller capacity is no way out. */
    private boolean keepEverything;
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

    /** Marks the buffer as a dataset's: the heap it cannot grow in then calls for more heap, not fewer steps. */
    void keepEverything() {
        keepEverything = true;
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
            throw new ConfigException("the replay buffer holds " + Messages.plural(size, "step") + ", fewer than "
                    + "horizon=" + horizon + ": an update needs one sub-trajectory of horizon steps; give more steps "
                    + "(or a dataset of more), or a smaller --set-param horizon=N");
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
        // (so horizon and size are at least 2 here: one step is always a sub-trajectory of its episode)
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

    /**
     * Grows the arrays (doubling, from 1024 steps, up to the capacity) when the next step has no room. A heap too
     * small for the new size is a {@link ConfigException} saying what fits (the trainer refuses such a run before
     * it starts, {@link #checkHeap}, but the JVM's other use of its heap may differ); the arrays stay as they were,
     * so a checkpoint written before is kept and the run can go on from it with more heap.
     */
    private void ensureRoom() {
        if (head < allocated) {
            return;
        }
        growTo((int) Math.min(capacity, Math.max(1024L, 2L * allocated)));
    }

    /** Grows the arrays to {@code next} steps, keeping what they hold ({@link #ensureRoom} says what a failure is). */
    private void growTo(int next) {
        float[] o;
        float[] no;
        float[] a;
        float[] r;
        float[] d;
        int[] k;
        long[] e;
        try {
            o = Arrays.copyOf(obs, next * obsDim);
            no = Arrays.copyOf(nextObs, next * obsDim);
            a = Arrays.copyOf(action, next * actionDim);
            r = Arrays.copyOf(reward, next);
            d = Arrays.copyOf(terminated, next);
            k = Arrays.copyOf(task, next);
            e = Arrays.copyOf(episode, next);
        } catch (OutOfMemoryError oom) {
            // the new arrays made so far are garbage again: there is room for the message
            long heap = Runtime.getRuntime().maxMemory();
            throw new ConfigException("the Java heap (" + TdmpcConfig.bytes(heap) + ") is full: the replay buffer "
                    + "holds " + Messages.plural(size, "step") + " and cannot grow to " + next + " ("
                    + TdmpcConfig.bytes((double) next * rowBytes(obsDim, actionDim)) + "). "
                    + advice(capacity, capacity, obsDim, actionDim, 0, heap, TdmpcAgent.machineMemory(),
                            keepEverything), oom);
        }
        obs = o;
        nextObs = no;
        action = a;
        reward = r;
        terminated = d;
        task = k;
        episode = e;
        allocated = next;
    }

    /** The heap the buffer's arrays take per step: observation and next observation, action, reward, etc. */
    static long rowBytes(int obsDim, int actionDim) {
        return 4L * (2L * obsDim + actionDim) + 4 + 4 + 4 + 8; // reward, terminated, task (int), episode (long)
    }

    /** The heap {@link #export} takes per stored step (every column as floats), beside the buffer's own arrays. */
    static long exportRowBytes(int obsDim, int actionDim) {
        return 4L * (2L * obsDim + actionDim + 4);
    }

    /** The steps the arrays are grown to when {@code filled} steps are stored: {@link #ensureRoom}'s doubling. */
    static long allocatedFor(long filled, int capacity) {
        long n = 1024;
        while (n < filled) {
            n *= 2;
        }
        return Math.min(capacity, n);
    }

    /**
     * The most heap a buffer of {@code capacity} steps takes in a run of {@code steps} steps (every row counted):
     * its arrays grown for the steps it fills (min(steps, capacity)), plus, while growing, the old arrays beside the
     * new, or the copy of them a checkpoint makes ({@link #export}; not for a {@code dataset}'s buffer, which
     * checkpoints leave out), whichever is more.
     */
    static double peakBytes(long steps, int capacity, int obsDim, int actionDim, boolean dataset) {
        long filled = Math.min(steps, capacity);
        long allocated = allocatedFor(filled, capacity);
        double row = rowBytes(obsDim, actionDim);
        double atCheckpoint = dataset ? 0 : allocated * row + filled * (double) exportRowBytes(obsDim, actionDim);
        double atGrowth = allocated * row + Math.min(allocated / 2, filled) * row;
        return Math.max(atCheckpoint, atGrowth);
    }

    /** What the heap holds beside the buffer: the JVM's own use, the envs, batches, logs (64 MiB, or 1/8 of it). */
    static long headroom(long heapBytes) {
        return Math.max(64L << 20, heapBytes / 8);
    }

    /**
     * Refuses a run of {@code steps} steps whose replay buffer ({@code capacity} steps) and episodes in progress
     * ({@code pendingBytes}) would not fit {@code heapBytes} (the JVM's maximum heap) beside its {@link #headroom}:
     * such a run fails with an {@link OutOfMemoryError} once the buffer has grown, hours in. The message gives the
     * bytes needed, the {@code -Xmx} that would fit, and the buffer_size that fits this heap. A {@code dataset}'s
     * buffer (offline training, {@code steps} the dataset's) holds every step: more heap is the one way out.
     */
    static void checkHeap(long steps, int capacity, int obsDim, int actionDim, double pendingBytes, long heapBytes,
            long machineBytes, boolean dataset) {
        double needed = peakBytes(steps, capacity, obsDim, actionDim, dataset) + pendingBytes;
        if (heapBytes == Long.MAX_VALUE || needed + headroom(heapBytes) <= heapBytes) {
            return;
        }
        long filled = Math.min(steps, capacity);
        throw new ConfigException(String.format(java.util.Locale.ROOT, "the replay buffer of this run needs %s of "
                + "Java heap (%s of %s each: observation and next observation, action, reward; %s), more than this "
                + "JVM's maximum heap of %s holds beside its other use (%s). %s", TdmpcConfig.bytes(needed),
                dataset ? "the dataset's " + Messages.plural(filled, "step") : Messages.plural(filled, "step")
                        + ", min(steps, buffer_size="
                        + capacity + "),", TdmpcConfig.bytes(rowBytes(obsDim, actionDim)),
                dataset ? "with the old arrays beside the new as it grows" : "with the copy a checkpoint makes",
                TdmpcConfig.bytes(heapBytes), TdmpcConfig.bytes(headroom(heapBytes)),
                advice(steps, capacity, obsDim, actionDim, pendingBytes, heapBytes, machineBytes, dataset)));
    }

    /**
     * What to do about a buffer that does not fit the heap: the -Xmx that holds it (when the machine has that
     * memory), and the largest buffer_size that this heap holds for a run of {@code steps} steps; for a
     * {@code dataset}'s buffer, which must hold every step, only the heap.
     */
    private static String advice(long steps, int capacity, int obsDim, int actionDim, double pendingBytes,
            long heapBytes, long machineBytes, boolean dataset) {
        double needed = peakBytes(steps, capacity, obsDim, actionDim, dataset) + pendingBytes;
        String xmx = xmx(needed);
        boolean machineHolds = heapFor(needed) <= machineBytes;
        String machine = machineBytes == Long.MAX_VALUE ? "" : ", within the machine's "
                + TdmpcConfig.bytes(machineBytes);
        if (dataset) {
            long filled = Math.min(steps, capacity);
            return "Offline training holds every step of its dataset" + (machineHolds ? ": give the JVM more heap, "
                    + "TDMPC2J_JAVA_OPTS=-Xmx" + xmx + " for ./tdmpc2j (java -Xmx" + xmx + " -jar ... without it) "
                    + "holds " + Messages.plural(filled, "step") + machine : ", and " + Messages.plural(filled, "step")
                    + Messages.word(filled, " needs", " need") + " more than the "
                    + "machine's " + TdmpcConfig.bytes(machineBytes) + " of memory: train on a dataset of fewer "
                    + "episodes or tasks");
        }
        // the largest capacity whose peak fits (peakBytes grows with the capacity)
        double room = heapBytes - headroom(heapBytes) - pendingBytes;
        int low = 0;
        int high = capacity;
        while (low < high) {
            int mid = (int) ((low + (long) high + 1) / 2);
            if (peakBytes(steps, mid, obsDim, actionDim, false) <= room) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        String smaller = low >= 1024 ? "keep fewer steps: --set-param buffer_size=" + low + " or less (the newest "
                + "steps are kept)" : null;
        if (machineHolds) {
            return "Give the JVM more heap: TDMPC2J_JAVA_OPTS=-Xmx" + xmx + " for ./tdmpc2j (java -Xmx" + xmx
                    + " -jar ... without it)" + machine + (smaller == null ? "" : "; or " + smaller);
        }
        return "That is more than the machine's " + TdmpcConfig.bytes(machineBytes) + " of memory: "
                + (smaller != null ? smaller : "give a smaller --set-param buffer_size");
    }

    /** The -Xmx that leaves {@code needed} bytes beside the headroom. */
    private static double heapFor(double needed) {
        return Math.max(needed + (64L << 20), needed * 8 / 7);
    }

    /** An -Xmx value that holds {@code needed} bytes beside the headroom: whole GiB (MiB below one GiB). */
    static String xmx(double needed) {
        double heap = heapFor(needed) + (1L << 20);
        return heap < (1L << 30) ? (long) Math.ceil(heap / (1 << 20)) + "m"
                : (long) Math.ceil(heap / (1L << 30)) + "g";
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
     * Replaces the content with what {@link #export()} wrote, read from the file it was saved to a slice at a time
     * straight into the buffer's arrays (not the whole file first: that copy of the buffer beside it is heap the
     * run's check does not count), keeping the newest steps if it holds more than this buffer's capacity; returns
     * how many of its oldest steps were dropped for that.
     */
    public int restore(SafeTensors.Reader saved) {
        long[] rows = saved.shape("reward");
        if (rows == null || rows.length == 0) {
            throw new IllegalArgumentException("the saved replay buffer has no tensor 'reward'");
        }
        int n = Math.toIntExact(rows[0]);
        for (String column : List.of("obs", "next_obs", "action", "reward", "terminated", "task", "episode")) {
            int width = column.endsWith("obs") ? obsDim : column.equals("action") ? actionDim : 1;
            if (saved.count(column) != (long) n * width) {
                throw new IllegalArgumentException(saved.count(column) < 0 ? "the saved replay buffer has no tensor '"
                        + column + "'" : "the saved replay buffer has other observation or action sizes");
            }
        }
        int skip = Math.max(0, n - capacity);
        int kept = n - skip;
        head = 0;
        size = 0;
        episodeId = 0;
        if (kept > 0 && allocatedFor(kept, capacity) > allocated) {
            // the size the doubling reaches for these steps, at once
            growTo((int) allocatedFor(kept, capacity));
        }
        saved.read("obs", (long) skip * obsDim, obs, 0, kept * obsDim);
        saved.read("next_obs", (long) skip * obsDim, nextObs, 0, kept * obsDim);
        saved.read("action", (long) skip * actionDim, action, 0, kept * actionDim);
        saved.read("reward", skip, reward, 0, kept);
        saved.read("terminated", skip, terminated, 0, kept);
        // task and episode ids are exact floats in the file: through a slice of floats
        float[] slice = new float[Math.min(kept, 1 << 14)];
        for (int i = 0; i < kept; i += slice.length) {
            int m = Math.min(slice.length, kept - i);
            saved.read("task", skip + i, slice, 0, m);
            for (int j = 0; j < m; j++) {
                task[i + j] = (int) slice[j];
            }
            saved.read("episode", skip + i, slice, 0, m);
            for (int j = 0; j < m; j++) {
                episode[i + j] = (long) slice[j];
            }
        }
        size = kept;
        head = kept % capacity;
        episodeId = kept == 0 ? 0 : episode[kept - 1] + 1;
        return skip;
    }

    private static io.github.tdmpc2j.agent.checkpoint.SafeTensors.Tensor tensor(float[] data, int rows, int cols) {
        return new io.github.tdmpc2j.agent.checkpoint.SafeTensors.Tensor(new long[] {rows, cols}, data);
    }

}
