package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.agent.checkpoint.Checkpoint;
import io.github.tdmpc2j.agent.reference.ReferenceExport;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j export}: a TD-MPC2 checkpoint of this project as the reference's {@code .pt} file. */
@Command(name = "export", description = {
        "Export a TD-MPC2 checkpoint as the TD-MPC2 reference's .pt file (what its TDMPC2.save writes), for its "
                + "TDMPC2.load and its tools; `tdmpc2j import` reads it back.",
        "The world model goes out (weights, target Q heads, task embeddings, action masks, the policy's std "
                + "range); optimiser moments and the replay buffer stay in the checkpoint."})
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "a checkpoint folder, or a "
            + "run folder that holds one as checkpoint/")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE.pt", description = "the file to write: a new one "
            + "(an existing file is refused, not replaced)")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        if (Files.exists(out)) {
            throw new TdmpcException("--out " + out + " exists; export writes a new file and replaces nothing: "
                    + "choose another name, or remove it first");
        }
        RunFolder.refuseInsideCheckpoint(out, "--out");
        CsvLog.checkCanCreate(out, "give --out a path in a folder you can write");
        RunFolder.removeStaleBeside(out, console);
        Path folder = RunFolder.checkpointOf(checkpoint);
        String agent = RunFolder.recordedAgent(folder).orElse("tdmpc2");
        if (!agent.equals("tdmpc2")) {
            throw new TdmpcException(folder + " is a checkpoint of the agent '" + agent + "'; export writes "
                    + "TD-MPC2 world models (the reference's format), so it takes checkpoints of the tdmpc2 agent");
        }
        // from the files of one checkpoint (a run that trains replaces its checkpoint at every save)
        record Exported(CheckpointFolder.Manifest manifest, List<String> tasks, String size,
                java.util.Map<String, Object> model) {
        }
        Exported saved;
        try (EnvRegistry registry = EnvRegistry.discover()) {
            saved = CheckpointFolder.read(folder, m -> {
                List<String> ids = Checkpoint.savedTasks(m.dir());
                // the reference keeps each task's action mask in the model: they come from the tasks' action sizes
                TaskSpace space = TaskSpace.of(ids.stream().map(registry::resolve).toList());
                return new Exported(m, ids, Checkpoint.savedParams(m.dir()).getOrDefault("model_size", "?"),
                        ReferenceExport.read(m.dir(), AgentContext.of(space, java.util.Map.of(), 0).actionMasks()));
            });
        }
        // read from one checkpoint into memory, then written as a new file: one made at --out meanwhile is refused
        ReferenceExport.writeNew(saved.model(), out);
        List<String> tasks = saved.tasks();
        String size = saved.size();
        console.printf("exported %s (step %d, %sM model, %s) to %s%n", saved.manifest().dir(),
                saved.manifest().step(), size,
                tasks.size() == 1 ? "task " + tasks.get(0) : tasks.size() + " tasks in the order " + tasks, out);
        console.printf("the reference loads it with TDMPC2.load(\"%s\") into an agent of model_size=%s made for %s%n",
                out.getFileName(), size, tasks.size() == 1 ? "that task" : "those tasks, in that order");
        console.flush();
        return 0;
    }
}
