package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.agent.reference.ReferenceCheckpoint;
import io.github.tdmpc2j.agent.reference.ReferenceImport;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.AgentContext;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j import}: a checkpoint of the TD-MPC2 reference as a checkpoint folder of this project. */
@Command(name = "import", description = {
        "Import a TD-MPC2 reference checkpoint (.pt) as a checkpoint folder that `eval` runs.",
        "The file (the authors' released models, or one saved by their code) is read without running anything in "
                + "it; its model size, task embeddings, observation and action sizes are inferred from its tensors "
                + "and checked against the tasks given."})
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the reference's .pt file")
    Path file;

    @Option(names = "--out", required = true, description = "checkpoint folder to write")
    Path out;

    static final class Target {
        @Option(names = "--task", required = true, description = "a single-task model's task (e.g. dog-run)")
        String task;

        @Option(names = "--set", required = true, description = "a multitask model's tasks in its order: mt30, "
                + "mt80, or task ids separated by commas")
        String set;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--set-param", description = "key=value, repeatable: agent settings to record with the model "
            + "(planning: iterations, num_samples, ...; default the reference's); its shape comes from the file")
    List<String> params;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ReferenceCheckpoint ref = ReferenceCheckpoint.read(file);
        try (EnvRegistry registry = EnvRegistry.discover()) {
            List<String> ids = target.task != null ? List.of(registry.resolve(target.task).id())
                    : registry.taskSet(target.set);
            List<TaskSpec> specs = ids.stream().map(registry::resolve).toList();
            AgentContext context = ReferenceImport.write(ref, specs,
                    new RunConfig(Map.of()).pairs(params).all(), this.out, file.getFileName().toString());
            out.printf("imported %s (%s layout): %d task(s), observation %d, action %d, %s%n", file,
                    ref.oldLayout() ? "released, older Q-ensemble" : "current", ids.size(),
                    context.observationSize(), context.actionSize(), ref.params());
            out.printf("checkpoint: %s%nevaluate it: tdmpc2j eval --checkpoint %s %s%n", this.out, this.out,
                    target.task != null ? "--task " + ids.get(0) : "--set " + target.set);
            return 0;
        }
    }
}
