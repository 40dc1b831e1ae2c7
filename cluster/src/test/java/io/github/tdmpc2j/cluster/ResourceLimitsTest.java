package io.github.tdmpc2j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.TdmpcException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.DeployMessages;
import org.apache.spark.deploy.master.Master;
import org.apache.spark.deploy.worker.Worker;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcEnv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.reflect.ClassTag$;

/**
 * A job the cluster cannot give an executor to ends in bounded time with what it asked, what the workers offer and
 * what to change: Spark waited for ever, warning every 15 s that the "initial job has not accepted any resources".
 * A real standalone Master (and Worker) of Spark, in this JVM, on loopback.
 */
class ResourceLimitsTest {
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Spark's standalone Master on 127.0.0.1; its URL is spark://127.0.0.1:PORT. */
    static RpcEnv startMaster(int port) throws IOException {
        return Master.startRpcEnvAndEndpoint("127.0.0.1", port, freePort(), new SparkConf())._1();
    }

    static int aliveWorkers(RpcEnv env, int port) {
        DeployMessages.MasterStateResponse state = env.setupEndpointRef(new RpcAddress("127.0.0.1", port), "Master")
                .askSync(DeployMessages.RequestMasterState$.MODULE$,
                        ClassTag$.MODULE$.apply(DeployMessages.MasterStateResponse.class));
        return (int) java.util.Arrays.stream(state.workers()).filter(w -> w.isAlive()).count();
    }

    static ClusterSettings settings(String master, String... conf) {
        Map<String, String> c = new HashMap<>(DistributedCollectTest.LOOPBACK);
        for (int i = 0; i < conf.length; i += 2) {
            c.put(conf[i], conf[i + 1]);
        }
        return new ClusterSettings(master, false, 0, c);
    }

