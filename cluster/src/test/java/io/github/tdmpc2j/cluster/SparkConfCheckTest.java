package io.github.tdmpc2j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checks of --spark-conf that run before Spark starts (ClusterSettings, SparkKeys). */
class SparkConfCheckTest {
    /**
     * Spark refused spark.executor.memory below 450m as it started, in bytes: "[INVALID_EXECUTOR_MEMORY] Executor
     * memory 314572800 must be at least 471859200." (local[2] and spark:// alike).
     */
    @Test
    void executorMemoryBelowSparksLeastIsRefusedInTheUsersUnits() {
        assertThatThrownBy(() -> new ClusterSettings("local[2]", false, 0, Map.of("spark.executor.memory", "300m")))
                .isInstanceOf(ClusterException.class)
                .hasMessage("--spark-conf spark.executor.memory=300m is 300 MB, below the 450m Spark needs at least "
                        + "(it keeps 300 MB of each executor's heap for itself, and refuses less than 1.5 times "
                        + "that): give spark.executor.memory=450m or more, e.g. 1g (Spark's default, where the "
                        + "setting is left out)");
        assertThatThrownBy(() -> settingsOf("spark://node1:7077", "spark.executor.memory", "449"))
                .hasMessageContaining("spark.executor.memory=449 is 449 MB, below the 450m");
        assertThatThrownBy(() -> settingsOf("local-cluster[1,1,1024]", "spark.executor.memory", "2 GB"))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("spark.executor.memory=2 GB is no size: give a number with a unit, e.g. "
                        + "spark.executor.memory=2g or 1500m");
        for (String enough : List.of("450m", "450", "1g", " 2g ", "471859200b")) {
            assertThat(settingsOf("local[2]", "spark.executor.memory", enough).sparkConf()).as(enough)
                    .containsKey("spark.executor.memory");
        }
    }

    /** spark.executor.memroy=8g ran with Spark's 1g, without a word. */
    @Test
    void aMisspeltSparkKeyIsWarnedOfWithTheKeyItMisses() {
        assertThat(SparkKeys.misspelt("spark.executor.memroy")).contains("spark.executor.memory");
        assertThat(SparkKeys.misspelt("spark.excutor.memory")).contains("spark.executor.memory");
        assertThat(SparkKeys.misspelt("spark.executor.core")).contains("spark.executor.cores");
        assertThat(SparkKeys.misspelt("spark.task.cpu")).contains("spark.task.cpus");
        assertThat(SparkKeys.misspelt("spark.driver.hots")).contains("spark.driver.host");
        assertThat(SparkKeys.warnings(Map.of("spark.executor.memroy", "8g", "spark.executor.cores", "2")))
                .containsExactly("--spark-conf spark.executor.memroy is no setting Spark knows (it ignores such a "
                        + "key without a word): did you mean spark.executor.memory? Passed on as given");
        // legitimate keys: in Spark's registry, in a family no registry lists, or read by name
        for (String key : List.of("spark.executor.memory", "spark.driver.host", "spark.driver.bindAddress",
                "spark.executor.extraJavaOptions", "spark.executorEnv.OMP_NUM_THREADS", "spark.hadoop.fs.s3a.endpoint",
                "spark.tdmpc2j.executorWaitTimeout", "spark.task.resource.gpu.amount",
                "spark.worker.resource.gpu.discoveryScript", "spark.executor.resource.gpu.amount",
                "spark.worker.cleanup.appDataTtl", "spark.network.timeout", "spark.shuffle.io.maxRetries",
                "spark.rpc.io.serverThreads", "spark.ssl.enabled", "spark.ssl.keyStore", "spark.cores.max",
                "spark.deploy.spreadOut", "spark.port.maxRetries", "spark.master.rest.enabled", "spark.jars",
                "spark.app.name", "spark.speculation", "spark.speculation.multiplier", "spark.sql.shuffle.partitions",
                "spark.kryoserializer.buffer.max", "spark.local.dir", "spark.executor.memoryOverhead",
                "spark.authenticate.secret", "spark.log.level", "spark.task.maxFailures")) {
            assertThat(SparkKeys.misspelt(key)).as(key).isEmpty();
        }
        assertThat(SparkKeys.edits("memroy", "memory")).isEqualTo(1);
        assertThat(SparkKeys.edits("abc", "abcdef")).isEqualTo(3);
    }

