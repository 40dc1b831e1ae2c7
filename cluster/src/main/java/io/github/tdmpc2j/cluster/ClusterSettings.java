package io.github.tdmpc2j.cluster;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where the units of a command run.
 *
 * @param master      {@code null}: in this process, as without a cluster; else a Spark master URL:
 *                    {@code local[K]}, {@code local-cluster[N,C,MB]} or {@code spark://HOST:PORT}
 * @param gather      executors send each result (a collected episode's file) to the driver, which writes it:
 *                    for nodes without a folder they all see
 * @param gpusPerTask GPUs (or a fraction of one) each unit asks Spark for; 0 for none. The unit's agent runs on
 *                    the GPU Spark assigns ({@code device=gpu:N})
 * @param sparkConf   more Spark settings ({@code spark.driver.host}, {@code spark.executor.memory}, ...)
 */
public record ClusterSettings(String master, boolean gather, double gpusPerTask, Map<String, String> sparkConf) {
    /**
     * How long a job waits with units to run and none running (no executor the cluster gave it can take one)
     * before it fails: {@code --spark-conf spark.tdmpc2j.executorWaitTimeout=10min}, default 120 s.
     */
    public static final String EXECUTOR_WAIT = "spark.tdmpc2j.executorWaitTimeout";
    public static final Duration EXECUTOR_WAIT_DEFAULT = Duration.ofSeconds(120);
    /**
     * How long a bench unit run again waits for its run folder, which an earlier attempt holds, before it fails:
     * {@code --spark-conf spark.tdmpc2j.runFolderWaitTimeout=1h}, default 10 minutes.
     */
    public static final String RUN_FOLDER_WAIT = "spark.tdmpc2j.runFolderWaitTimeout";
    public static final Duration RUN_FOLDER_WAIT_DEFAULT = Duration.ofMinutes(10);
    /** The tdmpc2j settings of --spark-conf, each with what it does, as a command's help says it. */
    public static final Map<String, String> TDMPC2J_SETTINGS = tdmpc2jSettings();
    /**
     * The least {@code spark.executor.memory} Spark starts with, in MiB: 1.5 times the 300 MiB it keeps of each
     * executor's heap for itself (below it Spark refuses to start, with the two sizes in bytes).
     */
    public static final long EXECUTOR_MEMORY_LEAST_MB = 450;

    /** The local masters Spark takes: local, local[K], local[*], local[K,F] (F retries), local-cluster[N,C,MB]. */
    private static final String LOCAL = "local(\\[(\\d+|\\*)(,\\d+)?\\]|-cluster\\[\\d+,\\d+,\\d+\\])?";

    public ClusterSettings {
        if (master != null && master.isBlank()) {
            throw new ClusterException("--master is empty: give local[K], local-cluster[N,C,MB] or spark://HOST:PORT,"
                    + " or leave it out to run in this process");
        }
        if (master != null && master.startsWith("spark://") && !Standalone.isMasterUrl(master)) {
            throw new ClusterException("--master " + master + " is not a standalone master's URL: give "
                    + "spark://HOST:PORT as `tdmpc2j cluster master` prints it");
        }
        if (master != null && master.startsWith("local") && !master.matches(LOCAL)) {
            throw new ClusterException("--master " + master + " is not one of Spark's local masters: give local[K] "
                    + "(K task slots in this process, or * for one per core) or local-cluster[N,C,MB] (N workers of "
                    + "C cores and MB megabytes each)");
        }
        if (master != null && !(master.startsWith("local") || master.startsWith("spark://"))) {
            throw new ClusterException("--master " + master + " is not a Spark standalone master: use local[K], "
                    + "local-cluster[N,C,MB] or spark://HOST:PORT (start one with `tdmpc2j cluster master`)");
        }
        if (!(gpusPerTask >= 0) || Double.isInfinite(gpusPerTask)) {
            throw new ClusterException("--gpus-per-task must be 0 or more, got " + gpusPerTask);
        }
        if (gpusPerTask > 0 && master != null && master.startsWith("local[")) {
            throw new ClusterException("--gpus-per-task needs Workers that offer GPUs (Spark does not schedule GPUs "
                    + "in local[K] mode): use spark://HOST:PORT with `tdmpc2j cluster worker --gpus N`, or "
                    + "local-cluster[N,C,MB] with --spark-conf spark.worker.resource.gpu.amount=G and "
                    + "spark.worker.resource.gpu.discoveryScript=SCRIPT");
        }
        if (master == null && (gather || gpusPerTask > 0)) {
            throw new ClusterException("--gather and --gpus-per-task need --master (a Spark cluster)");
        }
        sparkConf = Map.copyOf(sparkConf == null ? Map.of() : sparkConf);
        if (master == null && !sparkConf.isEmpty()) {
            throw new ClusterException("--spark-conf needs --master (a Spark cluster): without it the units run in "
                    + "this process and no Spark setting applies");
        }
        sparkConf.keySet().stream().sorted().forEach(ClusterSettings::requireKnownKey);
        requireExecutorMemory(sparkConf.get("spark.executor.memory"));
    }

    private static Map<String, String> tdmpc2jSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(EXECUTOR_WAIT, "how long units may wait with none running before the command fails, default 120s");
        settings.put(RUN_FOLDER_WAIT, "how long a bench unit run again waits for its earlier attempt's run folder, "
                + "default 10min");
        return java.util.Collections.unmodifiableMap(settings);
    }

    /**
     * These settings, refused where they give a tdmpc2j setting {@code command} does not use (its {@code used}): the
     * value had no effect there, as a misspelt one had none.
     */
    public ClusterSettings usedBy(String command, Set<String> used) {
        sparkConf.keySet().stream().sorted().filter(k -> k.startsWith("spark.tdmpc2j.") && !used.contains(k))
                .findFirst().ifPresent(k -> {
                    throw new ClusterException("--spark-conf " + k + " does nothing in " + command + " (another "
                            + "command's setting): leave it out" + (used.isEmpty() ? "" : "; " + command + "'s "
                            + (used.size() == 1 ? "is " : "are ") + String.join(" and ", used.stream().sorted()
                                    .toList())));
                });
        return this;
    }

    /**
     * Refuses a {@code spark.executor.memory} Spark would refuse as it starts, in the user's units: below
     * {@link #EXECUTOR_MEMORY_LEAST_MB} ("Executor memory 314572800 must be at least 471859200") or no size.
     */
    private static void requireExecutorMemory(String value) {
        if (value == null) {
            return;
        }
        long mb;
        try {
            mb = org.apache.spark.network.util.JavaUtils.byteStringAsMb(value.strip());
        } catch (RuntimeException e) {
            throw new ClusterException("--spark-conf spark.executor.memory=" + value + " is no size: give a number "
                    + "with a unit, e.g. spark.executor.memory=2g or 1500m (a number alone is megabytes)");
        }
        if (mb < EXECUTOR_MEMORY_LEAST_MB) {
            throw new ClusterException("--spark-conf spark.executor.memory=" + value + " is " + mb + " MB, below the "
                    + EXECUTOR_MEMORY_LEAST_MB + "m Spark needs at least (it keeps 300 MB of each executor's heap for "
                    + "itself, and refuses less than 1.5 times that): give spark.executor.memory="
                    + EXECUTOR_MEMORY_LEAST_MB + "m or more, e.g. 1g (Spark's default, where the setting is left out)");
        }
    }

    /**
     * Refuses a --spark-conf key that Spark would ignore without a word: one outside {@code spark.}, or a tdmpc2j
     * setting ({@code spark.tdmpc2j.}) that does not exist (a misspelt limit left the default in force).
     */
    private static void requireKnownKey(String key) {
        if (!key.startsWith("spark.")) {
            throw new ClusterException("--spark-conf " + key + ": Spark settings start with spark. (Spark ignores "
                    + "other keys): give spark.KEY=VALUE, e.g. spark.executor.memory=2g");
        }
        if (key.startsWith("spark.tdmpc2j.") && !key.equals(EXECUTOR_WAIT) && !key.equals(RUN_FOLDER_WAIT)) {
            throw new ClusterException("--spark-conf " + key + " is no tdmpc2j setting: they are "
                    + String.join(" and ", TDMPC2J_SETTINGS.keySet()));
        }
    }

    /** Units in this process, exactly as without a cluster. */
    public static ClusterSettings inProcess() {
        return new ClusterSettings(null, false, 0, Map.of());
    }

    public static ClusterSettings of(String master) {
        return new ClusterSettings(master, false, 0, Map.of());
    }

    /**
     * A time setting of {@code --spark-conf} ({@code key=DURATION}: Spark's form, 90s, 10min, 1h), or
     * {@code otherwise} where it is not given. A value Spark cannot read, or one not above zero, is refused.
     */
    public Duration duration(String key, Duration otherwise) {
        String value = sparkConf.get(key);
        if (value == null) {
            return otherwise;
        }
        long seconds;
        try {
            seconds = org.apache.spark.network.util.JavaUtils.timeStringAsSec(value.strip());
        } catch (RuntimeException e) {
            seconds = -1;
        }
        if (seconds <= 0) {
            throw new ClusterException("--spark-conf " + key + "=" + value + " is no time above zero: give seconds "
                    + "or a unit, e.g. " + key + "=300s, 10min or 1h");
        }
        return Duration.ofSeconds(seconds);
    }

    /**
     * The heap each unit has where units run in executors ({@code local-cluster[N,C,MB]}, {@code spark://}): an
     * executor's heap is {@code spark.executor.memory} (Spark's default 1g), shared by the units it runs at once
     * ({@link #unitsPerExecutor}); {@link Long#MAX_VALUE} where units run in this JVM or the setting is no size (Spark
     * refuses that as it starts).
     */
    public long executorHeapPerUnit() {
        if (master == null || unitsAtOnceHere() > 0) {
            return Long.MAX_VALUE;
        }
        try {
            long mb = org.apache.spark.network.util.JavaUtils.byteStringAsMb(
                    sparkConf.getOrDefault("spark.executor.memory", "1g").strip());
            return (mb << 20) / unitsPerExecutor();
        } catch (RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * These settings for units that each fill a heap and cores of their own (bench's training runs): on a
     * {@code spark://} master without {@code spark.executor.cores}, executors of one unit's cores
     * ({@code spark.task.cpus}; with {@code --gpus-per-task F}, the 1/F units that share an executor's GPU), so that
     * a worker starts one executor, a JVM of {@code spark.executor.memory}, per run. Spark's default there is one
     * executor per worker with all the worker's free cores: a 16-core worker ran 16 training runs in one 1 GB heap
     * (out of memory, and one run's failure lost the others), while the heap check took a run's share to be all of
     * it. Other masters say their executors' cores themselves ({@code local-cluster[N,C,MB]}: C; {@code local[K]}: the
     * command's JVM), and a given {@code spark.executor.cores} is kept.
     */
    public ClusterSettings withExecutorPerUnit() {
        if (master == null || !master.startsWith("spark://") || sparkConf.containsKey("spark.executor.cores")) {
            return this;
        }
        int unitsPerGpu = gpusPerTask > 0 ? Math.max(1, (int) Math.floor(1 / gpusPerTask + 1e-9)) : 1;
        Map<String, String> conf = new java.util.HashMap<>(sparkConf);
        conf.put("spark.executor.cores", Integer.toString(Math.max(1, intSetting("spark.task.cpus", 1))
                * unitsPerGpu));
        return new ClusterSettings(master, gather, gpusPerTask, conf);
    }

    /**
     * How many units an executor runs at once: its cores ({@code spark.executor.cores}; a {@code local-cluster}
     * worker's C, which its one executor takes) over {@code spark.task.cpus}; 1 where the cores are not known here
     * (a standalone executor takes all its worker's free cores unless {@code spark.executor.cores} is given: bench
     * gives it, {@link #withExecutorPerUnit}).
     */
    public int unitsPerExecutor() {
        int taskCpus = intSetting("spark.task.cpus", 1);
        java.util.regex.Matcher local = java.util.regex.Pattern.compile("local-cluster\\[\\d+,(\\d+),\\d+\\]")
                .matcher(master == null ? "" : master);
        int cores = intSetting("spark.executor.cores", local.matches() ? Integer.parseInt(local.group(1)) : taskCpus);
        return Math.max(1, cores / Math.max(1, taskCpus));
    }

    private int intSetting(String key, int otherwise) {
        try {
            return sparkConf.containsKey(key) ? Integer.parseInt(sparkConf.get(key).strip()) : otherwise;
        } catch (NumberFormatException e) {
            return otherwise; // Spark refuses it as it starts
        }
    }

    public boolean distributed() {
        return master != null;
    }

    /**
     * How many units run at once in this JVM, sharing its heap: 1 without a master (one after another) and for
     * {@code local}, K for {@code local[K]} and {@code local[K,F]}, the cores for {@code local[*]}; 0 where the
     * units run in other JVMs ({@code local-cluster[N,C,MB]}, {@code spark://}), whose heaps decide.
     */
    public int unitsAtOnceHere() {
        if (master == null || master.equals("local")) {
            return 1;
        }
        java.util.regex.Matcher k = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?\\]")
                .matcher(master);
        if (!k.matches()) {
            return 0;
        }
        return k.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(k.group(1));
    }
}
