package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.agent.ReplayBuffer;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.agent.Transition;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Microseconds per {@link ReplayBuffer#sample} of a full buffer (the ring wrapped, as in a long run), with the
 * columns in their default segments against one segment holding the whole buffer (the one-array layout), and both
 * against a bare sampler here (the reference): the same steps in one plain array per column, the same draw of
 * starts and the same copies, written out inline, which is what sampling costs without the buffer's code. The three
 * take turns in every round with the same seed, so they draw the same sub-trajectories, and must give the same
 * batches: the program checks that before timing and stops if not.
 *
 * <p>Usage: {@code SampleBench [shapes=24x6/100000/500/256,24x6/1000000/1000/256,39x6/1000000/500/256/80]
 * [rounds=15] [samples=2000] [horizon=3]}: each shape is {@code OBSxACTION/buffer/episode/batch[/tasks]} (steps
 * per episode; tasks: episodes spread over that many task ids, as a multitask buffer). Every round times
 * {@code samples} calls per sampler in thread CPU time, the samplers' order turning between rounds; the first two
 * rounds warm up and are not counted. Printed per shape: best and 25th percentile of the rounds per sampler, and
 * each ratio as the median of the rounds' ratios (robust on a shared machine, where a load spike hits one round of
 * one sampler; many short rounds, {@code rounds=60 samples=500}, pair the samplers closer in time).
 *
 * <p>The default segment holds 32 MiB of the widest column, header included: 349,514 steps of obs 24 (a 1M-step
 * buffer in 3 segments), 215,085 of obs 39 (in 5); a 100k-step buffer of obs 24 is one segment in both layouts, so
 * its default / one segment shows the measurement's spread on the machine, not a cost of segments.
 */
public final class SampleBench {
    private static final int WARMUP = 2;

    /** One way of sampling a batch. */
    private interface Sampler {
        ReplayBuffer.Batch sample(int batch, int horizon, SplittableRandom rng);
    }

