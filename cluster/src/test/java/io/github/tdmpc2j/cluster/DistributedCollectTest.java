package io.github.tdmpc2j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.data.Collector;
import io.github.tdmpc2j.data.DatasetPolicy;
import io.github.tdmpc2j.data.DatasetLayout;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.agent.Agents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** collect on real Spark (loopback only): the files are those of a collection in one process, byte for byte. */
class DistributedCollectTest {
    static final List<String> TASKS = List.of("dmc/cartpole-balance", "dmc/reacher-easy");
    static final long SEED = 3;
    static final Map<String, String> LOOPBACK = Map.of("spark.driver.host", "127.0.0.1",
            "spark.driver.bindAddress", "127.0.0.1");

    static DistributedCollect.Job job(Path out, int episodes, boolean gather) {
        return new DistributedCollect.Job(TASKS, DatasetPolicy.RANDOM, new CollectPolicy("random", null, Map.of()),
                out.toString(), episodes, SEED, gather);
    }

    /** The reference: today's collection in this process, no Spark. */
    static void collectInProcess(EnvRegistry registry, Path out, int episodes) {
        Collector c = new Collector(registry, TASKS, DatasetPolicy.RANDOM);
        c.collect(out, episodes, 2, SEED, () -> Agents.find("random").create(c.agentContext(Map.of(), SEED)),
                null);
    }

