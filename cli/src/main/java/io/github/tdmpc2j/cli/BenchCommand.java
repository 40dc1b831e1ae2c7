package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.io.AtomicWrites;
import io.github.tdmpc2j.spi.io.IoErrors;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.rollout.Evaluation;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.cluster.ClusterSettings;
import io.github.tdmpc2j.cluster.ExecutorCache;
import io.github.tdmpc2j.cluster.UnitFunction;
import io.github.tdmpc2j.cluster.TaskCheck;
import io.github.tdmpc2j.cluster.UnitRunner;
import java.io.IOException;
import java.io.Serializable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j bench}: one agent over many tasks and seeds, one report. */
@Command(name = "bench", description = {
        "Train an agent on many tasks and seeds; report scores normalised per domain beside the paper's.",
        "The final score per task is normalised per domain as the TD-MPC2 paper does (DMControl return / 10; "
                + "Meta-World, ManiSkill, MyoSuite success rate x 100), with per-domain means and the paper's "
                + "published TD-MPC2 number at the largest step after 0 it logged up to --steps (none for a run "
                + "shorter than its first: its step 0 is an untrained agent; its logs' environment steps taken as "
                + "agent steps x the task's action repeat). Writes report.md, report.csv and "
                + "curves/DOMAIN_TASK.png (one per task) into the output folder."})