    private record Shape(int obs, int action, int buffer, int episode, int batch, int tasks) {
        static Shape parse(String s) {
            String[] p = s.trim().split("/");
            String[] dims = p[0].split("x");
            if (dims.length != 2 || p.length < 4 || p.length > 5) {
                throw new IllegalArgumentException("a shape is OBSxACTION/buffer/episode/batch[/tasks]; got '" + s
                        + "'");
            }
            return new Shape(Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(p[1]),
                    Integer.parseInt(p[2]), Integer.parseInt(p[3]), p.length == 5 ? Integer.parseInt(p[4]) : 1);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "obs %d, action %d, buffer %d, episodes of %d, batch %d%s", obs,
                    action, buffer, episode, batch, tasks > 1 ? ", " + tasks + " tasks" : "");
        }
    }

    public static void main(String[] args) {
        Map<String, String> opts = Args.parse(Map.of("shapes",
                "24x6/100000/500/256,24x6/1000000/1000/256,39x6/1000000/500/256/80", "rounds", "15",
                "samples", "2000", "horizon", "3"), args);
        int rounds = Integer.parseInt(opts.get("rounds"));
        int samples = Integer.parseInt(opts.get("samples"));
        int horizon = Integer.parseInt(opts.get("horizon"));
        System.out.printf("sample(batch, horizon=%d), %s, %d calls per sampler per round, thread CPU time, best of %s "
                + "(after %d warm-up rounds) in which the samplers take turns; %s, %s, java %s%n", horizon,
                Messages.plural(Runtime.getRuntime().availableProcessors(), "core"), samples,
                Messages.plural(rounds, "round"), WARMUP, System.getProperty("os.arch"),
                ManagementFactory.getOperatingSystemMXBean().getName(), System.getProperty("java.version"));
        System.out.println("| shape | default segments, us/sample best / p25 | one segment | bare arrays | default / "
                + "one segment, median of rounds | default / bare | one / bare | batches' checksum |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        double[] sink = new double[1];
        for (String s : opts.get("shapes").split(",")) {
            Shape shape = Shape.parse(s);
            System.out.println(row(shape, rounds, samples, horizon, sink));
        }
        System.out.printf("(sum of a reward per sampled batch: %s; checksum: of four batches, the same on every "
                + "version of the code that samples alike)%n", sink[0]);
    }

    /** One shape's line of the table. */
    private static String row(Shape shape, int rounds, int samples, int horizon, double[] sink) {
        // one segment: a power of two of at least the buffer's steps
        int wholeRows = Integer.highestOneBit(Math.max(1, shape.buffer - 1)) << 1;
        ReplayBuffer segmented = new ReplayBuffer(shape.buffer, shape.obs, shape.action);
        ReplayBuffer whole = new ReplayBuffer(shape.buffer, shape.obs, shape.action, wholeRows);
        Bare bare = new Bare(shape.buffer, shape.obs, shape.action);
        fill(shape, segmented::add, whole::add, bare::add);
        List<Sampler> samplers = List.of(segmented::sample, whole::sample, bare::sample);
        // the same batches from every sampler (and a checksum of them, to compare across versions of the code)
        long checksum = 0;
        for (int k = 0; k < 4; k++) {
            ReplayBuffer.Batch x = samplers.get(0).sample(shape.batch, horizon, new SplittableRandom(k));
            for (Sampler other : samplers.subList(1, samplers.size())) {
                ReplayBuffer.Batch y = other.sample(shape.batch, horizon, new SplittableRandom(k));
                if (!Arrays.equals(x.obs(), y.obs()) || !Arrays.equals(x.action(), y.action())
                        || !Arrays.equals(x.reward(), y.reward()) || !Arrays.equals(x.terminated(), y.terminated())
                        || !Arrays.equals(x.task(), y.task())) {
                    throw new IllegalStateException("the samplers gave different batches for seed " + k + " ("
                            + shape + ")");
                }
            }
            checksum = 31 * checksum + Arrays.hashCode(x.obs()) + 7L * Arrays.hashCode(x.action())
                    + 11L * Arrays.hashCode(x.reward()) + 13L * Arrays.hashCode(x.terminated())
                    + 17L * Arrays.hashCode(x.task());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] cpu = new double[samplers.size()][rounds];
        for (int r = -WARMUP; r < rounds; r++) {
            for (int j = 0; j < samplers.size(); j++) {
                int which = Math.floorMod(j + r, samplers.size());
                Sampler sampler = samplers.get(which);
                SplittableRandom rng = new SplittableRandom(1000 + r);
                long c0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < samples; i++) {
                    sink[0] += sampler.sample(shape.batch, horizon, rng).reward()[i % shape.batch];
                }
                if (r >= 0) {
                    cpu[which][r] = (threads.getCurrentThreadCpuTime() - c0) / 1e3 / samples;
                }
            }
        }
        StringBuilder line = new StringBuilder("| " + shape + " |");
        for (double[] times : cpu) {
            double[] t = sorted(times);
            line.append(String.format(Locale.ROOT, " %.1f / %.1f |", t[0], t[rounds / 4]));
        }
        for (int[] pair : new int[][] {{0, 1}, {0, 2}, {1, 2}}) {
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = cpu[pair[0]][r] / cpu[pair[1]][r];
            }
            Arrays.sort(ratios);
            line.append(String.format(Locale.ROOT, " %.3f |", (ratios[(rounds - 1) / 2] + ratios[rounds / 2]) / 2));
        }
        return line.append(String.format(" %x |", checksum)).toString();
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    /**
     * The same steps into every buffer: a third more than the buffer holds (the ring wrapped), episodes of
     * {@code shape.episode} steps, some ending terminated, spread over the tasks.
     */
    @SafeVarargs
    private static void fill(Shape shape, java.util.function.Consumer<Transition>... buffers) {
        SplittableRandom r = new SplittableRandom(7);
        float[] o = new float[shape.obs];
        float[] next = new float[shape.obs];
        float[] a = new float[shape.action];
        long steps = shape.buffer + shape.buffer / 3L + 7;
        long episode = 0;
        int inEpisode = 0;
        for (long i = 0; i < steps; i++) {
            for (int k = 0; k < o.length; k++) {
                o[k] = next[k];
                next[k] = (float) r.nextDouble();
            }
            for (int k = 0; k < a.length; k++) {
                a[k] = (float) r.nextDouble(-1, 1);
            }
            boolean done = ++inEpisode == shape.episode;
            boolean terminated = done && episode % 5 == 4;
            Transition t = new Transition((int) (episode % shape.tasks), o, a, r.nextDouble(), next, terminated,
                    done);
            for (java.util.function.Consumer<Transition> b : buffers) {
                b.accept(t);
            }
            if (done) {
                episode++;
                inEpisode = 0;
            }
        }
    }

    /**
     * The reference: a ring of steps in one plain array per column, sampled by the draw {@link ReplayBuffer}
     * documents (a uniform start among the stored steps, redrawn until its {@code horizon} steps are of one episode)
     * and the same copies into the same time-major batch, inline, with nothing else.
     */
    private static final class Bare {
        private final int capacity;
        private final int obsDim;
        private final int actionDim;
        private final float[] obs;
        private final float[] nextObs;
        private final float[] action;
        private final float[] reward;
        private final float[] terminated;
        private final int[] task;
        private final long[] episode;
        private int head;
        private int size;
        private long episodeId;

        Bare(int capacity, int obsDim, int actionDim) {
            this.capacity = capacity;
            this.obsDim = obsDim;
            this.actionDim = actionDim;
            obs = new float[capacity * obsDim];
            nextObs = new float[capacity * obsDim];
            action = new float[capacity * actionDim];
            reward = new float[capacity];
            terminated = new float[capacity];
            task = new int[capacity];
            episode = new long[capacity];
        }

        void add(Transition t) {
            System.arraycopy(t.observation(), 0, obs, head * obsDim, obsDim);
            System.arraycopy(t.nextObservation(), 0, nextObs, head * obsDim, obsDim);
            System.arraycopy(t.action(), 0, action, head * actionDim, actionDim);
            reward[head] = (float) t.reward();
            terminated[head] = t.terminated() ? 1f : 0f;
            task[head] = t.task();
            episode[head] = episodeId;
            head = head + 1 == capacity ? 0 : head + 1;
            size = Math.min(size + 1, capacity);
            if (t.done()) {
                episodeId++;
            }
        }

        ReplayBuffer.Batch sample(int batchSize, int horizon, SplittableRandom rng) {
            float[] o = new float[(horizon + 1) * batchSize * obsDim];
            float[] a = new float[horizon * batchSize * actionDim];
            float[] r = new float[horizon * batchSize];
            float[] d = new float[horizon * batchSize];
            int[] k = new int[batchSize];
            int oldest = size < capacity ? 0 : head;
            for (int b = 0; b < batchSize; b++) {
                int start;
                boolean one;
                do {
                    start = (oldest + rng.nextInt(size - horizon + 1)) % capacity; // below 2^30 steps
                    one = true;
                    for (int t = 1; t < horizon && one; t++) {
                        one = episode[(start + t) % capacity] == episode[start];
                    }
                } while (!one);
                k[b] = task[start];
                for (int t = 0; t < horizon; t++) {
                    int i = (start + t) % capacity;
                    int at = t * batchSize + b;
                    System.arraycopy(obs, i * obsDim, o, at * obsDim, obsDim);
                    System.arraycopy(action, i * actionDim, a, at * actionDim, actionDim);
                    r[at] = reward[i];
                    d[at] = terminated[i];
                }
                int last = (start + horizon - 1) % capacity;
                System.arraycopy(nextObs, last * obsDim, o, (horizon * batchSize + b) * obsDim, obsDim);
            }
            return new ReplayBuffer.Batch(horizon, batchSize, o, a, r, d, k);
        }
    }

    private SampleBench() {
    }
}
