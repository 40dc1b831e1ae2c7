package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import io.github.tdmpc2j.spi.rollout.Evaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j eval}: returns and success rates of a checkpoint, per task. */
@Command(name = "eval", description = {
        "Evaluate a checkpoint: mean return and success rate per task, as a table and CSV.",
        "The agent is made with the settings the checkpoint was trained with; its files are checked first."})
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, description = "checkpoint folder")
    Path checkpoint;

    static final class Target {
        @Option(names = "--task", required = true, description = "a single-task checkpoint's task")
        String task;

        @Option(names = "--set", required = true, description = "a multitask checkpoint's task set (mt30, mt80, ...)")
        String set;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--episodes", defaultValue = "10", description = "episodes per task (default ${DEFAULT-VALUE})")
    int episodes;

    @Option(names = "--agent", defaultValue = "tdmpc2", description = "the agent that wrote the checkpoint (default ${DEFAULT-VALUE})")
    String agent;

    @Option(names = "--seed", defaultValue = "1000", description = "seed of the first episode (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--csv", description = "CSV file (default: eval-results.csv beside the checkpoint folder, in the "
            + "run folder for a run's checkpoint/)")
    Path csv;

    @Option(names = "--envs", defaultValue = "1", description = "envs stepped at once, spread over the tasks "
            + "(default ${DEFAULT-VALUE}; at least one per task)")
    int envs;

    @Option(names = "--device", description = "auto, cpu or gpu (default: the checkpoint's)")
    String device;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (episodes <= 0) {
            throw new TdmpcException("--episodes must be positive, got " + episodes);
        }
        CheckpointFolder.Manifest saved = CheckpointFolder.open(checkpoint);
        AgentProvider provider = Agents.find(agent);
        // the agent is made with the checkpoint's own settings (preset, model size, ...)
        Map<String, String> params = new java.util.HashMap<>(provider.checkpointParams(saved.dir()));
        if (device != null) {
            params.put("device", device); // a checkpoint trained on a GPU evaluates on a CPU, and back
        }
        try (EnvRegistry registry = EnvRegistry.discover()) {
            List<String> ids = target.task != null ? List.of(registry.resolve(target.task).id())
                    : registry.taskSet(target.set);
            TaskSpace space = TaskSpace.of(ids.stream().map(registry::resolve).toList());
            Path csvFile = csv != null ? csv : checkpoint.toAbsolutePath().resolveSibling("eval-results.csv");
            // one row per task (more with --envs), all acting in one batch
            List<String> rows = MultitaskEnv.spread(space, envs);
            try (MultitaskEnv env = MultitaskEnv.make(registry, space, rows, seed,
                    Math.min(rows.size(), Runtime.getRuntime().availableProcessors()));
                    Agent a = provider.create(AgentContext.of(space, params, seed))) {
                a.readState(saved.dir()); // before the results file exists: a failed load leaves none
                List<Evaluation.TaskResult> results = Evaluation.run(env, a, episodes, seed);
                try (CsvLog log = new CsvLog(csvFile, List.of("task", "episodes", "mean_return", "success_rate"))) {
                    out.printf("%-40s %8s %12s %8s%n", "TASK", "EPISODES", "RETURN", "SUCCESS");
                    for (Evaluation.TaskResult r : results) {
                        out.printf(Locale.ROOT, "%-40s %8d %12.1f %8s%n", r.spec().id(), r.episodes(), r.meanReturn(),
                                r.hasSuccess() ? String.format(Locale.ROOT, "%.0f%%", 100 * r.successRate()) : "-");
                        log.row(r.spec().id(), r.episodes(), r.meanReturn(), r.hasSuccess() ? r.successRate() : "");
                    }
                }
                out.println("results: " + csvFile);
            }
            return 0;
        }
    }
}
