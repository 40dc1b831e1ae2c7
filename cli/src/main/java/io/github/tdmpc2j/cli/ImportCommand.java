package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.agent.reference.ReferenceCheckpoint;
import io.github.tdmpc2j.agent.reference.ReferenceImport;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.GivingUp;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import io.github.tdmpc2j.spi.io.IoErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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

    @Parameters(index = "0", paramLabel = "FILE.pt", description = "the reference's .pt file")
    Path file;

    @Option(names = "--out", paramLabel = "DIR",
            required = true, description = "checkpoint folder to write: a new or empty folder (one "
            + "that holds anything is refused, not replaced)")
    Path out;

    static final class Target {
        @Option(names = "--task", paramLabel = "ID",
                required = true, description = "a single-task model's task (e.g. dog-run)")
        String task;

        @Option(names = "--set", paramLabel = "NAME",
                required = true, description = "a multitask model's tasks in its order: mt30, "
                + "mt80, or task ids separated by commas")
        String set;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--set-param", paramLabel = "k=v",
            description = "key=value, repeatable: agent settings to record with the model "
            + "(planning: iterations, num_samples, ...; default the reference's); its shape comes from the file, and the "
            + "device is eval's --device")
    List<String> params;

    /** What a signal gives up, as its notice says ({@link StopSignals}). */
    static final String GIVEN_UP = "the .pt file being read or imported is given up within seconds; nothing is "
            + "written";

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> settings = new RunConfig(Map.of()).pairs(params).all();
        String device = settings.get("device");
        if (device != null && !device.equals("cpu")) {
            // the folder is written on the CPU and records device=cpu; a GPU is chosen where the model runs
            throw new TdmpcException("--set-param device=" + device + " is not recorded by import: the checkpoint "
                    + "folder holds the model for any device. Leave it out and evaluate on a GPU with `tdmpc2j eval "
                    + "--checkpoint " + this.out + " --device " + device + " ...`");
        }
        refuseExisting(this.out);
        RunFolder.refuseInsideCheckpoint(this.out, "--out");
        CsvLog.checkCanCreate(this.out, "give --out a folder in one you can write");
        RunFolder.removeStaleBeside(this.out, out);
        // a large model's import (the file read, the model made, written and hashed) takes a minute or more on a
        // CPU: Ctrl-C or SIGTERM gives it up within seconds, and the temporary folder it was writing beside --out is
        // removed with it (--out itself is made only by the last move, so a folder that was there stays as it was)
        try (StopSignals signals = StopSignals.install(() -> { }, "the import ends", GIVEN_UP)) {
            ReferenceCheckpoint ref = GivingUp.unless(signals::stopNow, () -> ReferenceCheckpoint.read(file))
                    .orElse(null);
            return ref == null ? stopped(signals, out) : write(ref, settings, signals, out);
        }
    }

    private int write(ReferenceCheckpoint ref, Map<String, String> settings, StopSignals signals, PrintWriter out) {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            List<String> ids = target.task != null ? List.of(registry.resolve(target.task).id())
                    : registry.taskSet(target.set);
            List<TaskSpec> specs = ids.stream().map(registry::resolve).toList();
            AgentContext context = GivingUp.unless(signals::stopNow, () -> ReferenceImport.write(ref, specs,
                    settings, this.out, file.getFileName().toString())).orElse(null);
            if (context == null) {
                return stopped(signals, out);
            }
            out.printf("imported %s (%s layout): %s, observation %d, action %d, %s%n", file,
                    ref.oldLayout() ? "released, older Q-ensemble" : "current", Messages.plural(ids.size(), "task"),
                    context.observationSize(), context.actionSize(), ref.params());
            out.printf("checkpoint: %s%nevaluate it: tdmpc2j eval --checkpoint %s %s%n", this.out, this.out,
                    target.task != null ? "--task " + ids.get(0) : "--set " + target.set);
            return 0;
        }
    }

    /** Says that the received signal gave the import up, and returns the exit status the command ends with. */
    private static int stopped(StopSignals signals, PrintWriter out) {
        out.println("stopped by " + signals.received() + " before the import ended: nothing was written; the same "
                + "command run again does the import");
        out.flush();
        return signals.exitStatus();
    }

    /**
     * {@code import} writes a new folder: one that exists with something in it (a trained run's checkpoint, say)
     * is left alone, as is the previous checkpoint a stopped save left beside it as {@code DIR.old}, which a
     * checkpoint write would put back in place and then replace.
     */
    private static void refuseExisting(Path dir) {
        Path old = dir.toAbsolutePath().resolveSibling(dir.getFileName() + ".old");
        String what;
        Path remove = dir;
        if (Files.isRegularFile(dir.resolve(CheckpointFolder.MANIFEST))) {
            what = "it holds a checkpoint";
        } else if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                what = entries.findAny().isPresent() ? "it is a folder that is not empty" : null;
            } catch (IOException e) {
                throw new TdmpcException("cannot read --out " + dir + ": " + IoErrors.describe(e), e);
            }
        } else {
            what = Files.exists(dir) ? "it is a file" : null;
        }
        if (what == null && Files.exists(old)) {
            what = old + " beside it holds the checkpoint a stopped save left";
            remove = old;
        }
        if (what != null) {
            throw new TdmpcException("--out " + dir + " is taken: " + what + ". import writes a new checkpoint "
                    + "folder and replaces nothing: choose another --out, or remove " + remove + " first.");
        }
    }
}