    /**
     * collect and eval took spark.tdmpc2j.runFolderWaitTimeout (bench's alone) and did nothing with it, as a
     * misspelt key did nothing.
     */
    @Test
    void aTdmpc2jSettingOfAnotherCommandIsRefused() {
        ClusterSettings both = settingsOf("local[2]", ClusterSettings.RUN_FOLDER_WAIT, "1h");
        assertThatThrownBy(() -> both.usedBy("collect", Set.of(ClusterSettings.EXECUTOR_WAIT)))
                .isInstanceOf(ClusterException.class)
                .hasMessage("--spark-conf spark.tdmpc2j.runFolderWaitTimeout does nothing in collect (another "
                        + "command's setting): leave it out; collect's is spark.tdmpc2j.executorWaitTimeout");
        assertThat(both.usedBy("bench", Set.of(ClusterSettings.EXECUTOR_WAIT, ClusterSettings.RUN_FOLDER_WAIT)))
                .isSameAs(both);
        ClusterSettings wait = settingsOf("local[2]", ClusterSettings.EXECUTOR_WAIT, "10min");
        assertThat(wait.usedBy("eval", Set.of(ClusterSettings.EXECUTOR_WAIT))).isSameAs(wait);
    }

    /**
     * On a spark:// master Spark's executor took all its worker's free cores, so a 16-core worker ran 16 bench runs in
     * one spark.executor.memory heap, which the heap check took to be one run's: bench asks executors of one run.
     */
    @Test
    void benchRunsOnAStandaloneMasterGetAnExecutorEach() {
        ClusterSettings standalone = settingsOf("spark://node1:7077", "spark.executor.memory", "2g");
        assertThat(standalone.unitsPerExecutor()).isEqualTo(1);
        ClusterSettings runs = standalone.withExecutorPerUnit();
        assertThat(runs.sparkConf()).containsEntry("spark.executor.cores", "1").containsEntry("spark.executor.memory",
                "2g");
        assertThat(runs.unitsPerExecutor()).isEqualTo(1);
        assertThat(runs.executorHeapPerUnit()).isEqualTo(2048L << 20);
        // a unit of 2 cores; units sharing a GPU by halves share an executor (its one GPU) two at a time
        assertThat(settingsOf("spark://node1:7077", "spark.task.cpus", "2").withExecutorPerUnit().sparkConf())
                .containsEntry("spark.executor.cores", "2");
        ClusterSettings halves = new ClusterSettings("spark://node1:7077", false, 0.5, Map.of()).withExecutorPerUnit();
        assertThat(halves.sparkConf()).containsEntry("spark.executor.cores", "2");
        assertThat(halves.unitsPerExecutor()).isEqualTo(2);
        assertThat(halves.executorHeapPerUnit()).isEqualTo(512L << 20);
        // what the user gave, and masters whose executors' cores are known, are kept
        ClusterSettings given = settingsOf("spark://node1:7077", "spark.executor.cores", "4");
        assertThat(given.withExecutorPerUnit()).isSameAs(given);
        ClusterSettings localCluster = settingsOf("local-cluster[1,2,1024]", "spark.executor.memory", "1g");
        assertThat(localCluster.withExecutorPerUnit()).isSameAs(localCluster);
        assertThat(ClusterSettings.of("local[2]").withExecutorPerUnit().sparkConf()).isEmpty();
        assertThat(ClusterSettings.inProcess().withExecutorPerUnit()).isEqualTo(ClusterSettings.inProcess());
    }

    /**
     * Spark's two warnings of a host name that resolves to loopback came from every --master command, local[2] too
     * (the cli's logging leaves them out); a spark:// driver whose address Spark chose so says it, and how to change it.
     */
    @Test
    void aStandaloneDriverSaysTheAddressSparkChoseForAHostNameOnLoopback() throws Exception {
        java.net.InetAddress loopback = java.net.InetAddress.getByName("127.0.1.1");
        java.net.InetAddress lan = java.net.InetAddress.getByName("192.0.2.2");
        assertThat(UnitRunner.driverAddressNotice(ClusterSettings.of("spark://node1:7077"), loopback, "192.0.2.2"))
                .contains("the executors reach this command at 192.0.2.2 (this machine's host name resolves to "
                        + "loopback, so Spark took a network interface's address): --spark-conf "
                        + "spark.driver.host=ADDRESS if the workers reach this machine at another");
        assertThat(UnitRunner.driverAddressNotice(ClusterSettings.of("spark://node1:7077"), lan, "192.0.2.2"))
                .isEmpty();
        assertThat(UnitRunner.driverAddressNotice(settingsOf("spark://node1:7077", "spark.driver.host", "10.0.0.2"),
                loopback, "10.0.0.2")).isEmpty();
        for (String local : List.of("local[2]", "local-cluster[2,1,1024]")) {
            assertThat(UnitRunner.driverAddressNotice(ClusterSettings.of(local), loopback, "192.0.2.2")).isEmpty();
        }
    }

    private static ClusterSettings settingsOf(String master, String key, String value) {
        return new ClusterSettings(master, false, 0, Map.of(key, value));
    }
}