final class BenchCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BenchCommand.class);
    @Spec
    CommandSpec spec;

    @Option(names = "--tasks", paramLabel = "ID,...", description = "task ids or aliases, comma-separated")
    List<String> tasks;

    @Option(names = "--set", paramLabel = "NAME", description = "a named task set")
    String set;

    @Option(names = "--agent", paramLabel = "NAME",
            defaultValue = "tdmpc2", description = "agent plug-in (default ${DEFAULT-VALUE}; "
            + "`tdmpc2j agents` lists them)")
    String agent;

    @Option(names = "--steps", paramLabel = "N",
            defaultValue = "100000", description = "agent steps per run (default ${DEFAULT-VALUE})")
    long steps;

    @Option(names = "--seeds", paramLabel = "K",
            defaultValue = "1", description = "seeds per task (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--eval-every", paramLabel = "N", description = "evaluate every N steps (default: steps / 10)")
    Long evalEvery;

    @Option(names = "--eval-episodes", paramLabel = "N",
            defaultValue = "3", description = "episodes per evaluation (default ${DEFAULT-VALUE})")
    long evalEpisodes;

    @Option(names = "--preset", paramLabel = "paper|cpu", description = "agent preset: paper (the default) or cpu")
    String preset;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu",
            description = "auto, cpu or gpu (default: the preset's, auto for paper and cpu "
            + "for cpu)")
    String device;

    @Option(names = "--set-param", paramLabel = "k=v", description = "key=value for the agent, repeatable")
    List<String> params;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default runs/bench/TIMESTAMP)")
    Path out;

    @Mixin
    ClusterOptions cluster = new ClusterOptions("bench", ClusterSettings.EXECUTOR_WAIT,
            ClusterSettings.RUN_FOLDER_WAIT);

    record Row(String task, String domain, String metric, double mean, double std, double normalized, int seeds,
            double randomNormalized, Double published, Long publishedStep, Double publishedNormalized,
            Long publishedFirst) {
    }

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        if (steps <= 0) {
            throw new TdmpcException("--steps is " + steps + ": give the agent steps of each run, 1 or more");
        }
        if (seeds <= 0) {
            throw new TdmpcException("--seeds is " + seeds + ": give the runs per task, 1 or more");
        }
        refuseTrainerParams(new RunConfig(Map.of()).pairs(params).all());
        Path dir = out != null ? out : Path.of("runs", "bench",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        RunFolder.refuseCheckpointFolder(dir, "--out");
        refuseForeignOut(dir);
        try (EnvRegistry registry = EnvRegistry.discover()) {
            List<TaskSpec> specs = TaskChoice.ids(registry, tasks, set).stream().map(registry::resolve).toList();
            // every task is checked once before the first run (runAll's TaskCheck: in this process, or on the
            // executors, which make the units' envs): a task that cannot be made would otherwise fail the bench
            // after hours of training the others. Units run in this process are checked here, before the settings
            // are (whose check warns of runs that end in their seed phase: advice for a bench that could not start)
            TaskCheck<Unit> check = new TaskCheck<>(registry, Unit::task);
            if (clusterSettings().unitsAtOnceHere() > 0) {
                check.checkAll(specs.stream().map(TaskSpec::id).toList());
                check = null; // checked: once is enough
            }
            checkEveryRun(specs);
            // Ctrl-C and SIGTERM stop the runs in progress before their next step (their checkpoints kept) and
            // start no other, so that the locks are let go of (a signal left the folders with run.lock files of a
            // process that was gone); on a cluster the job is cancelled, and each run on an executor stops so
            Stop stop = new Stop();
            // the report's one writer (each run's folder in it has its own lock besides): taken once every task
            // passed its check (a signal or a refusal before leaves no folder), held for the command's life
            RunLock[] lock = new RunLock[1];
            try (StopSignals signals = StopSignals.install(stop::request)) {
                stop.signals = signals;
                Map<String, SeedRun> runs = runAll(registry, specs, check, dir, console,
                        spec.commandLine().getErr(), () -> {
                            lock[0] = RunLock.acquireBench(dir);
                            checkEarlierRuns(specs, dir); // first: it names the runs' own settings
                            checkBenchSettings(dir);
                            // a run prints nothing until it ends (an hour or more on a CPU): where to watch it
                            console.printf(Locale.ROOT, "bench: %s (%s x %s) of %d steps; each prints its score "
                                    + "as it ends, its progress is in %s (train.csv, eval.csv)%n",
                                    Messages.plural(specs.size() * seeds, "run"), Messages.plural(specs.size(), "task"),
                                    Messages.plural(seeds, "seed"), steps, dir.resolve("runs").resolve("TASK")
                                            .resolve("seed-N"));
                            console.flush();
                        }, stop);
                if (signals.received() != null) {
                    if (lock[0] != null) { // let go of first: a new folder that no run wrote into goes with it
                        lock[0].close();
                        lock[0] = null;
                    }
                    if (Files.isDirectory(dir.resolve("runs"))) {
                        writeBenchSettings(dir);
                    }
                    console.printf("stopped by %s%s%n", signals.received(), Files.isDirectory(dir.resolve("runs"))
                            ? ": no report written; the runs keep their last checkpoints in " + dir.resolve("runs")
                                    + ", and the same bench command goes on from them"
                            : " before its first run trained: nothing was written");
                    console.flush();
                    return signals.exitStatus();
                }
                return report(specs, runs, dir, console);
            } catch (RuntimeException | Error e) {
                if (lock[0] != null) {
                    lock[0].failed(); // a refusal leaves the folder as it was: no run.lock it had not
                }
                throw e;
            } finally {
                if (lock[0] != null) {
                    lock[0].close();
                }
            }
        }
    }

    /**
     * Bench's own settings of its runs, each named by one of its options: a {@code --set-param} of one replaced
     * every run's (it went after them), and the report, which names the options, then said what the runs had not
     * done: {@code seed=7} made every seed's run the same run, {@code steps=200} ran them 200 steps for a report of
     * {@code --steps}, {@code time_limit} ended them at other steps than the report compares. {@code envs} is left:
     * bench has no option of its own for it.
     */
    private static final Map<String, String> OWN_KEYS = ownKeys();

    private static Map<String, String> ownKeys() {
        Map<String, String> own = new LinkedHashMap<>();
        own.put("steps", "give --steps");
        own.put("seed", "each run's seed is its number, 1 to --seeds: give --seeds");
        own.put("eval_freq", "give --eval-every");
        own.put("eval_episodes", "give --eval-episodes");
        own.put("task", "give --tasks or --set");
        own.put("tasks", "give --tasks or --set");
        own.put("set", "give --tasks or --set");
        own.put("agent", "give --agent");
        own.put("time_limit", "bench runs every run to --steps, which its report compares at (a time limit ended runs "
                + "at other steps): give a smaller --steps");
        own.put("data", "bench trains online; `tdmpc2j train --data` trains on a dataset");
        return own;
    }

    private static void refuseTrainerParams(Map<String, String> given) {
        for (String key : given.keySet()) {
            if (OWN_KEYS.containsKey(key)) {
                throw new TdmpcException("--set-param " + key + "=" + given.get(key) + " is a setting of the bench's "
                        + "runs, not of the agent: " + OWN_KEYS.get(key) + " (nothing was run)");
            }
        }
    }

    /** The first line of every report.md bench writes, by which it knows its own. */
    private static final String REPORT_TITLE = "# Benchmark report";
    private static final List<String> CSV_COLUMNS = List.of("task", "domain", "metric", "mean", "std", "normalized",
            "seeds", "random_normalized", "published", "published_step", "published_normalized");

    /**
     * Refuses an {@code --out} that holds something else than a bench's folder, before anything is written there:
     * a file (refused as "cannot make the lock file ...: already exists"), a training run or a dataset (bench wrote
     * its runs/ and report among their files), a report.md or report.csv that a bench did not write (replaced by
     * its report). An earlier bench's folder, an empty one and one with files of the user's beside the bench's
     * are taken.
     */
    static void refuseForeignOut(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new TdmpcException("--out " + dir + " is a file, not a folder; choose another --out (a new folder, "
                    + "or an earlier bench's to go on with its runs)");
        }
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<String> found = new ArrayList<>(RunFolder.runFiles(dir));
        found.remove("curves"); // bench's own too
        if (Files.isRegularFile(dir.resolve(io.github.tdmpc2j.data.DatasetLayout.INDEX))) {
            found.add(io.github.tdmpc2j.data.DatasetLayout.INDEX);
        }
        try {
            Path md = dir.resolve("report.md");
            if (Files.isRegularFile(md) && !firstLine(md).equals(REPORT_TITLE)) {
                found.add("report.md");
            }
            Path csv = dir.resolve("report.csv");
            // the columns before those an earlier version had not
            if (Files.isRegularFile(csv) && !firstLine(csv).startsWith("task,domain,metric,mean,std,")) {
                found.add("report.csv");
            }
        } catch (IOException e) {
            throw new TdmpcException("cannot read --out " + dir + ": " + IoErrors.describe(e) + "; check its "
                    + "permissions, or choose another --out", e);
        }
        if (!found.isEmpty()) {
            throw new TdmpcException("--out " + dir + " is not a bench's folder: it holds " + String.join(", ", found)
                    + ", which a bench did not write" + (found.contains("report.md") || found.contains("report.csv")
                    ? " and would replace" : " (a training run's or a dataset's), among which it would write its "
                    + "runs and report") + "; choose another --out (a new folder, or an earlier bench's to go on "
                    + "with its runs). Nothing was written");
        }
    }

    private static String firstLine(Path file) throws IOException {
        try (var r = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            String line = r.readLine();
            return line == null ? "" : line;
        } catch (java.nio.charset.CharacterCodingException e) {
            return ""; // not text bench wrote
        }
    }

    /** Writes the report of the runs into {@code dir} and prints it. */
    private int report(List<TaskSpec> specs, Map<String, SeedRun> runs, Path dir, PrintWriter console) {
        List<Row> rows = new ArrayList<>();
        for (TaskSpec task : specs) {
            List<Double> scores = new ArrayList<>();
            List<Double> randoms = new ArrayList<>();
            Map<String, List<CurvePlot.Point>> curves = new LinkedHashMap<>();
            boolean success = false;
            for (int s = 1; s <= seeds; s++) {
                SeedRun r = runs.get(task.id() + "#" + s);
                success = r.success();
                scores.add(r.score());
                randoms.add(r.random());
                curves.put(agent + " seed " + s, r.curve());
            }
            // the paper's logs count environment steps: set beside a run at the same, in the run's agent steps
            int repeat = task.actionRepeat();
            List<CurvePlot.Point> published = new ArrayList<>();
            for (PublishedResults.Point p : PublishedResults.curve(task.id(), repeat)) {
                if (p.step() <= steps) {
                    published.add(new CurvePlot.Point(p.step(), normalize(task.id(), p.mean(), p.metric().equals("success"))));
                }
            }
            if (!published.isEmpty()) {
                curves.put("TD-MPC2 (published)", published);
            }
            CurvePlot.write(dir.resolve("curves").resolve(task.id().replace('/', '_') + ".png"), task.id(),
                    "agent steps", "normalised score", curves);
            double mean = scores.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double var = scores.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / Math.max(1, scores.size() - 1);
            var pub = PublishedResults.at(task.id(), repeat, steps);
            rows.add(new Row(task.id(), domainName(task.domain()), success ? "success" : "return", mean,
                    scores.size() > 1 ? Math.sqrt(var) : 0, normalize(task.id(), mean, success), scores.size(),
                    randoms.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), pub.map(PublishedResults.Point::mean).orElse(null), pub.map(PublishedResults.Point::step).orElse(null),
                    pub.map(p -> normalize(task.id(), p.mean(), p.metric().equals("success"))).orElse(null),
                    pub.isPresent() ? null : PublishedResults.firstTrained(task.id(), repeat).map(PublishedResults.Point::step)
                            .orElse(null)));
        }
        writeReports(dir, about(), rows);
        writeBenchSettings(dir);
        console.print(markdown(rows));
        console.printf("report: %s%n", dir.resolve("report.md"));
        console.flush();
        return 0;
    }

    /**
     * What a signal stops: in this process the run in progress, before its next step, and every run after it,
     * before it starts; on a cluster the job ({@link UnitRunner.Stop}), whose runs stop so on the executors.
     */
    static final class Stop {
        private final UnitRunner.Stop cluster = new UnitRunner.Stop(); // whether a stop was asked, too
        private volatile OnlineRun current;
        private volatile StopSignals signals;

        void request() {
            cluster.request();
            OnlineRun run = current;
            if (run != null) {
                run.requestStop();
            }
        }

        /** {@code run} starts (null: it ended); a signal before it stops it before it trains. */
        private void running(OnlineRun run) {
            current = run;
            if (run != null && cluster.requested()) {
                run.requestStop();
            }
        }
    }

    // ---- the units of a benchmark: one training run per (task, seed), in this process or on a Spark cluster

    /**
     * One run's outcome: its final score, its normalised evaluation curve, the random policy's normalised score;
     * {@link #STOPPED} for a run a signal stopped.
     */
    record SeedRun(boolean success, double score, List<CurvePlot.Point> curve, double random) implements Serializable {
        static final SeedRun STOPPED = new SeedRun(false, Double.NaN, List.of(), Double.NaN);
    }

    /** A unit: seed {@code seed} of task {@code task}. */
    record Unit(String task, int seed) implements Serializable {
        @Override
        public String toString() { // as the cluster's messages name it
            return task + " seed " + seed;
        }
    }

    /** The runs' settings, as they travel to executors. */
    record Settings(String agent, long steps, Long evalEvery, long evalEpisodes, String preset, String device,
            List<String> params, String dir, java.time.Duration runFolderWait) implements Serializable {
        Settings {
            params = params == null ? null : new ArrayList<>(params);
        }

        /** The settings of seed {@code seed}'s run of {@code task} on {@code device}. */
        RunConfig config(TaskSpec task, int seed, String device) {
            return new RunConfig(Map.of()).set("steps", steps).set("seed", seed).set("agent", agent)
                    .set("eval_freq", evalEvery != null ? evalEvery : Math.max(1, steps / 10))
                    .set("eval_episodes", evalEpisodes).set("preset", preset).set("device", device).pairs(params)
                    .set("task", task.id());
        }
    }

    /**
     * Refuses, before the first run trains, settings that one of the runs could not finish: the agent's checks of
     * each task's sizes and episode length, and (in this process) of the memory a run fills
     * ({@link RunConfig#checkRun}). From the tasks' specs alone, no env made; each run checks again as it starts
     * (on a cluster the executors' heaps decide). A run would otherwise fail when its task is reached, after the
     * tasks before it trained.
     */
    private void checkEveryRun(List<TaskSpec> specs) {
        io.github.tdmpc2j.spi.agent.AgentProvider provider = io.github.tdmpc2j.spi.agent.Agents.find(agent);
        Settings settings = new Settings(agent, steps, evalEvery, evalEpisodes, preset, device, params, "",
                ClusterSettings.RUN_FOLDER_WAIT_DEFAULT);
        // local[K]: K runs at once in this JVM, each with its share of the heap; other masters: an executor's
        // heap (spark.executor.memory), shared by the runs it takes at once
        ClusterSettings clusterSettings = clusterSettings();
        int atOnce = (int) Math.min(clusterSettings.unitsAtOnceHere(), (long) specs.size() * seeds);
        long heap = atOnce == 0 ? clusterSettings.executorHeapPerUnit() : Runtime.getRuntime().maxMemory() / atOnce;
        for (TaskSpec task : specs) {
            RunConfig cfg = settings.config(task, 1, device);
            try {
                cfg.checkRun(provider, io.github.tdmpc2j.spi.TaskSpace.of(List.of(task)), 1,
                        OnlineRun.rows(cfg, 1), heap);
            } catch (TdmpcException e) {
                throw new TdmpcException(task.id() + ": " + e.getMessage() + (atOnce > 1 ? " (--master "
                        + clusterSettings().master() + " runs " + atOnce + " of this bench's runs at once in this "
                        + "JVM, each in 1/" + atOnce + " of its heap: the heap above is that share, and an -Xmx "
                        + "named above is one run's; give " + atOnce + " times it, or fewer runs at once with a "
                        + "smaller local[K])" : "") + (atOnce == 0 ? executorHeapNote(clusterSettings) : "")
                        + " (no run of this bench has started)", e);
            }
        }
    }

    /**
     * Where the runs train: on a {@code spark://} master, in executors of one run each unless spark.executor.cores
     * is given ({@link ClusterSettings#withExecutorPerUnit}).
     */
    private ClusterSettings clusterSettings() {
        return cluster.settings().withExecutorPerUnit();
    }

    /**
     * What a heap refusal's advice means where the runs train in executors: their heap is spark.executor.memory, and
     * the JVM options named are this process's, which runs none.
     */
    private static String executorHeapNote(ClusterSettings settings) {
        int share = settings.unitsPerExecutor();
        return " (--master " + settings.master() + ": each run trains in an executor whose heap is spark.executor."
                + "memory=" + settings.sparkConf().getOrDefault("spark.executor.memory", "1g (Spark's default)")
                + (share > 1 ? ", shared by the " + share + " runs it takes at once (spark.executor.cores / "
                        + "spark.task.cpus): the heap above is one run's share" : "")
                + "; TDMPC2J_JAVA_OPTS does not reach it: give --spark-conf spark.executor.memory of " + (share > 1
                        ? share + " times the -Xmx named above" : "the -Xmx named above")
                + ", within what each worker offers (cluster worker --memory))";
    }

    /**
     * Refuses, before any run trains, the runs an earlier bench left in {@code dir} (those with a checkpoint, which
     * this bench goes on from) that it could not go on from as asked, or would report as what they are not: a run of
     * another agent, a run past {@code --steps} (each was refused as its turn came, after the runs before it had
     * trained), and a run whose evaluations are of another number of episodes (a run that had ended was reported
     * with its last evaluation of the earlier count under this bench's, beside a random policy evaluated on this
     * bench's count: not the same episodes). Read from each run's {@code config.yaml} and its checkpoint's manifest,
     * with the bench's lock held; each run checks again as it starts.
     */
    private void checkEarlierRuns(List<TaskSpec> specs, Path dir) {
        // what to give -> the first run that needs it, why, and how many do
        Map<String, String[]> found = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        long mostSteps = 0;
        // the agent's settings this bench names (a run goes on with them, over its checkpoint's): a run trained with
        // others would go on with these, under a report that names only these (lr=1e-3 for 600 steps, then 3e-4);
        // the device is where it runs, which a run may change
        io.github.tdmpc2j.spi.agent.AgentProvider provider = io.github.tdmpc2j.spi.agent.Agents.find(agent);
        Map<String, String> given = benchSettings();
        given.keySet().removeAll(List.of("agent", "eval_episodes", "envs")); // checked apart, or the trainer's
        for (TaskSpec task : specs) {
            for (int s = 1; s <= seeds; s++) {
                Path runDir = dir.resolve("runs").resolve(task.id()).resolve("seed-" + s);
                Path checkpoint = runDir.resolve(io.github.tdmpc2j.spi.agent.CheckpointFolder.IN_RUN);
                if (!io.github.tdmpc2j.spi.agent.CheckpointFolder.exists(checkpoint)) {
                    continue; // none to go on from: the run starts over
                }
                Map<String, String> saved;
                try {
                    saved = new RunFolder(runDir).savedTrainerSettings();
                } catch (TdmpcException e) {
                    saved = Map.of(); // a damaged config.yaml: the run says so as it starts
                }
                String trainedWith = saved.get("agent");
                if (trainedWith != null && !trainedWith.equals(agent)) {
                    String fix = "--agent " + trainedWith;
                    found.putIfAbsent(fix, new String[] {runDir.toString(), "was trained with the agent '"
                            + trainedWith + "', not '" + agent + "'"});
                    counts.merge(fix, 1, Integer::sum);
                }
                String episodes = saved.get("eval_episodes") == null ? null : saved.get("eval_episodes").strip();
                if (episodes != null && !episodes.equals(Long.toString(evalEpisodes))) {
                    String fix = "--eval-episodes " + episodes;
                    found.putIfAbsent(fix, new String[] {runDir.toString(), "evaluates " + (episodes.matches("\\d{1,9}")
                            ? Messages.plural(Long.parseLong(episodes), "episode") : episodes + " episodes")
                            + ", not " + evalEpisodes});
                    counts.merge(fix, 1, Integer::sum);
                }
                Map<String, String> recorded; // the agent's settings its checkpoint records
                try {
                    recorded = provider.checkpointParams(checkpoint);
                } catch (RuntimeException e) {
                    recorded = Map.of(); // unreadable: the run says so as it starts
                }
                for (Map.Entry<String, String> g : given.entrySet()) {
                    String was = recorded.get(g.getKey());
                    if (was != null && !RunConfig.sameValue(was, g.getValue())) {
                        String fix = (g.getKey().equals("preset") ? "--preset " : "--set-param " + g.getKey() + "=")
                                + was;
                        found.putIfAbsent(fix, new String[] {runDir.toString(), "was trained with " + g.getKey() + "="
                                + was + ", not " + g.getValue()});
                        counts.merge(fix, 1, Integer::sum);
                    }
                }
                long at = io.github.tdmpc2j.spi.agent.CheckpointFolder.savedStep(checkpoint).orElse(0);
                if (at > steps) {
                    mostSteps = Math.max(mostSteps, at);
                    found.putIfAbsent("steps", new String[] {runDir.toString(), "is at step " + at + " (its "
                            + "checkpoint), past --steps " + steps});
                    counts.merge("steps", 1, Integer::sum);
                }
            }
        }
        if (found.isEmpty()) {
            return;
        }
        List<String> said = new ArrayList<>();
        for (Map.Entry<String, String[]> e : found.entrySet()) {
            int more = counts.get(e.getKey()) - 1;
            said.add("the run in " + e.getValue()[0] + " " + e.getValue()[1] + (more > 0 ? " (and " + more + " more "
                    + (more == 1 ? "run" : "runs") + ")" : "") + ": give " + (e.getKey().equals("steps")
                    ? "--steps " + mostSteps + " or more" : e.getKey()));
        }
        throw new TdmpcException("--out " + dir + " holds runs of an earlier bench that this one would go on from, "
                + "and they do not fit its settings: " + String.join("; ", said) + ". Or choose another --out for a "
                + "bench of these settings (no run has started; the runs in " + dir + " are kept)");
    }

    /** Where a bench records the settings it ran its runs with, which a bench of the same folder keeps. */
    static final String SETTINGS_FILE = "bench.yaml";

    /**
     * The settings of this bench that its runs' results depend on, other than steps and seeds: the agent, the
     * evaluation's episodes, the preset and the agent's settings given (its device aside: where a run goes on).
     */
    private Map<String, String> benchSettings() {
        Map<String, String> now = new LinkedHashMap<>();
        now.put("agent", agent);
        now.put("eval_episodes", Long.toString(evalEpisodes));
        if (preset != null) {
            now.put("preset", preset);
        }
        RunConfig given = new RunConfig(Map.of()).pairs(params);
        now.putAll(given.agentParams());
        now.remove("device");
        if (given.all().containsKey("envs")) { // a trainer setting, but it decides the runs' evaluation episodes
            now.put("envs", given.all().get("envs"));
        }
        return now;
    }

    /**
     * Refuses, before any run trains, a bench of other settings ({@link #benchSettings}) than the one that ran the
     * runs in {@code dir} (its {@link #SETTINGS_FILE}): its runs would go on with the agent settings their
     * checkpoints record where this bench gives none (an earlier bench's --set-param mpc=false left out: its runs
     * went on with mpc=false, the runs it started with the default, under one report that named neither), with
     * this bench's where it gives them. {@link #checkEarlierRuns} checks each run, also in a folder of a version that
     * wrote no such file.
     */
    private void checkBenchSettings(Path dir) {
        Path file = dir.resolve(SETTINGS_FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        Map<String, String> was = new java.util.TreeMap<>(new RunConfig(Map.of()).file(file).all()); // in key order
        Map<String, String> now = benchSettings();
        List<String> differ = new ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(was.keySet());
        keys.addAll(now.keySet());
        for (String key : keys) {
            String a = was.get(key);
            String b = now.get(key);
            if (a == null || b == null || !RunConfig.sameValue(a, b)) {
                differ.add(key + " " + (a == null ? "not given" : a) + ", now " + (b == null ? "not given" : b));
            }
        }
        if (differ.isEmpty()) {
            return;
        }
        StringBuilder options = new StringBuilder("--agent " + was.get("agent") + " --eval-episodes "
                + was.get("eval_episodes"));
        if (was.containsKey("preset")) {
            options.append(" --preset ").append(was.get("preset"));
        }
        was.forEach((k, v) -> {
            if (!List.of("agent", "eval_episodes", "preset").contains(k)) {
                options.append(" --set-param ").append(k).append('=').append(v);
            }
        });
        throw new TdmpcException("--out " + dir + " holds the runs of a bench of other settings (its " + SETTINGS_FILE
                + "): " + String.join("; ", differ) + ". Its runs would go on with a mix of both; give the earlier "
                + "bench's settings (" + options + ") to go on with them, or choose another --out for a bench of "
                + "these (no run has started; the runs in " + dir + " are kept)");
    }

    /** Records this bench's settings in {@code dir}, for {@link #checkBenchSettings} of the next bench there. */
    private void writeBenchSettings(Path dir) {
        new RunConfig(benchSettings()).write(dir.resolve(SETTINGS_FILE), "the settings this bench ran its runs "
                + "with, which a bench of this folder keeps (its --steps, --seeds and tasks aside)");
    }

    /**
     * Runs every (task, seed) unit, each printed as it ends; the results by "TASK#SEED". {@code check} checks the
     * units' tasks before the first runs (null: checked already).
     */
    private Map<String, SeedRun> runAll(EnvRegistry registry, List<TaskSpec> specs, TaskCheck<Unit> check, Path dir,
            PrintWriter console, PrintWriter warnings, Runnable ready, Stop stop) {
        List<Unit> units = new ArrayList<>();
        for (TaskSpec task : specs) {
            for (int s = 1; s <= seeds; s++) {
                units.add(new Unit(task.id(), s));
            }
        }
        ClusterSettings where = clusterSettings();
        Settings settings = new Settings(agent, steps, evalEvery, evalEpisodes, preset, device, params,
                dir.toAbsolutePath().toString(),
                where.duration(ClusterSettings.RUN_FOLDER_WAIT, ClusterSettings.RUN_FOLDER_WAIT_DEFAULT));
        Map<String, SeedRun> runs = new java.util.HashMap<>();
        UnitRunner.run(where, "bench", units, check, ready,
                new OneRun(settings, registry, warnings, stop), (i, unit, r) -> {
            runs.put(unit.task() + "#" + unit.seed(), r);
            if (r == SeedRun.STOPPED) {
                return;
            }
            console.printf(Locale.ROOT, "%-36s seed %d: %s %.3f%n", unit.task(), unit.seed(),
                    r.success() ? "success rate" : "return", r.score());
            console.flush();
        }, stop.cluster);
        return runs;
    }

    /**
     * One training run into {@code DIR/runs/TASK/seed-S}. A run that left a checkpoint there goes on from it (a unit
     * Spark retries because its executor died; the same bench run again, or with more steps); one that left none
     * starts over.
     */
    static final class OneRun implements UnitFunction<Unit, SeedRun> {
        private static final long serialVersionUID = 1L;
        private final Settings settings;
        private final transient EnvRegistry local; // in this process: the command's registry
        // in this process: the command's stderr, for the runs' warnings (their console is a quiet log); on an
        // executor its own stderr
        private final transient PrintWriter warnings;
        private final transient Stop stop; // in this process: what a signal stops

        OneRun(Settings settings, EnvRegistry local, PrintWriter warnings, Stop stop) {
            this.settings = settings;
            this.local = local;
            this.warnings = warnings;
            this.stop = stop;
        }

        @Override
        public SeedRun run(Unit unit) {
            if (local == null) {
                return runUnit(unit); // on an executor: the cluster's failure names the unit and the runs kept
            }
            try {
                return runUnit(unit);
            } catch (TdmpcException e) {
                // in this process a failed run ends the bench: the run's own message said nothing of the bench (the
                // failure keeps its type: a checkpoint's, a plug-in's)
                throw e.addHint(unit + ": the bench stopped at this run and wrote no report; the runs that ended keep "
                        + "their checkpoints in " + Path.of(settings.dir()).resolve("runs") + ", and the same bench "
                        + "command goes on from them");
            }
        }

        private SeedRun runUnit(Unit unit) {
            if (stop != null && stop.cluster.requested()) {
                return SeedRun.STOPPED; // a run after the one a signal stopped: its folder untouched
            }
            EnvRegistry registry = local != null ? local : ExecutorCache.get().registry();
            TaskSpec task = registry.resolve(unit.task());
            int s = unit.seed();
            String device = settings.device();
            String gpu = UnitRunner.assignedGpu();
            RunConfig cfg = settings.config(task, s, gpu != null ? gpu : device);
            int envs = OnlineRun.rows(cfg, 1);
            Path runDir = Path.of(settings.dir()).resolve("runs").resolve(task.id()).resolve("seed-" + s);
            StringWriter log = new StringWriter();
            OnlineRun.Result r;
            List<Evaluation.TaskResult> random;
            // the folder's one writer from before its leftovers are tidied: in this process the bench's own lock on
            // --out keeps other benches away, so a held folder is another writer's (train --resume), refused; on an
            // executor it is an earlier attempt of this unit that still runs, which this attempt waits for
            try (RunLock lock = local != null ? new RunFolder(runDir).lock(RunLock.Holder.BENCH)
                        : awaitEarlierAttempt(runDir, settings.runFolderWait());
                    PrintWriter quiet = new PrintWriter(log)) {
                try {
                    boolean resume = RunFolder.resumeOrStartOver(runDir);
                    RunFolder run = resume ? RunFolder.resume(runDir, task.id(), s)
                            : RunFolder.create(runDir, task.id(), s);
                    OnlineRun online = new OnlineRun(registry, List.of(task), task.id(), cfg, envs, run, resume,
                            quiet, warnings != null ? warnings : new PrintWriter(System.err, true), false);
                    if (stop != null) {
                        stop.running(online.stoppedBy(stop.signals));
                    }
                    // on an executor: the bench's job stopped (its Ctrl-C) stops the run before its next step
                    try (UnitRunner.StopWatch cancelled = UnitRunner.onStop(online::requestStop)) {
                        r = online.run();
                    } finally {
                        if (stop != null) {
                            stop.running(null);
                        }
                    }
                    if (r.stopStatus() != 0 || UnitRunner.stopRequested()) {
                        return SeedRun.STOPPED; // a stopped unit's result is not used
                    }
                    // a run that had ended evaluates nothing: its random baseline is made again, the same episodes
                    random = r.random().isEmpty() ? online.randomBaseline() : r.random();
                } catch (RuntimeException | Error e) {
                    lock.failed(); // as train's: a refused run leaves its folder as it was, no run.lock it had not
                    throw e;
                }
            }
            // scored as its plug-in lists it: a task of SuccessMetric.RETURN whose steps also say "success" (a
            // plug-in's own flag, shown by eval) is scored by its return, as its normalised score and the paper
            // compare it; one listed by success whose steps give no flag (tasks check fails it) by its return too
            boolean success = task.successMetric() == SuccessMetric.SUCCESS && r.finalSuccess() != null;
            double score = success ? r.finalSuccess() : r.finalReturn();
            Evaluation.TaskResult baseline = random.get(0);
            double randomScore = success ? baseline.successRate() : baseline.meanReturn();
            List<CurvePlot.Point> curve = new ArrayList<>();
            for (int i = 0; i < r.evaluations().size(); i++) {
                double y = success ? r.successRates().get(i) : r.evaluations().get(i).y();
                curve.add(new CurvePlot.Point(r.evaluations().get(i).x(), normalize(task.id(), y, success)));
            }
            return new SeedRun(success, score, curve, normalize(task.id(), randomScore, success));
        }
    }

    /** How often a unit on an executor tries again for a run folder an earlier attempt of it holds. */
    static final long ATTEMPT_POLL_MS = 1000;

    /**
     * The run folder's lock, once an earlier attempt of the unit has let go of it. Spark runs a unit again while
     * its first attempt may still run: a speculative copy, or a retry after its executor was thought lost (missed
     * heartbeats) and not yet killed. Refusing the folder then failed the bench with "not retried: the same input
     * fails the same way" (and a speculative copy's quick refusal counted as the unit's result, so Spark killed
     * the attempt that was training). Waiting instead: Spark kills this copy when the first attempt's result
     * arrives; else the first attempt ends (killed, or done) and this one goes on from its checkpoint. It waits at
     * most {@code limit} ({@code spark.tdmpc2j.runFolderWaitTimeout}): a holder that does not end (an executor cut
     * off from the cluster that goes on training, a {@code train --resume} someone started there) then fails the
     * unit, naming the folder and what to do, rather than holding its task slot for ever.
     */
    static RunLock awaitEarlierAttempt(Path runDir, java.time.Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        boolean said = false;
        while (true) {
            try {
                return new RunFolder(runDir).lock(RunLock.Holder.BENCH);
            } catch (RunLock.BusyException e) {
                if (System.nanoTime() - deadline >= 0) {
                    String holder = e.getMessage().contains(" (it holds")
                            ? e.getMessage().substring(0, e.getMessage().indexOf(" (it holds")) : e.getMessage();
                    throw new TdmpcException("this bench unit, run again, waited " + limit.toSeconds() + " s for its "
                            + "run folder " + runDir + " and it is still held: " + holder + ". Stop that process (on "
                            + "the node that runs it: an earlier attempt of the unit on an executor cut off from the "
                            + "cluster, or a train --resume started there) or let it end, then run the same bench "
                            + "again: finished runs are kept. To wait longer, --spark-conf "
                            + ClusterSettings.RUN_FOLDER_WAIT + "=1h");
                }
                if (!said) {
                    LOG.warn("{}: held by an earlier attempt of this unit; waiting up to {} s for it to end ({})",
                            runDir, limit.toSeconds(), e.getMessage());
                    said = true;
                }
                try {
                    Thread.sleep(ATTEMPT_POLL_MS);
                } catch (InterruptedException interrupted) { // Spark killed this attempt
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("the attempt waiting for " + runDir + " was stopped", interrupted);
                }
            }
        }
    }

    /** The paper's scale: DMControl returns / 10 (0 to 100), success rates x 100; other domains unchanged. */
    static double normalize(String id, double value, boolean success) {
        if (success) {
            return 100 * value;
        }
        String domain = id.substring(0, id.indexOf('/'));
        return domain.equals("dmc") || domain.equals("dmc-python") ? value / 10 : value;
    }

    static String domainName(String domain) {
        return switch (domain) {
            case "dmc", "dmc-python" -> "DMControl";
            case "metaworld" -> "Meta-World";
            case "myosuite" -> "MyoSuite";
            case "maniskill" -> "ManiSkill";
            default -> domain;
        };
    }

    static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| task | domain | seeds | score | normalised | random policy, normalised | TD-MPC2 published (step) |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            // fixed-point, not %g: a return of -1054.9 printed as -1.05e+03
            String score = r.metric().equals("success")
                    ? String.format(Locale.ROOT, "%.2f ± %.2f success rate", r.mean(), r.std())
                    : String.format(Locale.ROOT, "%.1f ± %.1f return", r.mean(), r.std());
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %.1f | %.1f | %s |%n", r.task(),
                    r.domain(), r.seeds(), score, r.normalized(), r.randomNormalized(),
                    r.publishedNormalized() != null
                            ? String.format(Locale.ROOT, "%.1f (%d)", r.publishedNormalized(), r.publishedStep())
                            // a run shorter than the paper's first step after 0: nothing to set beside it
                            : r.publishedFirst() != null ? "- (first at step " + r.publishedFirst() + ")" : "-"));
        }
        Map<String, List<Row>> byDomain = new LinkedHashMap<>();
        rows.forEach(r -> byDomain.computeIfAbsent(r.domain(), k -> new ArrayList<>()).add(r));
        sb.append("\n| domain | tasks | mean normalised score | TD-MPC2 published mean (same tasks) |\n");
        sb.append("|---|---:|---:|---:|\n");
        byDomain.forEach((d, list) -> {
            double ours = list.stream().mapToDouble(Row::normalized).average().orElse(Double.NaN);
            List<Row> withPub = list.stream().filter(r -> r.publishedNormalized() != null).toList();
            String pub = withPub.size() == list.size()
                    ? String.format(Locale.ROOT, "%.1f", withPub.stream().mapToDouble(Row::publishedNormalized).average().orElse(Double.NaN))
                    : "-";
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %s |%n", d, list.size(), ours, pub));
        });
        // the paper's 0-100 scale covers DMControl's returns and success rates: other returns (a plug-in's, say)
        // stand as they are, and a per-domain mean of them beside the others read as if on the same scale
        List<String> unscaled = rows.stream().filter(r -> r.metric().equals("return")
                && !r.domain().equals(domainName("dmc"))).map(Row::domain).distinct().toList();
        if (!unscaled.isEmpty()) {
            sb.append("\n").append(String.join(", ", unscaled)).append(": returns normalised as they are (the paper's "
                    + "0-100 scale is DMControl's returns / 10 and success rates x 100, and has none for "
                    + (unscaled.size() == 1 ? "this domain's returns" : "these domains' returns") + "): compare "
                    + "them within their domain, not with the other domains' scores.\n");
        }
        if (byDomain.containsKey(domainName("maniskill"))) {
            sb.append("\nManiSkill: the paper's numbers are of its tasks on ManiSkill2 (0.4.1); ours are those tasks "
                    + "rebuilt on ManiSkill 3, another simulator version (tasks/maniskill/README.md says what "
                    + "differs): compare the success rates with that in mind.\n");
        }
        return sb.toString();
    }

    /** What the report compares: the agent and its settings, the runs, the score, the published column. */
    String about() {
        List<String> settings = new ArrayList<>();
        if (preset != null) {
            settings.add("preset=" + preset);
        }
        if (params != null) {
            settings.addAll(params);
        }
        return String.format(Locale.ROOT, "Agent `%s`%s, %s per run, %s per task. A score is a "
                + "run's last evaluation (%s; a success rate counts the episodes whose last step has the task's "
                + "success flag, as the paper's do), the mean ± standard deviation over seeds. Random policy: the "
                + "same evaluation of uniformly random actions, at each run's start, mean over seeds. TD-MPC2 published: "
                + "the paper's TD-MPC2 result (the mean over the authors' 3 seeds, fewer at a few of their last steps, "
                + "of evaluations of 10 episodes each) at the largest step it logged up to %d (that step in parentheses); "
                + "none where its first step after 0 is beyond %d (its step-0 result is its agent before any "
                + "training; its first step in parentheses). Its steps here are agent steps, as ours: its logs count "
                + "environment steps, agent steps x the task's action repeat (2 for DMControl, Meta-World and "
                + "ManiSkill, 1 for MyoSuite), so a run is set beside the paper at the same environment steps.%n",
                agent, settings.isEmpty() ? "" : " (" + String.join(", ", settings) + ")",
                Messages.plural(steps, "agent step"), Messages.plural(seeds, "seed"),
                Messages.plural(evalEpisodes, "episode"), steps, steps);
    }

    private static void writeReports(Path dir, String about, List<Row> rows) {
        try {
            Files.createDirectories(dir);
            // each report whole, replacing the one a previous bench of this folder wrote (report.csv was appended
            // to: a bench run again held the rows of every time it ran)
            AtomicWrites.writeString(dir.resolve("report.md"), REPORT_TITLE + "\n\n" + about + "\n"
                    + markdown(rows));
            AtomicWrites.replace(dir.resolve("report.csv"), file -> {
                try (CsvLog csv = new CsvLog(file, CSV_COLUMNS)) {
                    for (Row r : rows) {
                        csv.row(r.task(), r.domain(), r.metric(), r.mean(), r.std(), r.normalized(), r.seeds(),
                                r.randomNormalized(), r.published() == null ? "" : r.published(),
                                r.publishedStep() == null ? "" : r.publishedStep(),
                                r.publishedNormalized() == null ? "" : r.publishedNormalized());
                    }
                }
            });
        } catch (IOException e) {
            throw new TdmpcException("cannot write the report in " + dir + ": " + IoErrors.describe(e), e);
        }
    }
}
