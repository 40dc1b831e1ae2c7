package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.cluster.ClusterSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** The options that send a command's units to a Spark cluster ({@code collect}, {@code bench}, {@code eval}). */
final class ClusterOptions {
    /** The mixin's name in a command's spec (its field's). */
    private static final String MIXIN = "cluster";
    /** The command whose options these are, and the tdmpc2j settings of --spark-conf it uses. */
    private final String command;
    private final Set<String> settingsUsed;

    /**
     * @param command      the command the options are of, as its refusals name it
     * @param settingsUsed the tdmpc2j settings of --spark-conf ({@link ClusterSettings#TDMPC2J_SETTINGS}) the
     *                     command uses: its help names those alone, and it refuses the others
     */
    ClusterOptions(String command, String... settingsUsed) {
        this.command = command;
        this.settingsUsed = Set.of(settingsUsed);
        for (String key : settingsUsed) {
            if (!ClusterSettings.TDMPC2J_SETTINGS.containsKey(key)) {
                throw new IllegalArgumentException("no tdmpc2j setting " + key);
            }
        }
    }

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
            + "(spark.driver.host, spark.executor.memory, ...)")
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
        return new ClusterSettings(master, gather, gpusPerTask, conf).usedBy(command, settingsUsed);
    }

    /**
     * Adds to the --spark-conf description of each command under {@code root} that takes these options the tdmpc2j
     * settings that command uses, and those alone: the text was shared, so eval's and collect's help described
     * bench's run folder wait, which they ignore.
     */
    static void describeSettings(CommandLine root) {
        for (CommandLine sub : root.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            CommandSpec mixin = spec.mixins().get(MIXIN);
            if (mixin != null && mixin.userObject() instanceof ClusterOptions options
                    && !options.settingsUsed.isEmpty()) {
                OptionSpec old = spec.findOption("--spark-conf");
                String used = ClusterSettings.TDMPC2J_SETTINGS.entrySet().stream()
                        .filter(e -> options.settingsUsed.contains(e.getKey()))
                        .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(" and "));
                spec.remove(old);
                spec.addOption(old.toBuilder().description(old.description()[0] + "; also " + used).build());
            }
        }
    }
}