    @Test
    @Timeout(90)
    void aJobAskingMoreThanAnyWorkerOffersIsRefusedAtOnce(@TempDir Path dir) throws Exception {
        int port = freePort();
        String url = "spark://127.0.0.1:" + port;
        RpcEnv master = startMaster(port);
        RpcEnv worker = null;
        try {
            worker = Worker.startRpcEnvAndEndpoint("127.0.0.1", freePort(), freePort(), 1, 600, new String[] {url},
                    dir.resolve("work").toString(), Option.empty(), new SparkConf(), Option.empty());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (aliveWorkers(master, port) < 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(aliveWorkers(master, port)).as("the worker registered").isEqualTo(1);
            Path ran = dir.resolve("ran");
            UnitFunction<Integer, Integer> unit = u -> {
                Files.writeString(ran, "x", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                return u;
            };
            // Spark's default executor memory, 1g, above the worker's 600 MB: it hung
            long start = System.nanoTime();
            assertThatThrownBy(() -> UnitRunner.run(settings(url), "collect", List.of(0, 1), unit, (i, u, r) -> { }))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageStartingWith("collect cannot run on " + url + ": each executor asks a worker for 1024 MB "
                            + "(spark.executor.memory, 1g unless set) and 1 core, and no worker offers that much")
                    .hasMessageContaining("1 core (1 free), 600 MB (600 free)")
                    .hasMessageContaining("--spark-conf spark.executor.memory=600m or less")
                    .hasMessageContaining("`tdmpc2j cluster worker " + url + " --cores N --memory MB");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            // more cores than the worker has
            assertThatThrownBy(() -> UnitRunner.run(settings(url, "spark.executor.memory", "512m",
                    "spark.executor.cores", "2"), "bench", List.of(0), unit, (i, u, r) -> { }))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageContaining("asks a worker for 512 MB (spark.executor.memory=512m) and 2 cores "
                            + "(spark.executor.cores=2)")
                    .hasMessageContaining("spark.executor.cores and spark.task.cpus of 1 or less")
                    .hasMessageNotContaining("spark.executor.memory=600m");
            // a value Spark cannot read, refused in words that quote the value alone ('For input string: "abc"')
            assertThatThrownBy(() -> UnitRunner.run(settings(url, "spark.executor.cores", "abc"), "collect",
                    List.of(0), unit, (i, u, r) -> { }))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageStartingWith("cannot start Spark with --master " + url
                            + " (--spark-conf spark.executor.cores=abc): ");
            assertThat(ran).doesNotExist();
        } finally {
            if (worker != null) {
                worker.shutdown();
            }
            master.shutdown();
        }
    }

    /**
     * No executor comes (here: a master without workers; as well workers that other applications hold): the job is
     * cancelled after spark.tdmpc2j.executorWaitTimeout, saying so.
     */
    @Test
    @Timeout(90)
    void aJobNoExecutorTakesEndsAfterTheWaitLimit() throws Exception {
        int port = freePort();
        String url = "spark://127.0.0.1:" + port;
        RpcEnv master = startMaster(port);
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> UnitRunner.run(settings(url, ClusterSettings.EXECUTOR_WAIT, "3s"), "collect",
                    List.of(0, 1), u -> u, (i, u, r) -> { }))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageStartingWith("collect: no unit could start for 3 s: the cluster " + url + " gave this "
                            + "application no executor to run one")
                    .hasMessageContaining("The master " + url + " has no worker alive (none registered, or those it "
                            + "had were lost): start one on each node with `tdmpc2j cluster worker " + url + "`")
                    .hasMessageContaining("--spark-conf spark.tdmpc2j.executorWaitTimeout=10min");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(40));
        } finally {
            master.shutdown();
        }
        assertThatThrownBy(() -> settings("local[1]", ClusterSettings.EXECUTOR_WAIT, "soon")
                .duration(ClusterSettings.EXECUTOR_WAIT, Duration.ZERO))
                .isInstanceOf(ClusterException.class).hasMessageContaining("is no time above zero");
    }

    /**
     * A worker lost (its only one) left the job's wait error listing it as offering all its cores and memory free,
     * "[worker-... at 192.0.2.2: 2 cores (2 free), 2048 MB (2048 free)]": the master's RPC answer carries a worker's
     * state and use in transient fields, which arrive as a new worker's. The workers are read from its web UI's JSON.
     */
    @Test
    @Timeout(90)
    void aLostWorkerIsNotListedAsOffering(@TempDir Path dir) throws Exception {
        int port = freePort();
        String url = "spark://127.0.0.1:" + port;
        RpcEnv master = startMaster(port);
        try {
            RpcEnv worker = Worker.startRpcEnvAndEndpoint("127.0.0.1", freePort(), freePort(), 1, 600,
                    new String[] {url}, dir.resolve("work").toString(), Option.empty(), new SparkConf(),
                    Option.empty());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (aliveWorkers(master, port) < 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(aliveWorkers(master, port)).as("the worker registered").isEqualTo(1);
            worker.shutdown();
            while (aliveWorkers(master, port) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(aliveWorkers(master, port)).as("the master saw the worker go").isZero();
            assertThatThrownBy(() -> UnitRunner.run(settings(url, ClusterSettings.EXECUTOR_WAIT, "3s",
                    "spark.executor.memory", "512m"), "collect", List.of(0, 1), u -> u, (i, u, r) -> { }))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageStartingWith("collect: no unit could start for 3 s")
                    .hasMessageContaining("The master " + url + " has no worker alive (none registered, or those it "
                            + "had were lost)")
                    .hasMessageNotContaining("1 core (1 free)");
        } finally {
            master.shutdown();
        }
    }

    /**
     * local-cluster[N,C,MB] offers C cores: executors asking more are refused before the job waits for ever (Spark
     * refuses more memory than MB, and a unit's spark.task.cpus above an executor's cores, itself).
     */
    @Test
    @Timeout(90)
    void aLocalClusterTooSmallForAnExecutorIsRefused() {
        assertThatThrownBy(() -> UnitRunner.run(settings("local-cluster[1,1,1024]", "spark.executor.cores", "2"),
                "eval", List.of(0), u -> u, (i, u, r) -> { }))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("2 cores (spark.executor.cores=2)")
                .hasMessageContaining("worker 1 of local-cluster[1,1,1024]: 1 core")
                .hasMessageContaining("give local-cluster[N,C,MB] workers of more cores");
    }

    /** Checks of units by {@code "task " + unit % 3}; task 2 is not set up. Counts its checks by key. */
    static final class ThreeTasks implements UnitCheck<Integer> {
        private static final long serialVersionUID = 1L;
        /** The checks run, by key (the executors of local[K] are this JVM). */
        static final Map<String, java.util.concurrent.atomic.AtomicInteger> RUNS =
                new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public String key(Integer unit) {
            return "task " + unit % 3;
        }

        @Override
        public void check(String key) {
            RUNS.computeIfAbsent(key, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            if (key.equals("task 2")) {
                throw new TdmpcException("task notsetup/reach is unavailable: run tdmpc2j setup notsetup");
            }
        }
    }

    /**
     * A check runs once per key of the units (it ran once per unit: six Spark tasks for collect's six episodes of
     * one task), and one that fails ends the job before any unit has run, naming the first unit of its key.
     */
    @Test
    @Timeout(90)
    void aFailedCheckEndsTheJobBeforeAnyUnitRuns(@TempDir Path dir) {
        Path ran = dir.resolve("ran");
        UnitFunction<Integer, Integer> unit = u -> {
            Files.writeString(ran, "x", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return u;
        };
        List<Integer> six = List.of(0, 1, 2, 3, 4, 5);
        for (String master : new String[] {"local[2]", null}) {
            ClusterSettings where = master == null ? ClusterSettings.inProcess() : settings(master);
            java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean();
            ThreeTasks.RUNS.clear();
            assertThatThrownBy(() -> UnitRunner.run(where, "bench", six, new ThreeTasks(),
                    () -> ready.set(true), unit, (i, u, r) -> { }))
                    .isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("task notsetup/reach is unavailable: run tdmpc2j setup notsetup");
            assertThat(ran).as("no unit ran on " + master).doesNotExist();
            assertThat(ready).as("what the units write into is not made on " + master).isFalse();
            assertThat(ThreeTasks.RUNS).as("one check per key on " + master).containsOnlyKeys("task 0", "task 1",
                    "task 2").allSatisfy((key, runs) -> assertThat(runs).hasValue(1));
        }
        // executors in JVMs of their own check in a stage of their own, naming where the check ran (local[K]'s
        // executor is this JVM, which checks before Spark starts, as without a master)
        assertThatThrownBy(() -> UnitRunner.run(settings("local-cluster[1,1,1024]"), "bench", six, new ThreeTasks(),
                null, unit, (i, u, r) -> { }))
                .hasMessageStartingWith("bench cannot run on the cluster: unit 2 (checked on " + UnitRunner.hostName()
                        + " before any unit ran): task notsetup/reach is unavailable")
                .hasMessageEndingWith("(TdmpcException; no unit was run)");

        // units whose checks pass all run, each key checked once
        List<Integer> passing = List.of(0, 1, 3, 4, 6, 7);
        for (String master : new String[] {"local[2]", null}) {
            ClusterSettings where = master == null ? ClusterSettings.inProcess() : settings(master);
            ThreeTasks.RUNS.clear();
            List<Integer> results = new java.util.concurrent.CopyOnWriteArrayList<>();
            UnitRunner.run(where, "bench", passing, new ThreeTasks(), null, u -> u, (i, u, r) -> results.add(r));
            assertThat(results).as(master).containsExactlyInAnyOrderElementsOf(passing);
            assertThat(ThreeTasks.RUNS).as("one check per key on " + master).containsOnlyKeys("task 0", "task 1")
                    .allSatisfy((key, runs) -> assertThat(runs).hasValue(1));
        }
    }

    /** `cluster worker` waits for a master that does not answer yet for a bounded time, saying so once. */
    @Test
    @Timeout(60)
    void aWorkerWaitsForItsMasterForABoundedTime() throws Exception {
        int port = freePort();
        String url = "spark://127.0.0.1:" + port;
        StringWriter said = new StringWriter();
        long start = System.nanoTime();
        assertThatThrownBy(() -> Standalone.awaitMaster(url, Duration.ofSeconds(2), new PrintWriter(said, true)))
                .isInstanceOf(ClusterException.class)
                .hasMessageStartingWith("no Spark master answered at " + url + " in 2 s")
                .hasMessageContaining("start the master first").hasMessageContaining("--master-wait SECONDS");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(said.toString()).startsWith("no Spark master answers at " + url + " yet")
                .contains("waiting up to 2 s").hasLineCount(1);
        // a master that comes up while the worker waits: it goes on
        StringWriter later = new StringWriter();
        Thread master = new Thread(() -> {
            try {
                Thread.sleep(1500);
                try (ServerSocket s = new ServerSocket(port, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
                    s.setSoTimeout(20_000);
                    s.accept().close(); // the worker's first try that reaches it
                }
            } catch (IOException | InterruptedException e) {
                // the test's assertions say what went wrong
            }
        });
        master.start();
        Standalone.awaitMaster(url, Duration.ofSeconds(20), new PrintWriter(later, true));
        assertThat(later.toString()).contains("waiting up to 20 s").contains("the master at " + url + " answers");
        master.join(30_000);
    }
}
