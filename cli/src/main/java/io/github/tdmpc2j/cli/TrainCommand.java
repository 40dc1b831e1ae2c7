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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        "Train an agent. Online: --task ID (one task, the agent acting in the env). Offline: --set NAME --data DIR",
        "(a multitask agent learning from a dataset made by `tdmpc2j collect`, evaluated per task).",
        "Writes config.yaml, train.csv, eval.csv, curve.png and checkpoint/ into the run folder",
        "(default runs/TASK/SEED/TIMESTAMP)."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--task", description = "online training on this task")
    String task;

    @Option(names = "--set", description = "offline multitask training on this task set (needs --data)")
    String set;

    @Option(names = "--data", description = "dataset folder for offline training")
    Path data;

    @Option(names = "--steps", description = "agent steps (online) or updates (offline); default 100000")
    Long steps;

    @Option(names = "--preset", description = "paper (the reference's settings, for GPUs) or cpu")
    String preset;

    @Option(names = "--model-size", description = "1, 5, 19, 48 or 317 (millions of parameters)")
    Integer modelSize;

    @Option(names = "--seed", description = "seed (default 1)")
    Long seed;

    @Option(names = "--device", description = "auto, cpu or gpu")
    String device;

    @Option(names = "--agent", description = "agent plug-in (default tdmpc2; `tdmpc2j agents` lists them)")
    String agent;

    @Option(names = "--config", description = "YAML file of settings (reference names)")
    Path config;

    @Option(names = "--set-param", description = "key=value, repeatable; wins over everything else")
    List<String> params;

    @Option(names = "--eval-every", description = "evaluate (and checkpoint) every N steps; default 10000")
    Long evalEvery;

    @Option(names = "--eval-episodes", description = "episodes per evaluation; default 3")
    Long evalEpisodes;

    @Option(names = "--out", description = "run folder")
    Path out;

    @Option(names = "--resume", description = "continue the run in --out (or the newest run of the task and seed)")
    boolean resume;

    @Option(names = "--progress", description = "auto, bar or log (default auto: a bar on a terminal)")
    String progress = "auto";

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        RunConfig cfg = new RunConfig(Map.of("steps", "100000", "eval_freq", "10000", "eval_episodes", "3",
                "seed", "1", "agent", "tdmpc2"))
                .file(config)
                .set("steps", steps).set("preset", preset).set("model_size", modelSize).set("seed", seed)
                .set("device", device).set("agent", agent).set("eval_freq", evalEvery)
                .set("eval_episodes", evalEpisodes)
                .pairs(params);
        if ((task == null) == (set == null)) {
            throw new TdmpcException("choose --task ID (online) or --set NAME --data DIR (offline)");
        }
        if (set != null && data == null) {
            throw new TdmpcException("offline training on --set " + set + " needs --data DIR (make one with `tdmpc2j collect`)");
        }
        try (EnvRegistry registry = EnvRegistry.discover()) {
            if (task != null) {
                return online(registry, cfg, console);
            }
            return OfflineTraining.run(registry, cfg, set, data, out, resume, console, terminal());
        }
    }

    private boolean terminal() {
        return switch (progress) {
            case "bar" -> true;
            case "log" -> false;
            case "auto" -> System.console() != null;
            default -> throw new TdmpcException("--progress takes auto, bar or log, got " + progress);
        };
    }

    private int online(EnvRegistry registry, RunConfig cfg, PrintWriter console) {
        TaskSpec taskSpec = registry.resolve(task);
        cfg.set("task", taskSpec.id());
        long seedValue = cfg.getLong("seed");
        long total = cfg.getLong("steps");
        long evalFreq = cfg.getLong("eval_freq");
        int evalEpisodesValue = (int) cfg.getLong("eval_episodes");
        if (total <= 0 || evalFreq <= 0 || evalEpisodesValue <= 0) {
            throw new TdmpcException("steps, eval_freq and eval_episodes must be positive");
        }
        RunFolder run = resume ? RunFolder.resume(out, taskSpec.id(), seedValue)
                : RunFolder.create(out, taskSpec.id(), seedValue);
        AgentProvider provider = Agents.find(cfg.get("agent"));

        try (Env env = registry.make(taskSpec.id(), EnvOptions.seeded(seedValue));
                Env evalEnv = registry.make(taskSpec.id(), EnvOptions.seeded(seedValue + 1));
                Agent agentInstance = provider.create(AgentContext.single(env.spec(), cfg.agentParams(), seedValue))) {
            RunFolder.State state = new RunFolder.State(0, 0, 0);
            if (resume) {
                agentInstance.load(run.checkpoint());
                state = run.loadState();
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
                random = Evaluator.run(randomAgent, evalEnv, 0, evalEpisodesValue, evalSeed, 0);
            }
            console.printf(Locale.ROOT, "random policy: mean return %.1f over %d episodes%n", random.meanReturn(),
                    evalEpisodesValue);

            List<CurvePlot.Point> evalCurve = new ArrayList<>();
            List<CurvePlot.Point> trainCurve = new ArrayList<>();
            if (java.nio.file.Files.isRegularFile(run.evalCsv())) {
                for (String[] row : CsvLog.read(run.evalCsv())) {
                    evalCurve.add(new CurvePlot.Point(Double.parseDouble(row[0]), Double.parseDouble(row[1])));
                }
            }
            if (java.nio.file.Files.isRegularFile(run.trainCsv())) {
                for (String[] row : CsvLog.read(run.trainCsv())) {
                    trainCurve.add(new CurvePlot.Point(Double.parseDouble(row[0]), Double.parseDouble(row[2])));
                }
            }
            long step = state.step();
            long episode = state.episode();
            double priorSeconds = state.seconds();
            long start = System.nanoTime();
            Progress bar = new Progress(console, terminal(), step, total, 30);
            try (CsvLog trainLog = new CsvLog(run.trainCsv(), List.of("step", "episode", "episode_return",
                    "episode_length", "success", "elapsed_s"));
                    CsvLog evalLog = new CsvLog(run.evalCsv(), List.of("step", "mean_return", "success_rate",
                            "episodes", "elapsed_s"))) {
                boolean evalDue = step == 0 || step % evalFreq == 0;
                Map<String, Double> lastMetrics = Map.of();
                while (true) {
                    double elapsed = priorSeconds + (System.nanoTime() - start) / 1e9;
                    if (evalDue || step >= total) {
                        Evaluator.Result r = Evaluator.run(agentInstance, evalEnv, 0, evalEpisodesValue, evalSeed, 0);
                        evalLog.row(step, r.meanReturn(), r.hasSuccess() ? r.successRate() : "", r.episodes(), elapsed);
                        evalCurve.add(new CurvePlot.Point(step, r.meanReturn()));
                        bar.println(String.format(Locale.ROOT, "eval at step %d: mean return %.1f (random %.1f)%s%s",
                                step, r.meanReturn(), random.meanReturn(),
                                r.hasSuccess() ? String.format(Locale.ROOT, ", success %.0f%%", 100 * r.successRate())
                                        : "", metricsText(lastMetrics)));
                        Map<String, List<CurvePlot.Point>> series = new LinkedHashMap<>();
                        series.put("evaluation (mean of " + evalEpisodesValue + ")", evalCurve);
                        series.put("training episodes", trainCurve);
                        series.put("random policy", List.of(new CurvePlot.Point(0, random.meanReturn()),
                                new CurvePlot.Point(total, random.meanReturn())));
                        CurvePlot.write(run.curve(), provider.name() + " on " + taskSpec.id(), "agent steps",
                                "episode return", series);
                        agentInstance.save(run.checkpoint());
                        run.saveState(new RunFolder.State(step, episode, elapsed));
                        evalDue = false;
                    }
                    if (step >= total) {
                        break;
                    }
                    float[] obs = env.reset(seedValue * 1_000_003L + episode).observation();
                    agentInstance.beginEpisode(0);
                    double episodeReturn = 0;
                    int length = 0;
                    StepResult r;
                    do {
                        float[] action = agentInstance.act(obs, 0, false);
                        r = env.step(action);
                        Map<String, Double> m = agentInstance.observe(new Transition(0, obs, action, r.reward(),
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
                    } while (!r.done());
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
            return 0;
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
