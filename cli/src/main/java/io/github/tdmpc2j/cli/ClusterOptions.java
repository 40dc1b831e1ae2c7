package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.cluster.ClusterSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options that send a command's units to a Spark cluster ({@code collect}, {@code bench}, {@code eval}). */
final class ClusterOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = {"run the units on Apache Spark: local[K], local-cluster[N,C,MB] "
            + "(needs SPARK_HOME set to an empty folder) or spark://HOST:PORT (`tdmpc2j cluster master`); default: in "
            + "this process"})
    String master;

    @Option(names = "--gpus-per-task", paramLabel = "F",
            defaultValue = "0", description = "with --master: GPUs (or a fraction) "
            + "each unit asks Spark for; its agent runs on the one Spark gives it (default ${DEFAULT-VALUE})")
    double gpusPerTask;

    @Option(names = "--spark-conf", paramLabel = "k=v",
            description = "with --master: a Spark setting key=value, repeatable "
            + "(spark.driver.host, spark.executor.memory, ...); also spark.tdmpc2j.executorWaitTimeout (how long "
            + "units may wait with none running before the command fails, default 120s) and "
            + "spark.tdmpc2j.runFolderWaitTimeout (how long a bench unit run again waits for its earlier attempt's "
            + "run folder, default 10min)")
    Map<String, String> sparkConf;

    ClusterSettings settings() {
        return settings(false);
    }

    /**
     * As {@link #settings()}, {@code gather}: executors send their results' files to this process (collect's
     * --gather; eval's and bench's results come back to this process whatever it is).
     */
    ClusterSettings settings(boolean gather) {
        Map<String, String> conf = new HashMap<>(sparkConf == null ? Map.of() : sparkConf);
        List<String> plugins = Main.pluginJars();
        if (master != null && !plugins.isEmpty()) {
            // the executors find the same task and agent plug-ins as this process (Spark serves them the jars)
            conf.merge("spark.jars", String.join(",", plugins), (given, ours) -> given + "," + ours);
        }
        return new ClusterSettings(master, gather, gpusPerTask, conf);
    }
}