    /** Every file under {@code dir}'s episodes, by relative path, with its bytes. */
    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir.resolve("episodes"))) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    static void assertSameFiles(Path expected, Path actual) throws IOException {
        Map<String, byte[]> a = files(expected);
        Map<String, byte[]> b = files(actual);
        assertThat(b.keySet()).isEqualTo(a.keySet()); // none lost, none extra, no temporary file
        a.forEach((name, bytes) -> assertThat(b.get(name)).as(name).isEqualTo(bytes));
    }

    @Test
    @Timeout(240)
    void anExecutorKilledMidCollectLosesNothingAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        int episodes = 40;
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collectInProcess(registry, dir.resolve("reference"), episodes);
            Path out = dir.resolve("cluster");
            Map<String, Integer> envsByExecutor = new ConcurrentHashMap<>();
            AtomicLong killed = new AtomicLong(-1);
            AtomicLong filesAtKill = new AtomicLong(-1);
            // an executor of an earlier test's job may still be on its way out (its stop is not waited for): only
            // this job's two count, so that it is one of them that is killed, whatever order the tests run in
            Set<Long> earlier = SparkProcesses.pids();
            Thread killer = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        List<ProcessHandle> executors = SparkProcesses.executors().stream()
                                .filter(p -> !earlier.contains(p.pid())).toList();
                        long written = countEpisodes(out);
                        if (executors.size() == 2 && written >= 6) {
                            ProcessHandle victim = executors.get(0);
                            filesAtKill.set(countEpisodes(out));
                            victim.destroyForcibly(); // SIGKILL: no shutdown hook, writes cut short
                            killed.set(victim.pid());
                            return;
                        }
                        Thread.sleep(10);
                    }
                } catch (InterruptedException | IOException e) {
                    // the job ended first
                }
            }, "executor-killer");
            killer.start();
            int written = DistributedCollect.run(new ClusterSettings("local-cluster[2,1,1024]", false, 0, LOOPBACK),
                    registry, job(out, episodes, false),
                    (task, k, r) -> envsByExecutor.merge(r.executor(), r.envsMade(), Math::max));
            killer.interrupt();
            killer.join();

            assertThat(written).isEqualTo(2 * episodes);
            assertThat(killed.get()).as("an executor was killed mid-collect").isPositive();
            assertThat(filesAtKill.get()).isLessThan(2L * episodes);
            assertSameFiles(dir.resolve("reference"), out);
            // executors keep their envs across units: at most one per task and core, not one per episode
            assertThat(envsByExecutor.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(TASKS.size()));
            assertThat(envsByExecutor.keySet().stream().map(e -> e.substring(0, e.indexOf('@'))))
                    .doesNotContain(Long.toString(ProcessHandle.current().pid())); // they ran in executors
            SparkProcesses.awaitNoExecutors();
        }
    }

    @Test
    @Timeout(120)
    void gatheredEpisodesAndARunAfterADeadDriverGiveTheSameFiles(@TempDir Path dir) throws Exception {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collectInProcess(registry, dir.resolve("reference"), 3);
            Path out = dir.resolve("gathered");
            ClusterSettings local = new ClusterSettings("local[2]", true, 0, LOOPBACK);
            assertThat(DistributedCollect.run(local, registry, job(out, 2, true), null)).isEqualTo(4);
            // what a driver killed mid-job leaves: a lost episode, a half-written temporary file
            Files.delete(DatasetLayout.episode(out, TASKS.get(1), 1));
            Path stray = DatasetLayout.episode(out, TASKS.get(0), 2).resolveSibling("episode-000002.npz77.tmp");
            Files.writeString(stray, "half");
            assertThat(DistributedCollect.run(local, registry, job(out, 3, true), null)).isEqualTo(3);
            assertSameFiles(dir.resolve("reference"), out);
            assertThat(DistributedCollect.run(local, registry, job(out, 3, true), null)).isZero();
        }
    }

    @Test
    void badSettingsAreTypedErrors() {
        assertThatThrownBy(() -> ClusterSettings.of("yarn")).isInstanceOf(ClusterException.class)
                .hasMessageContaining("spark://");
        assertThatThrownBy(() -> new ClusterSettings(null, true, 0, Map.of())).isInstanceOf(ClusterException.class)
                .hasMessageContaining("need --master");
        assertThatThrownBy(() -> new ClusterSettings("local[2]", false, -1, Map.of()))
                .isInstanceOf(ClusterException.class).hasMessageContaining("--gpus-per-task");
        assertThatThrownBy(() -> new ClusterSettings("local[2]", false, 1, Map.of()))
                .isInstanceOf(ClusterException.class).hasMessageContaining("does not schedule GPUs");
        // --spark-conf keys Spark ignores without a word: the setting asked for was never in force
        assertThatThrownBy(() -> new ClusterSettings("local[2]", false, 0, Map.of("executor.memory", "2g")))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("--spark-conf executor.memory: Spark settings start with spark.");
        assertThatThrownBy(() -> new ClusterSettings("local[2]", false, 0,
                Map.of("spark.tdmpc2j.executorWaitTimout", "10min"))).isInstanceOf(ClusterException.class)
                .hasMessageContaining("--spark-conf spark.tdmpc2j.executorWaitTimout is no tdmpc2j setting: they are "
                        + ClusterSettings.EXECUTOR_WAIT + " and " + ClusterSettings.RUN_FOLDER_WAIT);
        assertThatThrownBy(() -> new ClusterSettings(null, false, 0, Map.of("spark.executor.memory", "2g")))
                .isInstanceOf(ClusterException.class).hasMessageContaining("--spark-conf needs --master");
        assertThat(new ClusterSettings("local[2]", false, 0, Map.of(ClusterSettings.EXECUTOR_WAIT, "10min",
                ClusterSettings.RUN_FOLDER_WAIT, "1h", "spark.executor.memory", "2g")).sparkConf()).hasSize(3);
        // Spark's own refusal of these came as a stack trace (its SparkException is checked, and was not caught)
        for (String wrong : List.of("local[x]", "local[2", "local-cluster[2,1]", "localhost")) {
            assertThatThrownBy(() -> ClusterSettings.of(wrong)).as(wrong).isInstanceOf(ClusterException.class)
                    .hasMessageContaining("--master " + wrong + " is not one of Spark's local masters");
        }
        for (String right : List.of("local", "local[2]", "local[*]", "local[2,3]", "local-cluster[2,1,1024]",
                "spark://node1:7077", "spark://node1:7077,node2:7077", "spark://[::1]:7077")) {
            assertThat(ClusterSettings.of(right).master()).isEqualTo(right);
        }
        assertThatThrownBy(() -> ClusterSettings.of("spark://node1")).isInstanceOf(ClusterException.class)
                .hasMessageContaining("give spark://HOST:PORT as `tdmpc2j cluster master` prints it");
    }

    /**
     * A master that nothing listens at is refused at once, before the dataset's folder is made: Spark tried for 75
     * seconds, logging a stack trace every 20, and then failed with "Cannot call methods on a stopped SparkContext"
     * and three stack traces in the error's one line, advising to run the command again.
     */
    @Test
    @Timeout(60)
    void aMasterThatDoesNotAnswerIsRefusedAtOnce(@TempDir Path dir) throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        String url = "spark://127.0.0.1:" + port;
        Path out = dir.resolve("data");
        try (EnvRegistry registry = EnvRegistry.discover()) {
            assertThatThrownBy(() -> DistributedCollect.run(new ClusterSettings(url, false, 0, LOOPBACK), registry,
                    job(out, 1, false), null)).isInstanceOf(ClusterException.class)
                    .hasMessage("no Spark master answers at " + url + " (127.0.0.1:" + port + ": Connection refused):"
                            + " start one with `tdmpc2j cluster master` and give the URL it prints (spark://HOST:PORT),"
                            + " or check that this machine reaches that host and port");
        }
        assertThat(out).doesNotExist();
        assertThatThrownBy(() -> UnitRunner.requireReachableMaster(ClusterSettings.of(
                "spark://nosuchhost.invalid:7077,127.0.0.1:" + port))).isInstanceOf(ClusterException.class)
                .hasMessageContaining("(nosuchhost.invalid: unknown host; 127.0.0.1:" + port + ": Connection refused)");
    }

    @Test
    void aSparkErrorsMessageIsItsFirstLines() {
        var stopped = new IllegalStateException("Cannot call methods on a stopped SparkContext.\nThis stopped "
                + "SparkContext was created at:\n\norg.apache.spark.SparkContext.<init>(SparkContext.scala:89)");
        var job = new RuntimeException("Job aborted due to stage failure: Task serialization failed: " + stopped
                + "\n\tat somewhere", stopped);
        assertThat(UnitRunner.rootMessage(job)).isEqualTo("Job aborted due to stage failure: Task serialization "
                + "failed: java.lang.IllegalStateException: Cannot call methods on a stopped SparkContext.");
        assertThat(UnitRunner.rootMessage(new RuntimeException("lost", new java.io.IOException("disk full"))))
                .isEqualTo("lost (java.io.IOException: disk full)");
    }

    static long countEpisodes(Path out) throws IOException {
        Path episodes = out.resolve("episodes");
        while (true) {
            if (!Files.isDirectory(episodes)) {
                return 0;
            }
            try (Stream<Path> all = Files.walk(episodes)) {
                return all.filter(p -> p.toString().endsWith(".npz")).count();
            } catch (java.io.UncheckedIOException e) {
                // an episode's temporary file renamed to its own name while the walk read it: walk again (the
                // executor killer's thread died of this once and killed nothing)
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
            }
        }
    }

    /** The executor JVMs this test JVM started (through local-cluster's Workers). */
    static final class SparkProcesses {
        static List<ProcessHandle> executors() {
            return ProcessHandle.current().descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                    .toList();
        }

        static void awaitNoExecutors() throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!executors().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(executors()).as("executors left running").isEmpty();
        }

        static Set<Long> pids() {
            return Set.copyOf(executors().stream().map(ProcessHandle::pid).toList());
        }
    }
}
