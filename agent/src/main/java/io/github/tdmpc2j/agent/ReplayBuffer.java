package io.github.tdmpc2j.agent;

import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.agent.InvalidObservationException;
import io.github.tdmpc2j.spi.agent.Transition;
import io.github.tdmpc2j.agent.checkpoint.SafeTensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Transitions grouped by episode, in a ring of at most {@code capacity} steps; samples sub-trajectories of
 * {@code horizon} consecutive steps (horizon + 1 observations) that lie inside one episode, uniformly. Each column
 * is a {@link Column} of segments, so the steps it holds are bounded by the heap ({@link #checkHeap}), not by
 * what one Java array holds.
 */
public final class ReplayBuffer {
    /** A batch, time-major: obs [H+1][B][O], action [H][B][A], reward and terminated [H][B]. */
    public record Batch(int horizon, int size, float[] obs, float[] action, float[] reward, float[] terminated,
            int[] task) {
    }

    private final int capacity;
    private final int obsDim;
    private final int actionDim;
    /**
     * Every column's segments hold segmentRows steps: step i is in segment (i * segmentMultiplier) >>>
     * segmentShift, i / segmentRows ({@link Column#divisionMultiplier}).
     */
    private final int segmentRows;
    private final long segmentMultiplier;
    private final int segmentShift;
    private final Column<float[]> obs;
    private final Column<float[]> nextObs;
    private final Column<float[]> action;
    private final Column<float[]> reward;
    private final Column<float[]> terminated;
    private final Column<int[]> task;
    private final Column<long[]> episode;
    private int allocated;
    /** Whether every step added must stay (a dataset's, for offline training): a smaller capacity is no way out. */
    private boolean keepEverything;
    private int head;
    private int size;
    private long episodeId;

    public ReplayBuffer(int capacity, int obsDim, int actionDim) {
        this(capacity, obsDim, actionDim, Column.segmentRows(Math.max(obsDim, actionDim)));
    }

    /**
     * A buffer whose columns' segments hold {@code segmentRows} steps each (any number, the segment one Java
     * array): a layout only, the same steps give the same batches and the same export with any; for tests and
     * SampleBench, which compares the default with one segment holding the whole buffer (the one-array layout).
     */
    public ReplayBuffer(int capacity, int obsDim, int actionDim, int segmentRows) {
        if (capacity < 1 || obsDim < 1 || actionDim < 1) {
            throw new ConfigException("a replay buffer of " + capacity + " steps, observations of " + obsDim
                    + " and actions of " + actionDim + " holds nothing: give 1 or more of each (buffer_size, the "
                    + "agent's observation and action sizes)");
        }
        this.capacity = capacity;
        this.segmentRows = segmentRows;
        this.obsDim = obsDim;
        this.actionDim = actionDim;
        obs = new Column<>(float[]::new, float[][]::new, obsDim, segmentRows);
        nextObs = new Column<>(float[]::new, float[][]::new, obsDim, segmentRows);
        action = new Column<>(float[]::new, float[][]::new, actionDim, segmentRows);
        reward = new Column<>(float[]::new, float[][]::new, 1, segmentRows);
        terminated = new Column<>(float[]::new, float[][]::new, 1, segmentRows);
        task = new Column<>(int[]::new, int[][]::new, 1, segmentRows);
        episode = new Column<>(long[]::new, long[][]::new, 1, segmentRows);
        // after the columns, which refuse a segment of no rows
        this.segmentMultiplier = Column.divisionMultiplier(segmentRows);
        this.segmentShift = Column.divisionShift(segmentRows);
    }

    /** Marks the buffer as a dataset's: the heap it cannot grow in then calls for more heap, not fewer steps. */
    void keepEverything() {
        keepEverything = true;
    }

    public int size() {
        return size;
    }

    /**
     * Adds one step. A transition of other sizes than the buffer's is refused (typed, saying what to give): the
     * agent checks its callers' with {@link io.github.tdmpc2j.spi.agent.AgentContext#requireTransitions} first.
     */
    public void add(Transition t) {
        if (t == null) {
            throw new TdmpcException("the transition is null: pass the step to add, in the agent's space");
        }
        requireObservation(t.observation());
        requireObservation(t.nextObservation());
        if (t.action() == null || t.action().length != actionDim) {
            throw new InvalidActionException("a transition with " + (t.action() == null ? "a null action"
                    : "an action of " + Messages.plural(t.action().length, "entry", "entries")) + " was added to a "
                    + "replay buffer of actions of " + actionDim + ": add steps in the agent's space (actions of its "
                    + "size, as act returns them)");
        }
        ensureRoom();
        obs.put(head, t.observation(), 0);
        nextObs.put(head, t.nextObservation(), 0);
        action.put(head, t.action(), 0);
        reward.segment(head)[reward.offset(head)] = (float) t.reward();
        terminated.segment(head)[terminated.offset(head)] = t.terminated() ? 1f : 0f;
        task.segment(head)[task.offset(head)] = t.task();
        episode.segment(head)[episode.offset(head)] = episodeId;
        head = (head + 1) % capacity;
        size = Math.min(size + 1, capacity);
        if (t.done()) {
            episodeId++;
        }
    }

    private void requireObservation(float[] o) {
        if (o == null || o.length != obsDim) {
            throw new InvalidObservationException("a transition with " + (o == null ? "a null observation"
                    : "an observation of " + Messages.plural(o.length, "value")) + " was added to a replay buffer "
                    + "of observations of " + obsDim + ": add steps in the agent's space (observations padded to "
                    + "its size, as MultitaskEnv gives them)");
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
        // each column's segments as the typed array they are, taken once: a row's segment is then one array load
        // (each row's segment through segmentAt, cast to its type by a load of its header, made a 1M-step buffer's
        // sample about a fifth slower than one array; SampleBench, bench/RESULTS.md)
        int[][] tasks = task.segments();
        float[][] observations = obs.segments();
        float[][] actions = action.segments();
        float[][] rewards = reward.segments();
        float[][] terminals = terminated.segments();
        float[][] nextObservations = nextObs.segments();
        long[][] episodes = episode.segments();
        for (int b = 0; b < batchSize; b++) {
            int start = validStart(horizon, rng, episodes);
            int held = (int) ((start * segmentMultiplier) >>> segmentShift);
            int row = start - held * segmentRows;
            k[b] = tasks[held][row];
            if (inOneSegment(start, row, horizon)) {
                // almost every sub-trajectory: its rows follow each other in one segment, copied as from one array
                float[] os = observations[held];
                float[] as = actions[held];
                float[] rs = rewards[held];
                float[] ds = terminals[held];
                for (int t = 0; t < horizon; t++) {
                    int at = t * batchSize + b;
                    System.arraycopy(os, (row + t) * obsDim, o, at * obsDim, obsDim);
                    System.arraycopy(as, (row + t) * actionDim, a, at * actionDim, actionDim);
                    r[at] = rs[row + t];
                    d[at] = ds[row + t];
                }
                System.arraycopy(nextObservations[held], (row + horizon - 1) * obsDim, o,
                        (horizon * batchSize + b) * obsDim, obsDim);
            } else {
                // across a segment's border or the ring's end: each row looked up
                for (int t = 0; t < horizon; t++) {
                    int i = step(start, t);
                    int at = t * batchSize + b;
                    obs.get(i, 0, o, at * obsDim, obsDim);
                    action.get(i, 0, a, at * actionDim, actionDim);
                    r[at] = reward.segment(i)[reward.offset(i)];
                    d[at] = terminated.segment(i)[terminated.offset(i)];
                    if (t == horizon - 1) {
                        nextObs.get(i, 0, o, (horizon * batchSize + b) * obsDim, obsDim);
                    }
                }
            }
        }
        return new Batch(horizon, batchSize, o, a, r, d, k);
    }

    /**
     * Whether the {@code horizon} steps from {@code start} (at {@code row} of its segment) on lie in its segment, in
     * order: not across a segment's border or the ring's end.
     */
    private boolean inOneSegment(int start, int row, int horizon) {
        return row <= segmentRows - horizon && start <= capacity - horizon;
    }

    /** The step {@code t} steps after {@code start} in the ring ({@code t} below the capacity). */
    private int step(int start, int t) {
        int i = start - capacity + t; // (start + t) % capacity without overflowing an int
        return i < 0 ? i + capacity : i;
    }

    /** A uniformly drawn start of a sub-trajectory inside one episode ({@code episodes}: the episode column's). */
    private int validStart(int horizon, SplittableRandom rng, long[][] episodes) {
        int oldest = size < capacity ? 0 : head;
        for (int attempt = 0; attempt < 10_000; attempt++) {
            int start = step(oldest, rng.nextInt(size - horizon + 1));
            if (oneEpisode(start, horizon, episodes)) {
                return start;
            }
        }
        // the tasks' episode lengths allow the horizon (TdmpcAgent checks), but the episodes so far ended early
        // (so horizon and size are at least 2 here: one step is always a sub-trajectory of its episode)
        throw new ConfigException("no sub-trajectory of horizon=" + horizon + " steps lies inside one episode of the "
                + size + " steps in the replay buffer: the episodes so far ended (terminated) before " + horizon
                + " steps; give --set-param horizon=N with N below their length (the reference's is 3)");
    }

    /** Whether the {@code horizon} steps from {@code start} on are of one episode. */
    private boolean oneEpisode(int start, int horizon, long[][] episodes) {
        int held = (int) ((start * segmentMultiplier) >>> segmentShift);
        int row = start - held * segmentRows;
        if (inOneSegment(start, row, horizon)) {
            long[] segment = episodes[held];
            long id = segment[row];
            for (int t = 1; t < horizon; t++) {
                if (segment[row + t] != id) {
                    return false;
                }
            }
            return true;
        }
        long id = episodeAt(start);
        for (int t = 1; t < horizon; t++) {
            if (episodeAt(step(start, t)) != id) {
                return false;
            }
        }
        return true;
    }

    private long episodeAt(int i) {
        return episode.segment(i)[episode.offset(i)];
    }

    /**
     * Grows the columns when the next step has no room: the first segment by doubling up to its full size (or the
     * capacity), each column's segment copied into a longer one; then a segment at a time, the full ones kept, none
     * copied ({@link #nextSize}). A heap too
     * small for the new size is a {@link ConfigException} saying what fits (the trainer refuses such a run before
     * it starts, {@link #checkHeap}, but the JVM's other use of its heap may differ); the columns stay as they were,
     * so a checkpoint written before is kept and the run can go on from it with more heap.
     */
    private void ensureRoom() {
        if (head < allocated) {
            return;
        }
        growTo((int) nextSize(allocated, capacity, segmentRows));
    }

    /** Grows the columns to {@code next} steps, keeping what they hold ({@link #ensureRoom} says what a failure is). */
    private void growTo(int next) {
        List<Column<?>> columns = List.of(obs, nextObs, action, reward, terminated, task, episode);
        Object[][] grown = new Object[columns.size()][];
        try {
            for (int c = 0; c < grown.length; c++) {
                grown[c] = columns.get(c).grown(next);
            }
        } catch (OutOfMemoryError oom) {
            // the new segments made so far are garbage again: there is room for the message
            grown = null;
            long heap = Runtime.getRuntime().maxMemory();
            throw new ConfigException("the Java heap (" + TdmpcConfig.bytes(heap) + ") is full: the replay buffer "
                    + "holds " + Messages.plural(size, "step") + " and cannot grow to " + next + " ("
                    + TdmpcConfig.bytes((double) next * rowBytes(obsDim, actionDim)) + "). "
                    + advice(capacity, capacity, obsDim, actionDim, 0, heap, TdmpcAgent.machineMemory(),
                            keepEverything), oom);
        }
        for (int c = 0; c < grown.length; c++) {
            columns.get(c).use(grown[c]);
        }
        allocated = next;
    }

    /** The heap the buffer's arrays take per step: observation and next observation, action, reward, etc. */
    static long rowBytes(int obsDim, int actionDim) {
        return 4L * (2L * obsDim + actionDim) + 4 + 4 + 4 + 8; // reward, terminated, task (int), episode (long)
    }

    /**
     * The steps {@link #ensureRoom} grows the columns to from {@code allocated}: within the first segment, the next
     * of its sizes; past it, one segment more (the last one up to the capacity). The first
     * segment's sizes are its full size (min(capacity, segmentRows)) halved, rounded up, down to 1024 steps: the
     * growth that copies it takes 1.5 times the steps it grows to, whatever they are (sizes of 1024 times a power
     * of two took twice as many just past a power of two: 8192 steps fitted a heap where 8193 did not).
     */
    static long nextSize(long allocated, int capacity, int segmentRows) {
        long first = Math.min(capacity, segmentRows);
        return allocated < first ? firstSizeFor(allocated + 1, first) : Math.min(capacity, allocated + segmentRows);
    }

    /** The smallest of the first segment's sizes ({@link #nextSize}) that holds {@code filled} steps. */
    private static long firstSizeFor(long filled, long first) {
        long n = first;
        while ((n + 1) / 2 >= Math.max(filled, 1024)) {
            n = (n + 1) / 2;
        }
        return n;
    }

    /** The first segment's size before {@code size} (one of its sizes), or 0: the one a growth to it copies. */
    private static long firstSizeBefore(long size) {
        return (size + 1) / 2 >= 1024 ? (size + 1) / 2 : 0;
    }

    /** The steps the columns are grown to when {@code filled} steps are stored ({@link #nextSize}'s sizes). */
    static long allocatedFor(long filled, int capacity, int segmentRows) {
        long first = Math.min(capacity, segmentRows);
        return filled <= first ? firstSizeFor(filled, first)
                : Math.min(capacity, (filled + segmentRows - 1) / segmentRows * segmentRows);
    }

    /**
     * The most heap a buffer of {@code capacity} steps takes in a run of {@code steps} steps, in a JVM whose heap
     * is {@code heapBytes}: its columns' segments as {@link #ensureRoom} grows them for the steps it fills
     * (min(steps, capacity)), at the growth that takes most: the last growth of the first segment (its old size
     * beside its longer copy, {@link Column#grown}), or all the segments once grown (a segment at a time past the
     * first, no copy; they had grown by doubling, up to twice the steps filled). Each array is
     * counted as the heap places it: with its header, and a large one in whole regions ({@link #heapRegion}). A
     * checkpoint adds nothing ({@link #export} streams the buffer out a slice at a time), nor does {@code --resume}
     * ({@link #restore} grows the new buffer once, then reads into it); a dataset's buffer is counted alike.
     * bench/RESULTS.md (2026-12-03) has the runs that measured it.
     */
    static double peakBytes(long steps, int capacity, int obsDim, int actionDim, long heapBytes) {
        int segment = Column.segmentRows(Math.max(obsDim, actionDim));
        long allocated = allocatedFor(Math.min(steps, capacity), capacity, segment);
        long region = heapRegion(heapBytes);
        // the first segment's last growth: its size then, and the size before it, copied
        long first = Math.min(allocated, Math.min(capacity, segment));
        double firstGrowth = columnsBytes(first, segment, obsDim, actionDim, region)
                + columnsBytes(firstSizeBefore(first), segment, obsDim, actionDim, region);
        return Math.max(firstGrowth, columnsBytes(allocated, segment, obsDim, actionDim, region));
    }

    /**
     * The heap of the seven columns at {@code rows} rows, {@code segment} rows a segment: whole segments and the
     * last, shorter one, each array with its header and, if it is a large one (half a {@code region} or more),
     * rounded up to whole regions (G1 places such an array alone in regions of its own).
     */
    private static double columnsBytes(long rows, long segment, int obsDim, int actionDim, long region) {
        // the values a row holds of each column and their bytes: obs, next_obs, action (floats); reward, terminated
        // (floats), task (int), episode (long)
        long[] rowBytes = {4L * obsDim, 4L * obsDim, 4L * actionDim, 4, 4, 4, 8};
        double total = 0;
        for (long bytes : rowBytes) {
            total += rows / segment * arrayBytes(segment * bytes, region) + arrayBytes(rows % segment * bytes, region);
        }
        return total;
    }

    /** The heap one array of {@code bytes} bytes of values takes: its header, and whole regions if it is large. */
    private static double arrayBytes(long bytes, long region) {
        if (bytes == 0) {
            return 0;
        }
        long held = bytes + 16;
        return held >= region / 2 ? (double) ((held + region - 1) / region) * region : held;
    }

    /**
     * The region of a G1 heap of {@code heapBytes} (the JVM's default collector): its heap / 2048 rounded down to
     * a power of two, from 1 to 32 MiB, as the JVM sizes it; other collectors place arrays tighter, so counting
     * in regions is safe for them too.
     */
    static long heapRegion(long heapBytes) {
        long wanted = heapBytes == Long.MAX_VALUE ? 32L << 20 : Long.highestOneBit(Math.max(1, heapBytes / 2048));
        return Math.max(1L << 20, Math.min(32L << 20, wanted));
    }

    /**
     * What the heap holds beside the buffer: the JVM's own use, the envs, batches, logs, a checkpoint's write buffer
     * (64 MiB, or 1/8 of it; cpu-preset runs took 36 to 48 MiB, bench/RESULTS.md 2026-12-03).
     */
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
        double needed = peakBytes(steps, capacity, obsDim, actionDim, heapBytes) + pendingBytes;
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
                "with the segments a growth copies",
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
        long give = heapToGive(steps, capacity, obsDim, actionDim, pendingBytes);
        String xmx = give < (1L << 30) ? (give >> 20) + "m" : (give >> 30) + "g";
        boolean machineHolds = give <= machineBytes;
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
            if (peakBytes(steps, mid, obsDim, actionDim, heapBytes) <= room) {
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

    /**
     * The -Xmx (whole MiB below a GiB, whole GiB above) whose heap holds the buffer ({@link #peakBytes}, counted in
     * that heap's regions) and {@code pendingBytes} beside its {@link #headroom}: at least 1/7 more than they
     * need, and 64 MiB.
     */
    static long heapToGive(long steps, int capacity, int obsDim, int actionDim, double pendingBytes) {
        long heap = 0;
        while (true) { // a larger heap has larger regions: grown until the heap holds what it counts
            long next = heapFor(steps, capacity, obsDim, actionDim, pendingBytes, heap);
            if (next <= heap) {
                // the count in the smaller regions of the heaps before may have asked more than this heap's own
                // does (mt30's whole dataset: 90 GiB against 87): the smaller heap, if it holds its own count
                return next < heap && heapFor(steps, capacity, obsDim, actionDim, pendingBytes, next) <= next ? next
                        : heap;
            }
            heap = next;
        }
    }

    /** The least -Xmx ({@link #heapToGive}'s rounding) for the buffer counted in the regions of {@code heap}. */
    private static long heapFor(long steps, int capacity, int obsDim, int actionDim, double pendingBytes, long heap) {
        double needed = peakBytes(steps, capacity, obsDim, actionDim, heap) + pendingBytes;
        double least = Math.max(needed + (64L << 20), needed * 8 / 7) + (1L << 20);
        return least < (1L << 30) ? (long) Math.ceil(least / (1 << 20)) << 20
                : (long) Math.ceil(least / (1L << 30)) << 30;
    }

    /** Raw storage for checkpoints is not kept: a resumed run refills its buffer (as the reference does). */
    public int capacity() {
        return capacity;
    }

    /**
     * The stored steps, oldest first, as float tensors (for checkpoints; task and episode ids as exact floats):
     * views of the buffer that {@link SafeTensors#write} copies out a slice at a time, not a copy of it (a column
     * may hold more values than a Java array); they hold until the next {@link #add} or {@link #restore}.
     */
    public Map<String, SafeTensors.Values> export() {
        int start = size < capacity ? 0 : head;
        int n = size;
        long firstEpisode = n == 0 ? 0 : episodeAt(start);
        Map<String, SafeTensors.Values> m = new LinkedHashMap<>();
        m.put("obs", floats(obs, start, n));
        m.put("next_obs", floats(nextObs, start, n));
        m.put("action", floats(action, start, n));
        m.put("reward", floats(reward, start, n));
        m.put("terminated", floats(terminated, start, n));
        m.put("task", new SafeTensors.Streamed(new long[] {n, 1}, (from, into, at, length) -> {
            for (int j = 0; j < length; j++) {
                int k = (int) ((start + from + j) % capacity);
                into[at + j] = task.segment(k)[task.offset(k)];
            }
        }));
        m.put("episode", new SafeTensors.Streamed(new long[] {n, 1}, (from, into, at, length) -> {
            for (int j = 0; j < length; j++) {
                into[at + j] = episodeAt((int) ((start + from + j) % capacity)) - firstEpisode;
            }
        }));
        return m;
    }

    /** {@code n} rows of {@code column} from row {@code start} on, round the ring, as one [n, width] tensor. */
    private SafeTensors.Values floats(Column<float[]> column, int start, int n) {
        int width = column.width();
        return new SafeTensors.Streamed(new long[] {n, width}, (from, into, at, length) -> {
            long value = from;
            int done = 0;
            while (done < length) {
                int k = (int) ((start + value / width) % capacity);
                int col = (int) (value % width);
                // the values from here to the end of the segment, or of the ring, whichever comes first
                long rows = Math.min(column.rowsToSegmentEnd(k), capacity - k);
                int m = (int) Math.min(length - done, rows * width - col);
                column.get(k, col, into, at + done, m);
                value += m;
                done += m;
            }
        });
    }

    /**
     * Replaces the content with what {@link #export()} wrote, read from the file it was saved to a slice at a time
     * straight into the buffer's arrays (not the whole file first: that copy of the buffer beside it is heap the
     * run's check does not count), keeping the newest steps if it holds more than this buffer's capacity; returns
     * how many of its oldest steps were dropped for that. A file without the tensors {@link #export()} writes, or
     * with other sizes than this buffer's, is a {@link CheckpointException} naming it, before a step is read.
     */
    public int restore(SafeTensors.Reader saved) {
        long[] rows = saved.shape("reward");
        if (rows == null || rows.length == 0) {
            throw damaged(saved, "has no tensor 'reward'");
        }
        if (rows[0] > Integer.MAX_VALUE) {
            throw damaged(saved, "holds " + rows[0] + " steps, more than a replay buffer holds");
        }
        int n = (int) rows[0];
        for (String column : List.of("obs", "next_obs", "action", "reward", "terminated", "task", "episode")) {
            int width = column.endsWith("obs") ? obsDim : column.equals("action") ? actionDim : 1;
            long count = saved.count(column);
            if (count != (long) n * width) {
                throw damaged(saved, count < 0 ? "has no tensor '" + column + "'" : "has " + count + " values in "
                        + "tensor '" + column + "' where its " + Messages.plural(n, "step") + " of " + width
                        + " make " + (long) n * width);
            }
        }
        int skip = Math.max(0, n - capacity);
        int kept = n - skip;
        head = 0;
        size = 0;
        episodeId = 0;
        if (kept > 0 && allocatedFor(kept, capacity, segmentRows) > allocated) {
            // the size the growth reaches for these steps, at once
            growTo((int) allocatedFor(kept, capacity, segmentRows));
        }
        read(saved, "obs", skip, kept, obs);
        read(saved, "next_obs", skip, kept, nextObs);
        read(saved, "action", skip, kept, action);
        read(saved, "reward", skip, kept, reward);
        read(saved, "terminated", skip, kept, terminated);
        // task and episode ids are exact floats in the file: through a slice of floats
        float[] slice = new float[Math.min(kept, 1 << 14)];
        for (int i = 0; i < kept; i += slice.length) {
            int m = Math.min(slice.length, kept - i);
            saved.read("task", (long) skip + i, slice, 0, m);
            for (int j = 0; j < m; j++) {
                task.segment(i + j)[task.offset(i + j)] = (int) slice[j];
            }
            saved.read("episode", (long) skip + i, slice, 0, m);
            for (int j = 0; j < m; j++) {
                episode.segment(i + j)[episode.offset(i + j)] = (long) slice[j];
            }
        }
        size = kept;
        head = kept % capacity;
        episodeId = kept == 0 ? 0 : episodeAt(kept - 1) + 1;
        return skip;
    }

    /** A saved buffer unlike what {@link #export()} writes, worded as a checkpoint's other damaged files are. */
    private static CheckpointException damaged(SafeTensors.Reader saved, String what) {
        return new CheckpointException(saved.file() + " (the replay buffer) " + what + ": the checkpoint is damaged; "
                + "put back a copy of it, or use another checkpoint");
    }

    /** Reads rows [skip, skip + kept) of {@code name} into rows [0, kept) of {@code column}, a segment at a time. */
    private static void read(SafeTensors.Reader saved, String name, int skip, int kept, Column<float[]> column) {
        int width = column.width();
        for (int k = 0; (long) k * column.segmentRows() < kept; k++) {
            int first = k * column.segmentRows();
            int rows = Math.min(column.segmentRows(), kept - first);
            saved.read(name, ((long) skip + first) * width, column.segmentAt(k), 0, rows * width);
        }
    }

}
