package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.agent.Transition;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One online training run of one agent on one task, as the TD-MPC2 reference's online trainer runs it: act,
 * step, let the agent learn; evaluate (and checkpoint) at step 0, whenever a multiple of {@code eval_freq} has
 * passed at an episode's end, and at the end. Everything goes to the run folder as it happens.
 */
final class OnlineRun {
    /** The evaluation curve of a finished run, and the random policy's return on the same episodes. */
    record Result(List<CurvePlot.Point> evaluations, List<Double> successRates, double randomReturn) {
        double finalReturn() {
            return evaluations.get(evaluations.size() - 1).y();
        }

        Double finalSuccess() {
            return successRates.isEmpty() ? null : successRates.get(successRates.size() - 1);
        }
    }

    private final EnvRegistry registry;
    private final TaskSpec taskSpec;
    private final RunConfig cfg;
    private final RunFolder run;
    private final boolean resume;
    private final PrintWriter console;
    private final boolean terminal;

    OnlineRun(EnvRegistry registry, TaskSpec taskSpec, RunConfig cfg, RunFolder run, boolean resume,
            PrintWriter console, boolean terminal) {
        this.registry = registry;
        this.taskSpec = taskSpec;
        this.cfg = cfg;
        this.run = run;
        this.resume = resume;
        this.console = console;
        this.terminal = terminal;
    }

