package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.CloseAll;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.GivingUp;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import io.github.tdmpc2j.spi.rollout.Evaluation;
import io.github.tdmpc2j.cluster.ClusterSettings;
import io.github.tdmpc2j.cluster.ExecutorCache;
import io.github.tdmpc2j.cluster.UnitFunction;
import io.github.tdmpc2j.data.Collector;
import io.github.tdmpc2j.cluster.TaskCheck;
import io.github.tdmpc2j.cluster.UnitRunner;
import java.io.PrintWriter;
import java.io.Serializable;
import io.github.tdmpc2j.agent.reference.ReferenceCheckpoint;
import io.github.tdmpc2j.agent.reference.ReferenceImport;
import io.github.tdmpc2j.agent.reference.TorchArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j eval}: returns and success rates of a checkpoint, per task. */
@Command(name = "eval", description = {
        "Evaluate a checkpoint: mean return and success rate per task, as a table and CSV.",
        "The agent is made with the settings the checkpoint was trained with; its files are checked first."})
final class EvalCommand implements Callable<Integer> {
    /**
     * The columns of the results file: what a task's evaluation gave, then what produced it (the returns depend on
     * --seed and on the envs stepped at once; the checkpoint by its path and step).
     */
    static final List<String> COLUMNS = List.of("task", "episodes", "mean_return", "success_rate", "seed", "envs",
            "checkpoint", "checkpoint_step");
    /** The columns eval wrote before it recorded what produced a row: such a file gains the others, empty. */
    static final List<String> EARLIER_COLUMNS = COLUMNS.subList(0, 4);
    /** What a signal gives up while eval gets ready, as its notice says ({@link StopSignals#gettingReady}). */
    static final String GETTING_READY = "eval is still getting ready: a .pt file being imported, a checkpoint folder "
            + "being checked or read or a model being made is given up at once, an env being made within seconds; "
            + "nothing is written";
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "DIR|FILE.pt",
            required = true, description = "checkpoint folder, a run folder that holds one "
            + "(RUN/checkpoint), or a TD-MPC2 reference .pt file (imported first, as `import` does, into a temporary "
            + "folder beside it that is removed when the command ends; `import` keeps one)")
    Path checkpoint;

    static final class Target {
        @Option(names = "--task", paramLabel = "ID", required = true, description = "a task of the checkpoint")
        String task;

        @Option(names = "--tasks", paramLabel = "ID,...",
                required = true, description = "tasks of the checkpoint: ids or "
                + "aliases, comma-separated; any of a multitask checkpoint's tasks, in any order")
        List<String> tasks;

        @Option(names = "--set", paramLabel = "NAME",
                required = true, description = "tasks of the checkpoint: a task set (mt30, mt80, "
                + "...) or ids separated by commas; any of a multitask checkpoint's tasks, in any order")
        String set;

        /** The option these tasks were given with, as a stop line names it. */
        String option() {
            return task != null ? "--task" : tasks != null ? "--tasks" : "--set";
        }
    }

    /** The tasks named; null: the checkpoint's own (those it records). */
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Target target;

    /** The option the tasks were given with, as a stop line names it (--tasks for the checkpoint's own). */
    private String option() {
        return target != null ? target.option() : "--tasks";
    }

    @Option(names = "--episodes", paramLabel = "N",
            defaultValue = "10", description = "episodes per task (default ${DEFAULT-VALUE})")
    int episodes;

    @Option(names = "--agent", paramLabel = "NAME",
            description = "the agent that wrote the checkpoint (default: the one the run that "
            + "holds it as checkpoint/ was trained with, else tdmpc2)")
    String agent;

    @Option(names = "--seed", paramLabel = "S",
            defaultValue = "1000", description = "seed of the first episode (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--csv", paramLabel = "FILE",
            description = "CSV file, appended to (one an earlier version wrote gains the columns "
            + "seed, envs, checkpoint and checkpoint_step, empty in its rows); checked before the evaluation starts, "
            + "its folder made if missing (default: eval-results.csv beside the checkpoint folder, in the run folder "
            + "for a run's checkpoint/)")
    Path csv;

    @Option(names = "--envs", paramLabel = "N",
            description = "envs per task stepped at once, the agent acting on all of them in "
            + "one batch (default: two per core, at most one per episode)")
    Integer envs;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu",
            description = "auto, cpu or gpu (default: the checkpoint's)")
    String device;

    @Option(names = "--set-param", paramLabel = "k=v",
            description = "key=value, repeatable: agent settings that override the "
            + "checkpoint's for this evaluation (planning: mpc, iterations, num_samples, ...); the model's shape "
            + "comes from the checkpoint")
    List<String> setParams;

    @Mixin
    ClusterOptions cluster = new ClusterOptions("eval", ClusterSettings.EXECUTOR_WAIT);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (episodes <= 0) {
            throw new TdmpcException("--episodes must be positive, got " + episodes);
        }
        if (csv != null) { // before anything runs: an evaluation of minutes must not end in a failed write
            RunFolder.refuseInsideCheckpoint(csv, "--csv");
            CsvLog.checkWritable(csv, COLUMNS, EARLIER_COLUMNS, "give --csv a file in a folder you can write");
        }
        // Ctrl-C and SIGTERM stop the evaluation before its next step, so that the tasks evaluated are written (it
        // wrote its results only at its end: a signal lost every task evaluated); the tasks in progress are given
        // up, whole (a row is a task's --episodes episodes); on a cluster the job is cancelled and its units, on the
        // executors, stop so. Heard from the start: a .pt file imported first is then removed as the command ends
        UnitRunner.Stop stop = new UnitRunner.Stop();
        try (EnvRegistry registry = EnvRegistry.discover();
                StopSignals signals = StopSignals.install(stop::request, "the next step", "the evaluations in "
                        + "progress are given up; the tasks evaluated are written")) {
            signals.gettingReady(GETTING_READY);
            // null: the checkpoint's own tasks, read with it
            List<String> ids = target == null ? null : target.task != null ? List.of(registry.resolve(target.task)
                    .id()) : target.tasks != null ? TaskChoice.ids(registry, target.tasks, null)
                    : registry.taskSet(target.set);
            // the settings this command names, read before anything is imported
            Map<String, String> given = new RunConfig(Map.of()).pairs(setParams).all();
            if (envs != null && envs <= 0) {
                throw new TdmpcException("--envs must be positive, got " + envs);
            }
            // a checkpoint folder, or a run folder that holds one (RUN/checkpoint)
            Path folder = RunFolder.checkpointOf(checkpoint);
            Path imported = null;
            if (Files.isRegularFile(checkpoint)) {
                if (!checkpoint.getFileName().toString().endsWith(".pt") && !TorchArchive.isZip(checkpoint)) {
                    Path parent = checkpoint.toAbsolutePath().getParent();
                    throw new CheckpointException(checkpoint + " is not a checkpoint: --checkpoint takes a .pt file "
                            + "of the TD-MPC2 reference (what torch.save writes), a checkpoint folder, or a run folder "
                            + "that holds one as checkpoint/" + (parent != null && CheckpointFolder.exists(
                                    parent.resolve(CheckpointFolder.IN_RUN)) ? " (" + parent + " is one)" : ""));
                }
                if (ids == null) {
                    throw new TdmpcException(checkpoint + " is a .pt file of the TD-MPC2 reference, which does not "
                            + "record its tasks: name them with --task ID (a single-task model) or --set NAME (a "
                            + "multitask model's tasks in its order: mt30, mt80)");
                }
                // a reference .pt file: read without running anything in it, checked against the tasks, into a
                // folder of this command's own (NAME-imported.tmp-PID@HOST-NONCE), never one that is there already
                String name = checkpoint.getFileName().toString().replaceFirst("\\.pt$", "");
                folder = checkpoint.toAbsolutePath().resolveSibling(AtomicWrites.temporaryName(name + "-imported"));
                RunFolder.refuseInsideCheckpoint(folder, "the folder to import --checkpoint into,");
                CsvLog.checkCanCreate(folder, "eval imports a .pt file into a folder beside it: import it "
                        + "elsewhere with `tdmpc2j import " + checkpoint + " --out DIR`, then evaluate DIR");
                RunFolder.removeStaleBeside(folder, out);
                // a large model's import (the file read, the model made and written) takes a minute on a CPU: a
                // signal gives it up, and the folder it was writing is removed with it (nothing else was made)
                Path into = folder;
                if (!GivingUp.unless(signals::stopNow, () -> ReferenceImport.write(ReferenceCheckpoint.read(
                        checkpoint), ids.stream().map(registry::resolve).toList(), Map.of(), into,
                        checkpoint.getFileName().toString())).isPresent()) {
                    return stopped(signals, null, List.of(), new TaskResult[0], option(), out);
                }
                imported = folder;
                out.printf("imported %s into the temporary checkpoint folder %s (removed when this command ends; "
                        + "`tdmpc2j import` makes one that stays)%n", checkpoint, folder);
            }
            try {
                return evaluate(registry, ids, folder, given, out, signals, stop);
            } finally {
                if (imported != null) {
                    // the folder this command made, and only that one, is removed whatever the outcome
                    try {
                        AtomicWrites.deleteTree(imported);
                    } catch (java.io.IOException cleanup) {
                        out.println("could not remove the temporary checkpoint folder " + imported + ": "
                                + io.github.tdmpc2j.spi.io.IoErrors.describe(cleanup) + "; remove it by hand");
                    }
                }
            }
        }
    }

    /**
     * Evaluates the checkpoint in {@code folder} on the tasks {@code ids}; {@code given}: the --set-param pairs.
     * {@code stop} is what the first signal asks ({@code signals}'), which stops the evaluation before its next step.
     */
    private int evaluate(EnvRegistry registry, List<String> ids, Path folder, Map<String, String> given,
            PrintWriter out, StopSignals signals, UnitRunner.Stop stop) {
        String agentName = agent != null ? agent : RunFolder.recordedAgent(folder).orElse("tdmpc2");
        AgentProvider provider = Agents.find(agentName);
        // the checkpoint's own settings (preset, model size, ...) and tasks, from the files of one checkpoint (a
        // run that trains replaces its checkpoint at every save)
        record Recorded(Path dir, Map<String, String> params, List<String> tasks, RunFolder.TrainedOn trainedOn) {
        }
        // checking a large model's checkpoint (its files hashed) takes seconds: a signal gives it up
        Recorded saved = GivingUp.unless(signals::stopNow, () -> CheckpointFolder.read(folder, m -> new Recorded(
                m.dir(), provider.checkpointParams(m.dir()), provider.checkpointTasks(m.dir()),
                RunFolder.TrainedOn.read(m.dir())))).orElse(null);
        if (saved == null) {
            return stopped(signals, null, List.of(), new TaskResult[0], option(), out);
        }
        Path csvFile = csv != null ? csv : folder.toAbsolutePath().resolveSibling("eval-results.csv");
        if (csv == null) {
            CsvLog.checkWritable(csvFile, COLUMNS, EARLIER_COLUMNS, "give --csv FILE to write the results elsewhere");
        }
        // the agent is made with the checkpoint's own settings
        Map<String, String> params = new java.util.HashMap<>(saved.params());
        params.putAll(given);
        if (device != null) {
            params.put("device", device); // a checkpoint trained on a GPU evaluates on a CPU, and back
        }
        // the agent is made for the checkpoint's own tasks, in its order: any of them evaluate, in any order;
        // without --task, --tasks or --set, all of them
        List<String> recorded = saved.tasks();
        if (ids == null) {
            if (recorded.isEmpty()) {
                throw new CheckpointException("the checkpoint in " + saved.dir() + " does not record the tasks it was "
                        + "made for (agent '" + agentName + "'): name them with --task ID, --tasks ID,... or --set "
                        + "NAME");
            }
            ids = TaskChoice.ids(registry, recorded, null);
        }
        List<String> agentTasks = recorded.isEmpty() ? ids : recorded;
        List<String> others = ids.stream().filter(id -> !agentTasks.contains(id)).toList();
        if (!others.isEmpty()) {
            throw new CheckpointException("the checkpoint in " + saved.dir() + " was made for "
                    + "the " + Messages.word(agentTasks.size(), "task") + " " + String.join(", ", agentTasks) + "; "
                    + String.join(", ", others) + Messages.word(others.size(), " is", " are") + " not among them. "
                    + (agentTasks.size() == 1 ? "Evaluate it with --task " + agentTasks.get(0)
                    : "Evaluate any of them with --task ID or --tasks ID,... (all: --tasks "
                            + String.join(",", agentTasks) + ")") + ".");
        }
        // an offline run's eval.csv was of the tasks as they were when it trained, not of its dataset's revisions
        String changed = saved.trainedOn().notice(ids.stream().map(registry::resolve).toList(), "it is evaluated "
                + "here on the tasks as they are now, other episodes than it learnt on" + (saved.trainedOn().offline()
                ? "" : " (and than its run's eval.csv)"));
        if (changed != null) {
            spec.commandLine().getErr().println("warning: " + changed);
            spec.commandLine().getErr().flush();
        }
        // a checkpoint trained with planning off acts so here too, which the table does not show
        provider.actingNotice(params).ifPresent(notice -> {
            spec.commandLine().getErr().println("note: " + notice);
            spec.commandLine().getErr().flush();
        });
        // the tasks are evaluated one after another, each on its own rows
        int rows = envs != null ? envs : Evaluation.rowsPerTask(episodes, 1, 1);
        // the agent loads the checkpoint in folder as it is then (verified again, read whole)
        Settings settings = new Settings(agentName, folder.toString(), agentTasks, ids, params, saved.params(),
                episodes, seed, rows);
        List<Unit> units = new ArrayList<>();
        for (int t = 0; t < ids.size(); t++) {
            units.add(new Unit(t, ids.get(t)));
        }
        TaskResult[] results = new TaskResult[ids.size()]; // null: a task not evaluated (a signal stopped it)
        if (signals.stopNow()) { // a signal while the checkpoint was read (or imported): nothing made
            return stopped(signals, csvFile, ids, results, option(), out);
        }
        ClusterSettings where = cluster.settings();
        // in this process: the agent made and its checkpoint read before the results file exists (a failed
        // load leaves none); on a cluster each executor does that once and keeps it across its units
        boolean written = false;
        // a signal while the envs are made: the next one is not made (no setup, here null), those made are closed
        try (Setup local = where.distributed() ? null
                : Setup.make(registry, settings, signals::stopNow).orElse(null)) {
            if (local == null && !where.distributed()) {
                return stopped(signals, csvFile, ids, results, option(), out);
            }
            signals.ready();
            // the table's header comes with its first row: a failure or a stop before any row leaves none alone
            boolean[] header = {false};
            // every task checked on an executor (once each) before any evaluates: a task not set up on a node was
            // found when that node's first unit ran
            TdmpcException failed = null; // a task's evaluation that failed: the tasks evaluated are kept
            try {
                UnitRunner.run(where, "eval", units, new TaskCheck<Unit>(registry, u -> settings.ids().get(
                        u.task())), null, new OneTask(settings, local, signals::stopNow, spec.commandLine().getErr()), (i, unit, r) -> {
                    if (r == null) {
                        return; // stopped before it ended
                    }
                    results[unit.task()] = r;
                    if (!header[0]) {
                        header[0] = true;
                        out.printf("%-40s %8s %12s %8s%n", "TASK", "EPISODES", "RETURN", "SUCCESS");
                    }
                    out.printf(Locale.ROOT, "%-40s %8d %12.1f %8s%n", r.id(), r.episodes(), r.meanReturn(),
                            r.hasSuccess() ? String.format(Locale.ROOT, "%.0f%%", 100 * r.successRate()) : "-");
                    out.flush();
                }, stop);
            } catch (TdmpcException e) {
                failed = e;
            }
            // the results are saved before the envs close: a failure to close them leaves them whole; a signal's
            // stop, or a task that failed, saves the tasks evaluated, and where none was, writes nothing (no file,
            // no folder made for it: a checkpoint that failed to load leaves none)
            boolean any = Arrays.stream(results).anyMatch(Objects::nonNull);
            if (any) {
                // a file of an earlier eval gains the columns first (its rows kept, the new cells empty), once
                CsvLog.addColumns(csvFile, EARLIER_COLUMNS, COLUMNS, spec.commandLine().getErr());
                // the checkpoint as the user named it: a .pt file (not the temporary folder it was imported into),
                // or the checkpoint folder (a run folder's checkpoint/)
                String source = (Files.isRegularFile(checkpoint) ? checkpoint : folder).toAbsolutePath().normalize()
                        .toString();
                try (CsvLog log = new CsvLog(csvFile, COLUMNS)) {
                    for (TaskResult r : results) {
                        if (r != null) {
                            log.row(r.id(), r.episodes(), r.meanReturn(), r.hasSuccess() ? r.successRate() : "",
                                    seed, rows, source, r.checkpointStep());
                        }
                    }
                }
            }
            if (failed != null) { // it wrote the tasks evaluated before (or beside) the one that failed
                if (any) {
                    List<String> left = notEvaluated(ids, results);
                    failed.addHint(rowsWritten(ids.size() - left.size(), ids.size(), csvFile) + "; "
                            + evaluateTheRest(left, option()) + ", appending to " + csvFile);
                }
                throw failed;
            }
            written = true;
        } catch (TdmpcException e) {
            if (!written) {
                throw e;
            }
            // the agent's failure to close and the envs', each a warning in its own words
            String kept = Arrays.stream(results).anyMatch(Objects::nonNull) ? "the results in " + csvFile
                    + " are whole" : "no result was written";
            List<Throwable> failures = new ArrayList<>(List.of(e));
            failures.addAll(List.of(e.getSuppressed()));
            for (Throwable f : failures) {
                if (f instanceof AgentCloseFailed a) {
                    RunEnvs.agentCloseFailed(spec.commandLine().getErr(), kept, (TdmpcException) a.getCause());
                } else if (f instanceof TdmpcException t) {
                    RunEnvs.closeFailed(spec.commandLine().getErr(), "evaluation", kept, t);
                }
            }
        }
        // a signal that came once every task was evaluated stopped nothing: the evaluation is done
        if ((stop.cutShort() || signals.cutShort()) && Arrays.stream(results).anyMatch(Objects::isNull)) {
            return stopped(signals, csvFile, ids, results, option(), out);
        }
        out.println("results: " + csvFile);
        return 0;
    }

    /**
     * Says on {@code out} that the received signal stopped the evaluation, with the tasks whose rows were written
     * to {@code csvFile} and those not evaluated ({@code results} null), and returns the exit status it ends with.
     */
    private static int stopped(StopSignals signals, Path csvFile, List<String> ids, TaskResult[] results,
            String option, PrintWriter out) {
        List<String> left = notEvaluated(ids, results);
        int evaluated = ids.size() - left.size();
        out.println(evaluated == 0 ? "stopped by " + signals.received() + " before the evaluation of a task ended: "
                + "nothing was written; the same command run again does the evaluation"
                : "stopped by " + signals.received() + ": " + rowsWritten(evaluated, ids.size(), csvFile)
                + "; not evaluated (an evaluation in progress is given up whole): " + String.join(", ", left)
                + "; " + evaluateTheRest(left, option) + ", appending to " + csvFile);
        out.flush();
        return signals.exitStatus();
    }

    /** "1 of 2 tasks evaluated, its row written to FILE": what an evaluation cut short kept. */
    private static String rowsWritten(int evaluated, int tasks, Path csvFile) {
        return evaluated + " of " + Messages.plural(tasks, "task") + " evaluated, " + Messages.word(evaluated,
                "its row", "their rows") + " written to " + csvFile;
    }

    /** The tasks of {@code ids} whose {@code results} are null, in their order: those not evaluated. */
    private static List<String> notEvaluated(List<String> ids, TaskResult[] results) {
        List<String> left = new ArrayList<>();
        for (int t = 0; t < ids.size(); t++) {
            if (results[t] == null) {
                left.add(ids.get(t));
            }
        }
        return left;
    }

    /**
     * The command that evaluates the tasks {@code left} a stop left, in the words of a stop line: the same command
     * with --task ID (one) or --tasks ID,... (a list) in place of {@code option}, the one it was given.
     */
    static String evaluateTheRest(List<String> left, String option) {
        return "the same command with " + (left.size() == 1 ? "--task " : "--tasks ") + String.join(",", left)
                + " in place of " + option + " evaluates " + Messages.word(left.size(), "it", "them");
    }

    // ---- the units of eval: one task of the checkpoint each, in this process or on a Spark cluster

    /**
     * What every unit needs to make the agent and its envs.
     *
     * @param agentTasks the tasks the agent is made for (the checkpoint's, in its order)
     * @param ids        the tasks evaluated, one unit each: some or all of {@code agentTasks}, in any order
     * @param params     the agent's settings: the checkpoint's, with the command's --set-param and --device
     * @param recorded   the checkpoint's own settings, for the message that refuses a --set-param changing the
     *                   model's shape
     */
    record Settings(String agent, String checkpoint, List<String> agentTasks, List<String> ids,
            Map<String, String> params, Map<String, String> recorded, int episodes, long seed, int rows)
            implements Serializable {
        Settings {
            agentTasks = new ArrayList<>(agentTasks);
            ids = new ArrayList<>(ids);
            params = new java.util.HashMap<>(params);
            recorded = new java.util.HashMap<>(recorded);
        }
    }

    /** A unit: the task at index {@code task}, {@code id}. */
    record Unit(int task, String id) implements Serializable {
        @Override
        public String toString() { // as the cluster's messages name it
            return id;
        }
    }

    /**
     * A task's results.
     *
     * @param executor the process that evaluated it ({@code pid@host})
     * @param envsMade how many tasks' envs that process had made when the unit ended: on an executor those of the
     *                 tasks its units evaluated (they are kept across units), here those of every task
     */
    record TaskResult(String id, int episodes, double meanReturn, boolean hasSuccess, double successRate,
            long checkpointStep, String executor, int envsMade) implements Serializable {
    }

    /**
     * An agent with a checkpoint's state, and that checkpoint's step: the one it loaded, which may be newer than
     * the one the command read first when the run that holds it is training.
     */
    record Loaded(Agent agent, long step) implements AutoCloseable {
        @Override
        public void close() {
            agent.close();
        }
    }

    /** The envs of every task and the agent with the checkpoint's state: what an evaluation in this process needs. */
    record Setup(List<MultitaskEnv> envs, Loaded loaded) implements AutoCloseable {
        /**
         * The setup of {@code s}'s tasks; empty where {@code stop} (asked before each env is made) gave it up,
         * the envs made closed and no agent made.
         */
        static Optional<Setup> make(EnvRegistry registry, Settings s, BooleanSupplier stop) {
            List<MultitaskEnv> envs = new ArrayList<>();
            try {
                TaskSpace space = space(registry, s);
                for (String id : s.ids()) {
                    Optional<MultitaskEnv> made = env(registry, space, s, id, stop);
                    if (made.isEmpty()) {
                        RuntimeException failed = CloseAll.closeAll(envs, null);
                        if (failed != null) {
                            throw failed;
                        }
                        return Optional.empty();
                    }
                    envs.add(made.get());
                }
                // a large model made and its checkpoint read take a minute on a CPU: the stop gives them up
                Optional<Loaded> loaded = GivingUp.unless(stop, () -> agent(space, s));
                if (loaded.isEmpty()) {
                    RuntimeException failed = CloseAll.closeAll(envs, null);
                    if (failed != null) {
                        throw failed;
                    }
                    return Optional.empty();
                }
                return Optional.of(new Setup(envs, loaded.get()));
            } catch (RuntimeException e) {
                CloseAll.closeAll(envs, e);
                throw e;
            }
        }

        /** The space of the agent's tasks (the checkpoint's), which every env acts in. */
        static TaskSpace space(EnvRegistry registry, Settings s) {
            return TaskSpace.of(s.agentTasks().stream().map(registry::resolve).toList());
        }

        /** The envs of task {@code id}: the rows of one task (--envs), all acting in one batch. */
        static Optional<MultitaskEnv> env(EnvRegistry registry, TaskSpace space, Settings s, String id,
                BooleanSupplier stop) {
            return MultitaskEnv.make(registry, space, rows(s, id), s.seed(), stop);
        }

        /** The row ids of task {@code id}'s envs: {@code --envs} of it. */
        private static List<String> rows(Settings s, String id) {
            return java.util.Collections.nCopies(s.rows(), id);
        }

        /** The agent, with the checkpoint's state loaded, and the step of that checkpoint. */
        static Loaded agent(TaskSpace space, Settings s) {
            Agent a = Agents.find(s.agent()).create(AgentContext.of(space, s.params(), s.seed()));
            long step;
            try {
                step = CheckpointFolder.loadedStep(Path.of(s.checkpoint()), a::load);
            } catch (CheckpointException e) {
                a.close();
                String key = e.setting().orElse(null);
                if (key == null) {
                    throw e;
                }
                // the agent's advice is to make it with the checkpoint's value: eval does, unless told otherwise
                String value = s.recorded().getOrDefault(key, "?");
                throw new CheckpointException("the checkpoint in " + s.checkpoint() + " was trained with " + key
                        + "=" + value + ", which fixes the model's shape: eval makes the agent with the "
                        + "checkpoint's own shape, so leave out --set-param " + key + "=" + s.params().get(key)
                        + " (--set-param changes planning settings only)", e);
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
            return new Loaded(a, step);
        }

        /**
         * Closes the agent, then every env (one that fails to close leaves the others to close); the first failure
         * is thrown with the others suppressed in it, the agent's typed one as an {@link AgentCloseFailed}.
         */
        @Override
        public void close() {
            RuntimeException failed = null;
            try {
                loaded.close();
            } catch (TdmpcException e) {
                failed = new AgentCloseFailed(e);
            } catch (RuntimeException | Error e) {
                CloseAll.closeAll(envs, e);
                throw e;
            }
            RuntimeException envFailed = CloseAll.closeAll(envs, failed);
            if (failed != null) {
                throw failed;
            }
            if (envFailed != null) {
                throw envFailed;
            }
        }
    }

    /** The agent's typed failure to close ({@code getCause()}), told from the envs' by its wording. */
    static final class AgentCloseFailed extends TdmpcException {
        private static final long serialVersionUID = 1L;

        AgentCloseFailed(TdmpcException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * Evaluates one task: in this process with its {@link Setup}; on an executor with the envs of the unit's task
     * and an agent that its cache keeps across units (as collect's units lease theirs), so that an executor makes
     * the envs of the tasks its units evaluate, not those of every task evaluated. Asked to stop (in this process:
     * the command's signal; on an executor: its job's, {@link UnitRunner#stopRequested}), it gives its task up
     * before the next step and returns null (on an executor its env and agent are discarded, not kept).
     */
    static final class OneTask implements UnitFunction<Unit, TaskResult> {
        private static final long serialVersionUID = 1L;
        /** The prefix of the cache keys of eval's envs on an executor. */
        private static final String ENV_KEY = "eval-env:";
        private final Settings settings;
        private final transient Setup local;
        private final transient BooleanSupplier localStop;
        private final transient PrintWriter localProgress;

        /**
         * {@code local}: null on a cluster; {@code localStop}: whether to stop in this process (null: never);
         * {@code localProgress}: where an evaluation of a task in this process that runs long says how far it is.
         */
        OneTask(Settings settings, Setup local, BooleanSupplier localStop, PrintWriter localProgress) {
            this.settings = settings;
            this.local = local;
            this.localStop = localStop;
            this.localProgress = localProgress;
        }

        @Override
        public TaskResult run(Unit unit) {
            if (local != null) {
                // a line every 30 s: a task's episodes of a large model on a CPU run for many minutes
                Progress progress = new Progress(localProgress, false, 0, settings.ids().size(), 30, "task", false);
                return evaluate(local.envs().get(unit.task()), local.loaded(), unit.task(), local.envs().size(),
                        localStop != null ? localStop : () -> false, status -> progress.evaluating(unit.task() + 1,
                                status));
            }
            ExecutorCache cache = ExecutorCache.get();
            EnvRegistry registry = cache.registry();
            String gpu = UnitRunner.assignedGpu();
            Settings s = settings;
            if (gpu != null) {
                Map<String, String> p = new java.util.HashMap<>(s.params());
                p.put("device", gpu);
                s = new Settings(s.agent(), s.checkpoint(), s.agentTasks(), s.ids(), p, s.recorded(), s.episodes(),
                        s.seed(), s.rows());
            }
            Settings chosen = s;
            String id = chosen.ids().get(unit.task());
            TaskSpace space = Setup.space(registry, chosen);
            String envKey = ENV_KEY + id + "|" + chosen.agentTasks() + "|" + chosen.rows() + "|" + chosen.seed();
            String agentKey = "eval-agent:" + chosen;
            // a job stopped while the task's rows are made gives them up before the next row, and while the agent
            // is made and its checkpoint read gives that up (a minute for a large model on a CPU): null, as a
            // stopped evaluation's
            return cache.withLeased(envKey, () -> Setup.env(registry, space, chosen, id, UnitRunner::stopRequested)
                    .orElse(null), agentKey,
                    () -> GivingUp.unless(UnitRunner::stopRequested, () -> Setup.agent(space, chosen)).orElse(null),
                    (MultitaskEnv env, Loaded agent) -> evaluate(env, agent, unit.task(), cache.made(ENV_KEY),
                            UnitRunner::stopRequested, Evaluation.Watch.NONE));
        }

        /** The task's results; null where {@code stop} (asked before each step) stopped it. */
        private TaskResult evaluate(MultitaskEnv env, Loaded loaded, int t, int envsMade, BooleanSupplier stop,
                Evaluation.Watch watch) {
            Agent agent = loaded.agent();
            // a task's results depend on the seed and the task alone, whichever tasks this agent evaluated before
            // (on a cluster, an executor's agent evaluates the tasks that executor is given) and whichever were asked
            int task = settings.agentTasks().indexOf(settings.ids().get(t)); // its index in the agent's tasks
            agent.reseed(Collector.episodeSeed(settings.seed(), task, 0));
            Evaluation.TaskResult r = Evaluation.run(env, agent, settings.episodes(), settings.seed(), stop, watch)
                    .map(all -> all.get(0)).orElse(null);
            return r == null ? null : new TaskResult(r.spec().id(), r.episodes(), r.meanReturn(), r.hasSuccess(), r.successRate(),
                    loaded.step(), ProcessHandle.current().pid() + "@" + UnitRunner.hostName(), envsMade);
        }
    }
}
