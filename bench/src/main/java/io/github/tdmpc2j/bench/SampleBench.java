package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.agent.ReplayBuffer;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.agent.Transition;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Microseconds per {@link ReplayBuffer#sample} of a full buffer (the ring wrapped, as in a long run), with the
 * columns in their default segments against one segment holding the whole buffer (the one-array layout, the
 * reference), the two taking turns in every round with the same seed, so they draw the same sub-trajectories.
 * The two must give the same batches: the program checks that before timing and stops if not.
 *
 * <p>Usage: {@code SampleBench [shapes=24x6/100000/500/256,24x6/1000000/1000/256,39x6/1000000/500/256/80]
 * [rounds=15] [samples=2000] [horizon=3]}: each shape is {@code OBSxACTION/buffer/episode/batch[/tasks]} (steps
 * per episode; tasks: episodes spread over that many task ids, as a multitask buffer). Every round times
 * {@code samples} calls per layout in thread CPU time (and wall time), the layouts' order alternating between
 * rounds; the first two rounds warm up and are not counted. Printed per shape: best and 25th percentile of the
 * rounds per layout, and default / one segment as the ratio of the bests and the median of the rounds' ratios
 * (robust on a shared machine, where a load spike hits one round of one layout).
 *
 * <p>The default segment holds 2^24 values of the widest column: 2^19 steps of obs 24 (a 1M-step buffer in 2
 * segments), 2^18 of obs 39 (in 4); a 100k-step buffer of obs 24 is one segment in both layouts, so its ratio
 * shows the measurement's spread on the machine, not a cost of segments.
 */
public final class SampleBench {
    private static final int WARMUP = 2;

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
        System.out.printf("sample(batch, horizon=%d), %s, %d calls per layout per round, best of %s (after %d "
                + "warm-up rounds) in which the layouts take turns; %s, %s, java %s%n", horizon,
                Messages.plural(Runtime.getRuntime().availableProcessors(), "core"), samples,
                Messages.plural(rounds, "round"), WARMUP, System.getProperty("os.arch"),
                ManagementFactory.getOperatingSystemMXBean().getName(), System.getProperty("java.version"));
        System.out.println("| shape | default us/sample best / p25 | one segment us/sample best / p25 | default / "
                + "one segment, bests | median of rounds' ratios | wall, bests | batches' checksum |");
        System.out.println("|---|---|---|---|---|---|---|");
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
        ReplayBuffer[] layouts = {new ReplayBuffer(shape.buffer, shape.obs, shape.action),
            new ReplayBuffer(shape.buffer, shape.obs, shape.action, wholeRows)};
        fill(layouts, shape);
        // the same batches in both layouts (and a checksum of them, to compare across versions of the code)
        long checksum = 0;
        for (int k = 0; k < 4; k++) {
            ReplayBuffer.Batch x = layouts[0].sample(shape.batch, horizon, new SplittableRandom(k));
            ReplayBuffer.Batch y = layouts[1].sample(shape.batch, horizon, new SplittableRandom(k));
            if (!Arrays.equals(x.obs(), y.obs()) || !Arrays.equals(x.action(), y.action())
                    || !Arrays.equals(x.reward(), y.reward()) || !Arrays.equals(x.terminated(), y.terminated())
                    || !Arrays.equals(x.task(), y.task())) {
                throw new IllegalStateException("the layouts gave different batches for seed " + k + " (" + shape
                        + ")");
            }
            checksum = 31 * checksum + Arrays.hashCode(x.obs()) + 7L * Arrays.hashCode(x.action())
                    + 11L * Arrays.hashCode(x.reward()) + 13L * Arrays.hashCode(x.terminated())
                    + 17L * Arrays.hashCode(x.task());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<double[]> cpu = List.of(new double[rounds], new double[rounds]);
        List<double[]> wall = List.of(new double[rounds], new double[rounds]);
        for (int r = -WARMUP; r < rounds; r++) {
            for (int j = 0; j < 2; j++) {
                int which = (r & 1) == 0 ? j : 1 - j;
                SplittableRandom rng = new SplittableRandom(1000 + r);
                long c0 = threads.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                for (int i = 0; i < samples; i++) {
                    sink[0] += layouts[which].sample(shape.batch, horizon, rng).reward()[i % shape.batch];
                }
                long w1 = System.nanoTime();
                long c1 = threads.getCurrentThreadCpuTime();
                if (r >= 0) {
                    cpu.get(which)[r] = (c1 - c0) / 1e3 / samples;
                    wall.get(which)[r] = (w1 - w0) / 1e3 / samples;
                }
            }
        }
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = cpu.get(0)[r] / cpu.get(1)[r];
        }
        double[] segmented = sorted(cpu.get(0));
        double[] one = sorted(cpu.get(1));
        Arrays.sort(ratios);
        double median = (ratios[(rounds - 1) / 2] + ratios[rounds / 2]) / 2;
        return String.format(Locale.ROOT, "| %s | %.1f / %.1f | %.1f / %.1f | %.3f | %.3f | %.3f | %x |",
                shape, segmented[0], segmented[rounds / 4], one[0], one[rounds / 4], segmented[0] / one[0], median,
                sorted(wall.get(0))[0] / sorted(wall.get(1))[0], checksum);
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    /**
     * The same steps into every layout: a third more than the buffer holds (the ring wrapped), episodes of
     * {@code shape.episode} steps, some ending terminated, spread over the tasks.
     */
    private static void fill(ReplayBuffer[] layouts, Shape shape) {
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
            for (ReplayBuffer b : layouts) {
                b.add(t);
            }
            if (done) {
                episode++;
                inEpisode = 0;
            }
        }
    }

    private SampleBench() {
    }
}
