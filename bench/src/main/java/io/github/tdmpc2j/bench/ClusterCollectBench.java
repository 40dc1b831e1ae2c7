package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.cluster.ClusterSettings;
import io.github.tdmpc2j.cluster.CollectPolicy;
import io.github.tdmpc2j.cluster.DistributedCollect;
import io.github.tdmpc2j.data.Collector;
import io.github.tdmpc2j.data.DatasetPolicy;
import io.github.tdmpc2j.spi.EnvRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Collect throughput (episodes per minute; native DMControl tasks, random policy) in one process without
 * --master, and on Spark with {@code local[2]} and {@code local-cluster[2,1,1024]}, in one run: Spark's overhead
 * as a ratio. Each mode collects the same episodes into a fresh folder; its time runs from the call to its end,
 * Spark's start and stop included, as a user's command sees it. Rounds alternate the modes' order.
 *
 * <p>Args: EPISODES_PER_TASK ROUNDS TASK... Prints one line per mode and round: {@code MODE ROUND EPISODES
 * SECONDS STEADY_SECONDS}, the last from the first episode's end to the last's (Spark's start left out). Needs SPARK_HOME (an empty folder, filled with links) and Spark's Java options; see
 * {@code bench/cluster/run.sh}.
 */
public final class ClusterCollectBench {
    private static final Map<String, String> LOOPBACK = Map.of("spark.driver.host", "127.0.0.1",
            "spark.driver.bindAddress", "127.0.0.1");

    private ClusterCollectBench() {
    }

    public static void main(String[] args) throws IOException {
        int episodes = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<String> tasks = List.of(args).subList(2, args.length);
        List<String> modes = List.of("none", "local[2]", "local-cluster[2,1,1024]");
        Path root = Files.createTempDirectory("tdmpc2j-cluster-bench");
        try (EnvRegistry registry = EnvRegistry.discover()) {
            for (int round = 0; round < rounds; round++) {
                for (int m = 0; m < modes.size(); m++) {
                    String mode = modes.get(round % 2 == 0 ? m : modes.size() - 1 - m);
                    Path out = root.resolve("r" + round + "-" + m);
                    long[] firstLast = {0, 0};
                    Runnable done = () -> {
                        synchronized (firstLast) {
                            long now = System.nanoTime();
                            if (firstLast[0] == 0) {
                                firstLast[0] = now;
                            }
                            firstLast[1] = now;
                        }
                    };
                    long t0 = System.nanoTime();
                    int written = collect(registry, mode, tasks, episodes, out, done);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(Locale.ROOT, "%s %d %d %.2f %.2f%n", mode, round, written, seconds,
                            (firstLast[1] - firstLast[0]) / 1e9);
                    System.out.flush();
                    delete(out);
                }
            }
        } finally {
            delete(root);
        }
    }

    private static int collect(EnvRegistry registry, String mode, List<String> tasks, int episodes, Path out,
            Runnable done) {
        long seed = 1;
        if (mode.equals("none")) { // today's collect: 2 worker threads in this process
            Collector c = new Collector(registry, tasks, DatasetPolicy.RANDOM);
            CollectPolicy random = new CollectPolicy("random", null, Map.of());
            return c.collect(out, episodes, 2, seed, () -> random.create(c, seed), (t, k, e) -> done.run());
        }
        return DistributedCollect.run(new ClusterSettings(mode, false, 0, LOOPBACK), registry,
                new DistributedCollect.Job(tasks, DatasetPolicy.RANDOM, new CollectPolicy("random", null, Map.of()),
                        out.toAbsolutePath().toString(), episodes, seed, false), (t, k, r) -> done.run());
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