    Result run() {
        long seedValue = cfg.getLong("seed");
        long total = cfg.getLong("steps");
        long evalFreq = cfg.getLong("eval_freq");
        int evalEpisodes = (int) cfg.getLong("eval_episodes");
        if (total <= 0 || evalFreq <= 0 || evalEpisodes <= 0) {
            throw new TdmpcException("steps, eval_freq and eval_episodes must be positive");
        }
        double timeLimit = cfg.has("time_limit") ? cfg.getDouble("time_limit") * 60 : Double.POSITIVE_INFINITY;
        if (!(timeLimit > 0)) {
            throw new TdmpcException("time_limit (minutes of wall time) must be positive, got " + cfg.get("time_limit"));
        }
        AgentProvider provider = Agents.find(cfg.get("agent"));
        RunFolder.Restored restored = resume ? run.openCheckpoint() : null;
        if (restored != null) {
            cfg.keepCheckpointSettings(provider.checkpointParams(restored.dir()), run.checkpoint());
        }
        try (Env env = registry.make(taskSpec.id(), EnvOptions.seeded(seedValue));
                Env evalEnv = registry.make(taskSpec.id(), EnvOptions.seeded(seedValue + 1));
                Agent agent = provider.create(AgentContext.single(env.spec(), cfg.agentParams(), seedValue))) {
            RunFolder.State state = new RunFolder.State(0, 0, 0);
            if (restored != null) {
                agent.readState(restored.dir());
                state = restored.state();
                RunFolder.truncateAfter(run.trainCsv(), state.step());
                RunFolder.truncateAfter(run.evalCsv(), state.step());
                console.printf("resuming %s at step %d%n", run.dir(), state.step());
            }
            cfg.write(run.config());
            console.printf("training %s on %s for %d steps; run folder %s%n", provider.name(), taskSpec.id(), total,
                    run.dir());

            long evalSeed = 1_000_000L + seedValue * 1000;
            Evaluator.Result random;
            try (Agent randomAgent = Agents.find("random").create(AgentContext.single(env.spec(), Map.of(), seedValue))) {
                random = Evaluator.run(randomAgent, evalEnv, 0, evalEpisodes, evalSeed, 0);
            }
            console.printf(Locale.ROOT, "random policy: mean return %.1f over %d episodes%n", random.meanReturn(),
                    evalEpisodes);

            List<CurvePlot.Point> evalCurve = new ArrayList<>();
            List<Double> successes = new ArrayList<>();
            List<CurvePlot.Point> trainCurve = new ArrayList<>();
            if (Files.isRegularFile(run.evalCsv())) {
                for (String[] row : CsvLog.read(run.evalCsv())) {
                    evalCurve.add(new CurvePlot.Point(Double.parseDouble(row[0]), Double.parseDouble(row[1])));
                    if (!row[2].isEmpty()) {
                        successes.add(Double.parseDouble(row[2]));
                    }
                }
            }
            if (Files.isRegularFile(run.trainCsv())) {
                for (String[] row : CsvLog.read(run.trainCsv())) {
                    trainCurve.add(new CurvePlot.Point(Double.parseDouble(row[0]), Double.parseDouble(row[2])));
                }
            }
            long step = state.step();
            long episode = state.episode();
            double priorSeconds = state.seconds();
            long start = System.nanoTime();
            Progress bar = new Progress(console, terminal, step, total, 30);
            try (CsvLog trainLog = new CsvLog(run.trainCsv(), List.of("step", "episode", "episode_return",
                    "episode_length", "success", "elapsed_s"));
                    CsvLog evalLog = new CsvLog(run.evalCsv(), List.of("step", "mean_return", "success_rate",
                            "episodes", "elapsed_s"))) {
                boolean evalDue = step == 0 || step % evalFreq == 0;
                boolean outOfTime = false;
                Map<String, Double> lastMetrics = Map.of();
                while (true) {
                    double elapsed = priorSeconds + (System.nanoTime() - start) / 1e9;
                    if (!outOfTime && elapsed >= timeLimit && step > 0) {
                        // the wall-time budget ends the run at an episode boundary, with a last evaluation
                        outOfTime = true;
                        evalDue = true;
                        bar.println(String.format(Locale.ROOT, "time limit of %.1f min reached at step %d",
                                timeLimit / 60, step));
                    }
                    if (evalDue || step >= total) {
                        Evaluator.Result r = Evaluator.run(agent, evalEnv, 0, evalEpisodes, evalSeed, 0);
                        evalLog.row(step, r.meanReturn(), r.hasSuccess() ? r.successRate() : "", r.episodes(), elapsed);
                        evalCurve.add(new CurvePlot.Point(step, r.meanReturn()));
                        if (r.hasSuccess()) {
                            successes.add(r.successRate());
                        }
                        bar.println(String.format(Locale.ROOT, "eval at step %d: mean return %.1f (random %.1f)%s%s",
                                step, r.meanReturn(), random.meanReturn(),
                                r.hasSuccess() ? String.format(Locale.ROOT, ", success %.0f%%", 100 * r.successRate())
                                        : "", TrainCommand.metricsText(lastMetrics)));
                        Map<String, List<CurvePlot.Point>> series = new LinkedHashMap<>();
                        series.put("evaluation (mean of " + evalEpisodes + ")", evalCurve);
                        series.put("training episodes", trainCurve);
                        // with a wall-time budget the run's length is unknown: the axis ends where the run is
                        long xEnd = Double.isInfinite(timeLimit) ? total : Math.max(step, 1);
                        series.put("random policy", List.of(new CurvePlot.Point(0, random.meanReturn()),
                                new CurvePlot.Point(xEnd, random.meanReturn())));
                        CurvePlot.write(run.curve(), provider.name() + " on " + taskSpec.id(), "agent steps",
                                "episode return", series);
                        run.saveCheckpoint(agent, new RunFolder.State(step, episode, elapsed));
                        evalDue = false;
                    }
                    if (step >= total || outOfTime) {
                        break;
                    }
                    float[] obs = env.reset(seedValue * 1_000_003L + episode).observation();
                    agent.beginEpisode(0);
                    double episodeReturn = 0;
                    int length = 0;
                    StepResult r;
                    do {
                        float[] action = agent.act(obs, 0, false);
                        r = env.step(action);
                        Map<String, Double> m = agent.observe(new Transition(0, obs, action, r.reward(),
                                r.observation(), r.terminated(), r.truncated()));
                        if (!m.isEmpty()) {
                            lastMetrics = m;
                        }
                        obs = r.observation();
                        episodeReturn += r.reward();
                        length++;
                        step++;
                        if (step % evalFreq == 0) {
                            evalDue = true;
                        }
                        bar.update(step);
                    } while (!r.done() && step < total);
                    if (!r.done()) {
                        // --steps ended the run mid-episode: the last evaluation is next; the cut episode is not logged
                        continue;
                    }
                    episode++;
                    trainLog.row(step, episode, episodeReturn, length, r.success().map(String::valueOf).orElse(""),
                            priorSeconds + (System.nanoTime() - start) / 1e9);
                    trainCurve.add(new CurvePlot.Point(step, episodeReturn));
                    bar.episode(episodeReturn);
                }
            }
            bar.finish();
            console.printf("done: %d steps in %s; results in %s%n", step,
                    Progress.duration(priorSeconds + (System.nanoTime() - start) / 1e9), run.dir());
            console.flush();
            return new Result(evalCurve, successes, random.meanReturn());
        }
    }
}
