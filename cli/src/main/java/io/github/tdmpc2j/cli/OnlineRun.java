package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.GivingUp;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TaskRevisions;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.rollout.Evaluation;
import io.github.tdmpc2j.spi.rollout.OnlineTraining;
import io.github.tdmpc2j.spi.rollout.Rollout;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@code train}'s online run, as a command-line job around the engine's {@link OnlineTraining}: makes the rows
 * (the {@code envs} setting, spread over the run's tasks) and the agent, and turns the run's events into the run
 * folder: {@code train.csv}, {@code eval.csv} (the mean over tasks), {@code eval-tasks.csv} (per task, multitask
 * runs), {@code curve.png}, the checkpoint at every evaluation, and the progress bar. {@code --resume} goes on
 * from the checkpoint.
 */
final class OnlineRun {
    /**
     * The evaluation curve of a finished run (mean over tasks), the random policy's mean return, and the exit
     * status of a run stopped by a signal (0 when it ran to its end).
     */
    /**
     * @param random the random policy's evaluation at the run's start, per task (empty for a run that had ended:
     *               {@link #randomBaseline} makes it)
     */
    record Result(List<CurvePlot.Point> evaluations, List<Double> successRates, List<Evaluation.TaskResult> random,
            int stopStatus) {
        double finalReturn() {
            return evaluations.get(evaluations.size() - 1).y();
        }

        Double finalSuccess() {
            return successRates.isEmpty() ? null : successRates.get(successRates.size() - 1);
        }
    }

    /**
     * The most rows ({@code envs}) a run steps: every row is an env held in memory (a worker process's for bridge
     * tasks) and a row of every planning batch, and a CPU gains nothing past one per task (bench/RESULTS.md); a
     * larger count only stalled making envs.
     */
    static final int MAX_ENVS = 1024;

    /** What a signal gives up while a run gets ready, as its notice says ({@link StopSignals#gettingReady}). */
    static final String GETTING_READY = "the run is still getting ready: a model being made or a checkpoint being "
            + "checked or read is given up at once, an env being made within seconds, a step of the random policy's "
            + "evaluation ends first; nothing is written";

    private final EnvRegistry registry;
    private final TaskSpace space;
    private final String name;
    private final RunConfig cfg;
    /** The rows the run steps, as {@link #rows} gives them for its config and tasks. */
    private final int envs;
    private final RunFolder run;
    private final boolean resume;
    private final PrintWriter console;
    /** Where warnings go: the command's stderr, apart from the console (stdout, or a bench unit's quiet log). */
    private final PrintWriter warnings;
    private final boolean terminal;
    /** The command's signal handlers, whose exit status a stopped run ends with; null: none (a cluster's units). */
    private StopSignals signals;
    private volatile boolean stopRequested;
    /** The training loop once it is made, for {@link #requestStop}. */
    private volatile OnlineTraining training;

    /**
     * @param name     what the run trains on, for the console and the curve (a task id or a task set)
     * @param envs     the rows it steps: {@link #rows}{@code (cfg, tasks.size())}, which the caller computes before
     *                 it makes the run folder (a count refused leaves none behind)
     * @param warnings where warnings go (the command's stderr)
     */
    OnlineRun(EnvRegistry registry, List<TaskSpec> tasks, String name, RunConfig cfg, int envs, RunFolder run,
            boolean resume, PrintWriter console, PrintWriter warnings, boolean terminal) {
        this.registry = registry;
        this.space = TaskSpace.of(tasks);
        this.name = name;
        this.cfg = cfg;
        this.envs = envs;
        this.run = run;
        this.resume = resume;
        this.console = console;
        this.warnings = warnings;
        this.terminal = terminal;
    }

    /** What the run trains on: its task, its set's name and size, or (a list, named "multitask") how many tasks. */
    private String trainsOn() {
        int n = space.taskCount();
        String count = Messages.plural(n, "task");
        return n == 1 && name.equals(space.spec(0).id()) ? name
                : name.equals("multitask") ? count : name + " (" + count + ")";
    }

    /**
     * Ctrl-C and SIGTERM stop the run: {@code signals} are the command's, installed with {@link #requestStop} as
     * what a signal does, before it took the run folder's lock (the foreground {@code train} and a {@code bench} in
     * this process, not a cluster's units).
     */
    OnlineRun stoppedBy(StopSignals signals) {
        this.signals = signals;
        return this;
    }

    /**
     * Stops the run: while it gets ready (checkpoint, envs, agent, the random policy's evaluation) before it trains,
     * having written nothing (a resumed run's checkpoint stays as it was); once it trains, before its next step,
     * keeping its last checkpoint. Any thread may call it, at any time.
     */
    void requestStop() {
        stopRequested = true;
        OnlineTraining loop = training;
        if (loop != null) {
            loop.requestStop();
        }
    }

    /** The result of a run stopped before it trained, said on the console with the checkpoint it keeps. */
    private Result stoppedBeforeTraining(RunFolder.Restored restored) {
        return stoppedBeforeTraining(restored != null ? restored.state().step() : -1);
    }

    /** As {@link #stoppedBeforeTraining(RunFolder.Restored)}, for a checkpoint of step {@code saved} (-1: none). */
    private Result stoppedBeforeTraining(long saved) {
        // a cluster's unit, which has no signals: its job was stopped, and its result is not used
        int status = signals == null ? 1 : signals.stoppedBeforeStart(console, "step", saved);
        return new Result(List.of(), List.of(), List.of(), status);
    }

    Result run() {
        long seedValue = cfg.getLong("seed");
        long total = cfg.positiveLong("steps");
        long evalFreq = cfg.positiveLong("eval_freq");
        int evalEpisodes = cfg.positiveInt("eval_episodes");
        double timeLimit = cfg.has("time_limit") ? cfg.getDouble("time_limit") * 60 : Double.POSITIVE_INFINITY;
        if (!(timeLimit > 0)) {
            throw new TdmpcException("time_limit (--time-limit, minutes of wall time) must be positive, got "
                    + cfg.get("time_limit"));
        }
        // seeds as the single-env loop had them: training episode k of one row resets with seed * 1000003 + k,
        // evaluation episode e with 1000000 + seed * 1000 + e; training passes over the evaluation's seeds (seed 1
        // reached them at episode 997)
        OnlineTraining.Settings settings = new OnlineTraining.Settings(total, evalFreq, evalEpisodes,
                seedValue * 1_000_003L, evalSeed(seedValue), timeLimit);
        if (signals != null) {
            signals.gettingReady(GETTING_READY);
        }
        if (stopRequested) {
            return stoppedBeforeTraining(null);
        }
        String trainedWith = resume ? run.savedTrainerSettings().get("agent") : null;
        if (trainedWith != null && !trainedWith.equals(cfg.get("agent"))) {
            // its checkpoint, logs and curves are that agent's (bench goes on from the runs an --out holds)
            throw new TdmpcException("the run in " + run.dir() + " was trained with the agent '" + trainedWith
                    + "', not '" + cfg.get("agent") + "': give --agent " + trainedWith + " to go on with it, or "
                    + "another --out folder for a run of " + cfg.get("agent"));
        }
        AgentProvider provider = Agents.find(cfg.get("agent"));
        // checking a large model's checkpoint (its files hashed) takes seconds: a signal gives it up
        RunFolder.Restored restored = null;
        if (resume) {
            restored = GivingUp.unless(() -> stopRequested, run::openCheckpoint).orElse(null);
            if (restored == null) { // the checkpoint as it was, of the step its manifest names
                return stoppedBeforeTraining(CheckpointFolder.savedStep(run.checkpoint()).orElse(-1));
            }
        }
        Map<String, String> recorded = Map.of(); // the agent's settings in the checkpoint
        Map<String, String> changedSettings = Map.of(); // those this resume changes, with the checkpoint's values
        if (restored != null) {
            recorded = provider.checkpointParams(restored.dir());
            changedSettings = cfg.keepCheckpointSettings(recorded, run.checkpoint());
            RunFolder.State at = restored.state();
            if (at.step() > total) {
                throw new TdmpcException("the run in " + run.dir() + " is at step " + at.step() + " (its "
                        + "checkpoint), past the " + Messages.plural(total, "step") + " asked for; pass a larger "
                        + "--steps to go on with it");
            }
            if (at.step() == total || at.seconds() >= timeLimit) {
                console.printf(Locale.ROOT, "the run in %s has ended: its checkpoint is at step %d of %d%s; nothing "
                        + "to do (a larger --steps%s goes on with it)%n", run.dir(), at.step(), total,
                        at.step() == total ? "" : String.format(Locale.ROOT, ", after %.1f of its %.1f minutes",
                                at.seconds() / 60, timeLimit / 60),
                        Double.isInfinite(timeLimit) ? "" : " or --time-limit");
                console.flush();
                Curves logged = Curves.read(run);
                return new Result(logged.evaluations(), logged.successes(), List.of(), 0);
            }
            String changed = TaskRevisions.notice("the run in " + run.dir() + " was trained up to step " + at.step(),
                    restored.revisions(), space.tasks(), "the run goes on with the tasks as they are now, so its "
                    + "curve after step " + at.step() + " is of other episodes than before; for a curve of one "
                    + "version start a new run (another --out, without --resume)");
            if (changed != null) {
                warnings.println("warning: " + changed);
                warnings.flush();
            }
        }
        // before any env is made: settings that cannot fit the tasks, a replay buffer beyond the heap
        cfg.checkRun(provider, space, seedValue, envs, Runtime.getRuntime().maxMemory());
        if (stopRequested) {
            return stoppedBeforeTraining(restored);
        }
        // a signal while the envs are made: the next one is not made (null here), those made are closed
        try (RunEnvs trainRows = RunEnvs.made(MultitaskEnv.make(registry, space, MultitaskEnv.spread(space, envs),
                seedValue, () -> stopRequested), "training", run, warnings);
                RunEnvs evalRows = trainRows == null ? null : RunEnvs.made(evalEnv(seedValue, evalEpisodes,
                        () -> stopRequested), "evaluation", run, warnings);
                // a large model is made in tens of seconds on a CPU: a signal gives its making up (null here)
                Agent agent = evalRows == null ? null : GivingUp.unless(() -> stopRequested,
                        () -> cfg.createAgent(provider, space, seedValue)).orElse(null)) {
            if (stopRequested) { // a signal while the envs or the agent were made
                return stoppedBeforeTraining(restored);
            }
            MultitaskEnv train = trainRows.env();
            MultitaskEnv eval = evalRows.env();
            OnlineTraining.State state = OnlineTraining.State.START;
            if (restored != null) {
                RunFolder.Restored from = restored;
                Map<String, String> saved = recorded;
                // a signal gives the reading of the checkpoint up (the agent, whose state it was, is closed)
                if (!GivingUp.unless(() -> stopRequested, () -> from.restore(agent, seedValue, saved))) {
                    return stoppedBeforeTraining(restored);
                }
                RunFolder.State s = restored.state();
                state = new OnlineTraining.State(s.step(), s.episode(), s.seconds());
                for (var csv : List.of(run.trainCsv(), run.evalCsv(), run.evalTasksCsv())) {
                    RunFolder.truncateAfter(csv, state.step(), warnings);
                }
                console.printf("resuming %s at step %d%n", run.dir(), state.step());
                console.flush();
                // once the checkpoint is read: a setting that fixes the model's shape is refused by its reading
                String settingsChanged = cfg.changedOnResume(changedSettings, run.dir());
                if (settingsChanged != null) {
                    warnings.println(settingsChanged);
                    warnings.flush();
                }
            }
            String on = trainsOn();
            console.printf("training %s on %s for %s with %s; run folder %s%n", provider.name(), on,
                    Messages.plural(total, "step"), Messages.plural(train.numEnvs(), "env"), run.dir());
            console.flush();
            // given up for a signal: it can take minutes (a suite's slow steps, long episodes)
            Optional<List<Evaluation.TaskResult>> baseline = randomBaseline(eval, seedValue, evalEpisodes,
                    () -> stopRequested);
            if (baseline.isEmpty() || stopRequested) {
                return stoppedBeforeTraining(restored);
            }
            List<Evaluation.TaskResult> random = baseline.get();
            // the run's first write: one stopped before it leaves nothing in its folder (a new --out stays free)
            cfg.write(run.config());
            double randomMean = mean(random);
            console.printf(Locale.ROOT, "random policy: mean return %.1f over %s%s%n", randomMean,
                    Messages.plural(evalEpisodes, "episode"), space.taskCount() > 1 ? " per task" : "");
            Logs logs = new Logs(state, total, timeLimit, randomMean, random, agent, provider.name());
            if (restored != null) {
                logs.savedStep = state.step();
                logs.learnt = TaskRevisions.followedBy(restored.learnt(), space.tasks());
            }
            OnlineTraining loop = new OnlineTraining(train, eval, agent, settings);
            if (signals != null) {
                signals.ready();
            }
            training = loop;
            if (stopRequested) { // a signal before the loop was there to hear it
                loop.requestStop();
            }
            int stopStatus = 0;
            try (logs) {
                OnlineTraining.State end = restored != null ? loop.resume(state, logs) : loop.run(logs);
                logs.bar.finish();
                if (signals != null && signals.received() != null) {
                    stopStatus = signals.exitStatus();
                    console.println(signals.stoppedLine("step", end.step(), logs.savedStep));
                } else {
                    console.printf("done: %s in %s; results in %s%n", Messages.plural(end.step(), "step"),
                            Progress.duration(end.seconds()), run.dir());
                }
            }
            console.flush();
            return new Result(logs.evalCurve, logs.successes, random, stopStatus);
        }
    }

    /**
     * The random policy's evaluation of this run's tasks as {@link #run} makes it at the run's start (the same
     * rows, episodes and seeds), for a run that had ended, of which {@code run} evaluates nothing.
     */
    List<Evaluation.TaskResult> randomBaseline() {
        long seedValue = cfg.getLong("seed");
        int evalEpisodes = cfg.getInt("eval_episodes");
        try (RunEnvs eval = new RunEnvs(evalEnv(seedValue, evalEpisodes, () -> false).orElseThrow(), "evaluation",
                run, warnings)) {
            return randomBaseline(eval.env(), seedValue, evalEpisodes, () -> false).orElseThrow();
        }
    }

    /**
     * The rows a run of {@code taskCount} tasks steps: its {@code envs} setting (default 1), raised to one per task.
     * A count given is recorded in {@code cfg} as the one used (the run's {@code config.yaml} says what it ran
     * with); more than {@link #MAX_ENVS} is refused, before any env is made.
     */
    static int rows(RunConfig cfg, int taskCount) {
        if (!cfg.has("envs")) {
            return Math.max(1, taskCount);
        }
        int envs = cfg.positiveInt("envs");
        if (envs > MAX_ENVS) {
            throw new TdmpcException("'envs' (--envs) is " + envs + ", more envs than a run steps at once (at most "
                    + MAX_ENVS + ": each is an env in memory and a row of every planning batch); give --envs "
                    + MAX_ENVS + " or fewer (on a CPU one per task steps fastest; on a GPU a few per task fill it)");
        }
        if (envs < taskCount) {
            cfg.set("envs", taskCount);
        }
        return Math.max(envs, taskCount);
    }

    /**
     * The rows a run evaluates on: its evaluation episodes several at once, as many rows as training has per task;
     * empty where {@code stop} gave their making up.
     */
    private Optional<MultitaskEnv> evalEnv(long seedValue, int evalEpisodes, BooleanSupplier stop) {
        return MultitaskEnv.make(registry, space, Evaluation.rows(space, evalEpisodes, envs / space.taskCount()),
                seedValue + 1, stop);
    }

    /** The random policy's evaluation; empty when {@code stop} gave it up. */
    private Optional<List<Evaluation.TaskResult>> randomBaseline(MultitaskEnv eval, long seedValue, int evalEpisodes,
            BooleanSupplier stop) {
        try (Agent randomAgent = Agents.find("random").create(AgentContext.of(space, Map.of(), seedValue))) {
            return Evaluation.run(eval, randomAgent, evalEpisodes, evalSeed(seedValue), stop);
        }
    }

    /** The seed of a run's evaluation episodes (episode e resets with it + e), as the single-env loop had it. */
    private static long evalSeed(long seedValue) {
        return 1_000_000L + seedValue * 1000;
    }

    private static double mean(List<Evaluation.TaskResult> results) {
        return results.stream().mapToDouble(Evaluation.TaskResult::meanReturn).average().orElse(Double.NaN);
    }

    /** The evaluations logged in a run's {@code eval.csv} (mean returns, and success rates where tasks have them). */
    record Curves(List<CurvePlot.Point> evaluations, List<Double> successes) {
        static Curves read(RunFolder run) {
            List<CurvePlot.Point> evaluations = new ArrayList<>();
            List<Double> successes = new ArrayList<>();
            if (Files.isRegularFile(run.evalCsv())) {
                for (CsvLog.Row row : CsvLog.read(run.evalCsv())) {
                    evaluations.add(new CurvePlot.Point(row.number(0), row.number(1)));
                    if (!row.cell(2).isEmpty()) {
                        successes.add(row.number(2));
                    }
                }
            }
            return new Curves(evaluations, successes);
        }
    }

    /** The run folder's side of the run: logs, curve, checkpoints, progress. */
    private final class Logs implements OnlineTraining.Listener, AutoCloseable {
        final List<CurvePlot.Point> evalCurve = new ArrayList<>();
        final List<Double> successes = new ArrayList<>();
        final Map<String, List<CurvePlot.Point>> taskCurves = new LinkedHashMap<>();
        final Map<String, List<CurvePlot.Point>> taskTrainCurves = new LinkedHashMap<>();
        final List<CurvePlot.Point> trainCurve = new ArrayList<>();
        final Progress bar;
        final CsvLog trainLog;
        final CsvLog evalLog;
        final CsvLog taskLog;
        final long total;
        final double timeLimit;
        final double randomMean;
        final List<Evaluation.TaskResult> random;
        final Agent agent;
        final String agentName;
        /** The step of the checkpoint on disk; -1 before the first. */
        long savedStep = -1;
        /**
         * The revisions the run learnt on of each task, in order, the tasks' now last: a resumed run's checkpoint's
         * followed by them ({@link TaskRevisions#followedBy}), so that eval says of a run resumed after its task
         * changed that it learnt on it in part at another revision.
         */
        Map<String, List<Integer>> learnt = TaskRevisions.followedBy(null, space.tasks());

        Logs(OnlineTraining.State from, long total, double timeLimit, double randomMean,
                List<Evaluation.TaskResult> random, Agent agent, String agentName) {
            this.total = total;
            this.timeLimit = timeLimit;
            this.randomMean = randomMean;
            this.random = random;
            this.agent = agent;
            this.agentName = agentName;
            Curves logged = Curves.read(run);
            evalCurve.addAll(logged.evaluations());
            successes.addAll(logged.successes());
            if (Files.isRegularFile(run.trainCsv())) {
                for (CsvLog.Row row : CsvLog.read(run.trainCsv())) {
                    CurvePlot.Point p = new CurvePlot.Point(row.number(0), row.number(2));
                    trainCurve.add(p);
                    if (row.cells().length > 6) {
                        taskTrainCurves.computeIfAbsent(row.cell(6), k -> new ArrayList<>()).add(p);
                    }
                }
            }
            if (space.taskCount() > 1 && Files.isRegularFile(run.evalTasksCsv())) {
                for (CsvLog.Row row : CsvLog.read(run.evalTasksCsv())) {
                    taskCurves.computeIfAbsent(row.cell(1), k -> new ArrayList<>())
                            .add(new CurvePlot.Point(row.number(0), row.number(2)));
                }
            }
            this.bar = new Progress(console, terminal, from.step(), total, 30);
            this.trainLog = new CsvLog(run.trainCsv(), List.of("step", "episode", "episode_return", "episode_length",
                    "success", "elapsed_s", "task"));
            this.evalLog = new CsvLog(run.evalCsv(), List.of("step", "mean_return", "success_rate", "episodes",
                    "elapsed_s"));
            this.taskLog = space.taskCount() > 1 ? new CsvLog(run.evalTasksCsv(), List.of("step", "task",
                    "mean_return", "success_rate", "episodes", "random_return")) : null;
        }

        @Override
        public void onStep(long step) {
            bar.update(step);
        }

        @Override
        public void onEvaluating(long step, Evaluation.Status status) {
            bar.evaluating(step, status);
        }

        @Override
        public void onEpisode(Rollout.Finished e, long step, long index, double seconds, Map<String, Double> m) {
            trainLog.row(step, index, e.episodeReturn(), e.length(), e.success().map(String::valueOf).orElse(""),
                    seconds, space.spec(e.task()).id());
            trainCurve.add(new CurvePlot.Point(step, e.episodeReturn()));
            taskTrainCurves.computeIfAbsent(space.spec(e.task()).id(), k -> new ArrayList<>())
                    .add(new CurvePlot.Point(step, e.episodeReturn()));
            bar.episode(e.episodeReturn());
        }

        @Override
        public void onTimeLimit(long step) {
            bar.println(String.format(Locale.ROOT, "time limit of %.1f min reached at step %d", timeLimit / 60, step));
        }

        @Override
        public void onEvaluation(long step, List<Evaluation.TaskResult> results, OnlineTraining.State state,
                Map<String, Double> metrics) {
            double mean = mean(results);
            boolean hasSuccess = results.stream().allMatch(Evaluation.TaskResult::hasSuccess);
            double success = results.stream().mapToDouble(Evaluation.TaskResult::successRate).average().orElse(0);
            int episodes = results.stream().mapToInt(Evaluation.TaskResult::episodes).sum();
            evalLog.row(step, mean, hasSuccess ? success : "", episodes, state.seconds());
            evalCurve.add(new CurvePlot.Point(step, mean));
            if (hasSuccess) {
                successes.add(success);
            }
            if (taskLog != null) {
                for (Evaluation.TaskResult r : results) {
                    taskLog.row(step, r.spec().id(), r.meanReturn(), r.hasSuccess() ? r.successRate() : "",
                            r.episodes(), random.get(r.task()).meanReturn());
                    taskCurves.computeIfAbsent(r.spec().id(), k -> new ArrayList<>())
                            .add(new CurvePlot.Point(step, r.meanReturn()));
                }
            }
            bar.println(String.format(Locale.ROOT, "eval at step %d: mean return %.1f (random %.1f)%s%s", step, mean,
                    randomMean, hasSuccess ? String.format(Locale.ROOT, ", success %.0f%%", 100 * success) : "",
                    TrainCommand.metricsText(metrics)));
            Map<String, List<CurvePlot.Point>> series = new LinkedHashMap<>();
            if (taskLog == null) {
                series.put("evaluation (mean of " + results.get(0).episodes() + ")", evalCurve);
                series.put("training episodes", trainCurve);
            } else {
                series.put("evaluation, mean over tasks", evalCurve);
                series.putAll(taskCurves);
            }
            // with a wall-time budget the run's length is unknown: the axis ends where the run is
            long xEnd = Double.isInfinite(timeLimit) ? total : Math.max(step, 1);
            series.put("random policy", level(randomMean, xEnd));
            CurvePlot.write(run.curve(), agentName + " on " + trainsOn(), "agent steps", "episode return", series);
            if (taskLog != null) {
                // one chart per task: returns differ in scale between suites
                for (Evaluation.TaskResult r : results) {
                    String id = r.spec().id();
                    Map<String, List<CurvePlot.Point>> one = new LinkedHashMap<>();
                    one.put("evaluation (mean of " + r.episodes() + ")", taskCurves.get(id));
                    one.put("training episodes", taskTrainCurves.getOrDefault(id, List.of()));
                    one.put("random policy", level(random.get(r.task()).meanReturn(), xEnd));
                    CurvePlot.write(run.taskCurve(id), agentName + " on " + id + " (run: " + trainsOn() + ")",
                            "agent steps (all tasks)", "episode return", one);
                }
            }
            run.saveCheckpoint(agent, new RunFolder.State(step, state.episodes(), state.seconds()), learnt);
            savedStep = step;
        }

        private static List<CurvePlot.Point> level(double y, long xEnd) {
            return List.of(new CurvePlot.Point(0, y), new CurvePlot.Point(xEnd, y));
        }

        @Override
        public void close() {
            trainLog.close();
            evalLog.close();
            if (taskLog != null) {
                taskLog.close();
            }
        }
    }
}
