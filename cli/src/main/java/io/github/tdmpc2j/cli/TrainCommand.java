package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j train}: online single-task training, or offline multitask training on a dataset. */
@Command(name = "train", description = {
        "Train an agent online on one task or many (--task, --tasks, --set), or offline on a dataset (--data).",
        "Online: --task ID, --tasks ID,... or --set NAME (native and bridge tasks in one run), --envs N envs stepped "
                + "at once. Offline: --data DIR [--set NAME] (a multitask agent learning from a dataset made by "
                + "`tdmpc2j collect`, evaluated per task). Writes config.yaml, train.csv, eval.csv, curve.png and "
                + "checkpoint/ into the run folder (default runs/TASK/SEED/TIMESTAMP)."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--task", paramLabel = "ID", description = "online training on this task")
    String task;

    @Option(names = "--tasks", paramLabel = "ID,...",
            description = "online multitask training on these tasks (comma-separated)")
    List<String> tasks;

    @Option(names = "--set", paramLabel = "NAME",
            description = "online: multitask training on this task set (mt30, dmc19, ...); offline "
            + "(with --data): the task set the dataset must hold (default: the dataset's own tasks)")
    String set;

    @Option(names = "--envs", paramLabel = "N",
            description = "online: envs stepped at once, spread over the tasks, the agent acting "
            + "on all of them in one batch (default one per task, and a smaller N is raised to that; at most "
            + OnlineRun.MAX_ENVS + ")")
    Integer envs;

    @Option(names = "--data", paramLabel = "DIR", description = "dataset folder for offline training")
    Path data;

    @Option(names = "--steps", paramLabel = "N",
            description = "agent steps (online: the run ends at exactly N, mid-episode if need "
            + "be) or updates (offline); default 100000")
    Long steps;

    @Option(names = "--preset", paramLabel = "paper|cpu",
            description = "paper (the reference's settings, for GPUs; the default) or cpu")
    String preset;

    @Option(names = "--model-size", paramLabel = "1|5|19|48|317",
            description = "1, 5, 19, 48 or 317 (millions of parameters)")
    Integer modelSize;

    @Option(names = "--seed", paramLabel = "S", description = "seed (default 1)")
    Long seed;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu",
            description = "auto, cpu or gpu (default: the preset's, auto for paper and cpu for "
            + "cpu)")
    String device;

    @Option(names = "--agent", paramLabel = "NAME",
            description = "agent plug-in (default tdmpc2; `tdmpc2j agents` lists them)")
    String agent;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of settings (reference names)")
    Path config;

    @Option(names = "--set-param", paramLabel = "k=v", description = "key=value, repeatable; wins over everything else")
    List<String> params;

    @Option(names = "--eval-every", paramLabel = "N",
            description = "evaluate (and checkpoint) at the first episode end after every N "
            + "steps; default 10000")
    Long evalEvery;

    @Option(names = "--eval-episodes", paramLabel = "N", description = "episodes per evaluation; default 3")
    Long evalEpisodes;

    @Option(names = "--time-limit", paramLabel = "MIN",
            description = "online: stop after this many minutes of wall time (at the end of "
            + "an episode, with a last evaluation and checkpoint); --steps still caps the run")
    Double timeLimit;

    @Option(names = "--out", paramLabel = "DIR", description = "run folder (a new run refuses one that holds a run)")
    Path out;

    @Option(names = "--resume", description = "continue the run in --out (or the newest run of the task and seed) "
            + "with its own tasks, seed and settings; options given change only what they name")
    boolean resume;

    @Option(names = "--progress", paramLabel = "auto|bar|log",
            description = "auto, bar or log (default auto: a bar on a terminal)")
    String progress = "auto";

    /** The trainer's defaults, under every other layer of a run's settings. */
    static final Map<String, String> DEFAULTS = Map.of("steps", "100000", "eval_freq", "10000", "eval_episodes", "3",
            "seed", "1", "agent", "tdmpc2");

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        // what this command names (a resumed run takes everything else from its own config.yaml)
        RunConfig given = new RunConfig(Map.of())
                .file(config)
                .set("steps", steps).set("preset", preset).set("model_size", modelSize).set("seed", seed)
                .set("device", device).set("agent", agent).set("eval_freq", evalEvery)
                .set("eval_episodes", evalEpisodes).set("time_limit", timeLimit).set("envs", envs)
                .pairs(params);
        // a run's config.yaml given as --config (or --set-param) names its tasks as the options do; options naming
        // tasks win, and the file's task keys are never recorded beside theirs
        String recordedSet = null;
        if (data == null && task == null && tasks == null && set == null) {
            if (given.has("data")) { // an offline run's: its dataset, and the set it was named with
                data = recordedDataset(given.get("data"), "the file " + config);
                set = given.has("set") ? given.get("set") : null;
            } else if (given.has("task")) {
                task = given.get("task");
            } else if (given.has("tasks")) {
                tasks = List.of(given.get("tasks")); // a comma-separated list, as --tasks
                recordedSet = given.has("set") ? given.get("set") : null;
            } else if (given.has("set")) {
                set = given.get("set");
            }
        }
        given.remove("task", "tasks", "set", "data");
        if (data == null && task == null && tasks == null && resume && out != null) {
            // an offline run resumed without --data: the dataset its config.yaml records (with its --set given
            // again or not: the resume's check of the settings refuses another)
            Map<String, String> saved = recordedOfflineRun(out);
            if (saved.containsKey("data")) {
                data = recordedDataset(saved.get("data"), "the config.yaml of the run in " + out);
                set = set != null ? set : saved.get("set");
            }
        }
        int online = (task != null ? 1 : 0) + (tasks != null ? 1 : 0) + (set != null && data == null ? 1 : 0);
        if (online > 1 || (data != null && (task != null || tasks != null))) {
            throw new TdmpcException("choose one of --task ID, --tasks ID,... or --set NAME (online), or --data DIR "
                    + "[--set NAME] (offline)");
        }
        if (online == 0 && data == null && !(resume && out != null)) {
            throw new TdmpcException("choose --task ID, --tasks ID,... or --set NAME (online), or --data DIR "
                    + "[--set NAME] (offline)");
        }
        try (EnvRegistry registry = EnvRegistry.discover()) {
            if (data == null) {
                return online(registry, given, recordedSet, console);
            }
            Map<String, String> saved = Map.of();
            if (resume && out != null) {
                RunFolder run = RunFolder.resume(out, null, 0);
                saved = run.savedTrainerSettings();
                keepRunSettings(registry, run, saved, given, null);
            }
            RunConfig cfg = layered(saved, given);
            return OfflineTraining.run(registry, cfg, set, data, out, resume, console,
                    spec.commandLine().getErr(), terminal());
        }
    }

    /**
     * The trainer settings of the run in {@code dir}, read to find the dataset an offline run learnt from; empty
     * where they cannot be read (the online resume's own reading then says why).
     */
    private static Map<String, String> recordedOfflineRun(Path dir) {
        try {
            return RunFolder.resume(dir, null, 0).savedTrainerSettings();
        } catch (TdmpcException e) {
            return Map.of();
        }
    }

    /** The dataset {@code where} records, refused where it is gone (moved, say) with how to name it. */
    private static Path recordedDataset(String folder, String where) {
        Path dataset = Path.of(folder);
        if (!Files.isDirectory(dataset)) {
            throw new TdmpcException("the dataset " + dataset + " that " + where + " records is not there (moved or "
                    + "removed): name its folder with --data DIR; nothing was written");
        }
        return dataset;
    }

    private boolean terminal() {
        return switch (progress) {
            case "bar" -> true;
            case "log" -> false;
            case "auto" -> System.console() != null;
            default -> throw new TdmpcException("--progress takes auto, bar or log, got " + progress);
        };
    }

    /** @param recordedSet the set a --config file's {@code tasks} were recorded with (the run's name), or null */
    private int online(EnvRegistry registry, RunConfig given, String recordedSet, PrintWriter console) {
        // --resume --out DIR: the run's own tasks and settings, from its config.yaml
        RunFolder run = resume && out != null ? RunFolder.resume(out, null, 0) : null;
        if (run != null) {
            run.refuseOtherKind(false); // before its recorded task is taken for an id
        }
        Map<String, String> saved = run != null ? run.savedTrainerSettings() : Map.of();
        String oneTask = task;
        List<String> taskList = tasks;
        String taskSet = set != null ? set : recordedSet;
        if (oneTask == null && taskList == null && taskSet == null) {
            if (saved.containsKey("task")) {
                oneTask = saved.get("task");
            } else if (saved.containsKey("tasks")) {
                taskList = List.of(saved.get("tasks"));
                taskSet = saved.get("set");
            } else {
                throw new TdmpcException(run.config() + " does not say which tasks the run in " + run.dir()
                        + " trains on; name them with --task ID, --tasks ID,... or --set NAME");
            }
        }
        List<TaskSpec> specs = TaskChoice.ids(registry, oneTask != null ? List.of(oneTask) : taskList,
                taskList != null ? null : taskSet).stream().map(registry::resolve).toList();
        List<String> ids = specs.stream().map(TaskSpec::id).toList();
        // a run's name: its task (also when --tasks names one task), its task set, or "multitask" for a list of
        // tasks
        String name = oneTask != null || (taskSet == null && specs.size() == 1) ? specs.get(0).id()
                : taskSet != null ? taskSet : "multitask";
        if (resume && run == null) {
            long seedValue = given.has("seed") ? given.getLong("seed") : Long.parseLong(DEFAULTS.get("seed"));
            run = RunFolder.resume(null, name, seedValue);
            run.refuseOtherKind(false); // runs/mt30/... is the name of either kind's
            saved = run.savedTrainerSettings();
        }
        if (!saved.isEmpty()) {
            keepRunSettings(registry, run, saved, given, ids);
        }
        RunConfig cfg = layered(saved, given);
        if (oneTask != null) {
            cfg.set("task", name);
        } else {
            cfg.set("tasks", String.join(",", ids));
            cfg.set("set", taskSet);
        }
        int envs = OnlineRun.rows(cfg, specs.size()); // a count of envs refused before the run folder is made
        // a task that cannot be made, said before the run's settings are checked (their check warns of a run that
        // ends in its seed phase: advice for a run that could not start) and before a run folder is made
        registry.requireAvailable(specs);
        if (run == null) {
            run = RunFolder.create(out, name, cfg.getLong("seed"));
        }
        OnlineRun training = new OnlineRun(registry, specs, name, cfg, envs, run, resume, console,
                spec.commandLine().getErr(), terminal());
        // Ctrl-C and SIGTERM heard from before the lock is taken: a signal while the run gets ready (its envs made,
        // its checkpoint read) ends it through this block, which lets go of the lock (it left the folder with a
        // run.lock of a process that was gone)
        try (StopSignals signals = StopSignals.install(training::requestStop); RunLock lock = run.lock()) {
            try {
                return training.stoppedBy(signals).run().stopStatus();
            } catch (RuntimeException | Error e) {
                lock.failed(); // a refusal leaves the folder as it was: no run.lock it had not
                throw e;
            }
        } catch (TdmpcException e) {
            throw run.withResumeHint(e);
        }
    }

    /**
     * A run's settings: the trainer's defaults, then what the run was started with ({@code saved}, a resumed run's;
     * its tasks are the caller's to set), then what this command gives.
     */
    private static RunConfig layered(Map<String, String> saved, RunConfig given) {
        RunConfig cfg = new RunConfig(DEFAULTS);
        saved.forEach((k, v) -> {
            if (!List.of("task", "tasks", "set", "data").contains(k)) {
                cfg.set(k, v);
            }
        });
        return cfg.setAll(given.all());
    }

    /**
     * A resumed run goes on with the tasks ({@code ids}; null: not checked, as for offline runs, whose dataset
     * decides them), seed and agent it was started with: given again they must agree (a different one would be
     * another run); its other settings stay unless given again.
     */
    private static void keepRunSettings(EnvRegistry registry, RunFolder run, Map<String, String> saved,
            RunConfig given, List<String> ids) {
        String savedTasks = saved.containsKey("task") ? saved.get("task") : saved.get("tasks");
        if (ids != null && savedTasks != null) {
            List<String> before = TaskChoice.ids(registry, List.of(savedTasks), null);
            if (!before.equals(ids)) {
                throw new TdmpcException("the run in " + run.dir() + " trains on " + String.join(",", before)
                        + ", not " + String.join(",", ids) + "; --resume goes on with the run's own tasks, so leave "
                        + "out --task, --tasks and --set (or start a new run without --resume)");
            }
        }
        for (String key : List.of("seed", "agent")) {
            if (given.has(key) && saved.containsKey(key) && !given.get(key).equals(saved.get(key))) {
                throw new TdmpcException("the run in " + run.dir() + " was started with " + key + "="
                        + saved.get(key) + ", not " + given.get(key) + "; --resume goes on with the run's own " + key
                        + ", so leave out --" + key + " (or start a new run without --resume)");
            }
        }
    }

    static String metricsText(Map<String, Double> metrics) {
        if (metrics.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" |");
        metrics.entrySet().stream().limit(6).forEach(e -> sb.append(String.format(Locale.ROOT, " %s %.3g", e.getKey(),
                e.getValue())));
        return sb.toString();
    }
}
