package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.agent.reference.TorchArchive;
import io.github.tdmpc2j.data.DatasetException;
import io.github.tdmpc2j.data.DatasetIndex;
import io.github.tdmpc2j.data.DatasetLayout;
import io.github.tdmpc2j.data.DatasetPolicy;
import io.github.tdmpc2j.data.DatasetWriter;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.agent.Episode;
import io.github.tdmpc2j.spi.io.IoErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j import-data}: the reference's released multitask dataset as a dataset folder of this project. */
@Command(name = "import-data", description = {
        "Import the TD-MPC2 reference's released multitask dataset (mt30 or mt80 chunk files) as a dataset folder "
                + "that `train --data` trains on.",
        "Each chunk (a TensorDict saved by torch.save) is read without running anything in it, a slice at a time; "
                + "each episode becomes one NPZ file in the layout collect writes. Resumable: run the same command again "
                + "to finish an interrupted import."})
final class ImportDataCommand implements Callable<Integer> {
    /** An imported episode's seed: none is known (the reference's data records no reset seeds). */
    static final long NO_SEED = -1;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CHUNK.pt|DIR", description = "a chunk file of the reference's dataset, "
            + "or a folder of them (its *.pt files, in name order, as the reference's offline trainer reads them)")
    Path source;

    @Option(names = "--out", paramLabel = "DATASET",
            required = true, description = "dataset folder to write (a new one, or one this same "
            + "import began)")
    Path out;

    @Option(names = "--set", paramLabel = "mt30|mt80|ID,...",
            required = true, description = "the dataset's tasks in the reference's order: mt30 or "
            + "mt80 (or task ids separated by commas)")
    String set;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        RunFolder.refuseCheckpointFolder(out, "--out");
        List<Path> chunks = chunks(source);
        long start = System.nanoTime();
        // Ctrl-C and SIGTERM stop the import before its next episode is read, to be checked or written (each loop
        // below asks): those written are whole and kept, the lock is let go of (a new dataset that got no episode
        // leaves no folder), and the same command goes on from them
        try (StopSignals signals = StopSignals.install(() -> { }, "the next episode is read from the chunks",
                "the episodes this run wrote are kept, whole");
                EnvRegistry registry = EnvRegistry.discover()) {
            TaskSpace space = TaskSpace.of(registry.taskSet(set).stream().map(registry::resolve).toList());
            int steps = ReferenceDataChunk.referenceSteps(set);
            DatasetIndex index = DatasetIndex.of(space, DatasetPolicy.imported(source, digest(chunks))).withSeed(0);
            // every chunk checked before the dataset is made: a file that is not one, or of another set, writes
            // nothing (an episode of a task the set lacks, too)
            long total = 0;
            long totalSteps = 0;
            for (Path file : chunks) {
                if (signals.stopNow()) {
                    return stopped(signals, 0);
                }
                try (TorchArchive.Opened archive = TorchArchive.open(file)) {
                    ReferenceDataChunk chunk = new ReferenceDataChunk(file, archive.top(), space, set, steps);
                    // every episode's task index; the first episode of each task whole (its padding shows
                    // whether the chunk's task order is the set's)
                    boolean[] seen = new boolean[space.taskCount()];
                    for (long e = 0; e < chunk.episodes(); e++) {
                        if (signals.stopNow()) {
                            return stopped(signals, 0);
                        }
                        int t = chunk.task(e);
                        if (!seen[t]) {
                            seen[t] = true;
                            chunk.episode(e, t);
                        }
                    }
                    console.printf("%s: %s of %s (observation %d, action %d)%n", file,
                            Messages.plural(chunk.episodes(), "episode"), Messages.plural(chunk.steps(), "step"),
                            chunk.observationSize(), chunk.actionSize());
                    console.flush();
                    total += chunk.episodes();
                    totalSteps += chunk.episodes() * chunk.steps();
                }
            }
            if (signals.stopNow()) {
                return stopped(signals, 0);
            }
            long written = 0;
            long kept = 0;
            // taken just before the index of a new dataset is written: the lock removes it again when no episode
            // was written beside it
            try (RunLock lock = RunLock.acquireDataset(out, RunLock.Holder.IMPORT)) {
                try {
                    DatasetWriter writer = DatasetWriter.open(out, index);
                    CollectCommand.damagedFound(spec.commandLine().getErr(), writer.damaged(), "importing it again");
                    // episode numbers per task in the order the chunks hold them: the same import numbers them the same
                    int[] next = new int[space.taskCount()];
                    chunks:
                    for (Path file : chunks) {
                        try (TorchArchive.Opened archive = TorchArchive.open(file)) {
                            ReferenceDataChunk chunk = new ReferenceDataChunk(file, archive.top(), space, set, steps);
                            for (long e = 0; e < chunk.episodes(); e++) {
                                if (signals.stopNow()) {
                                    break chunks;
                                }
                                int t = chunk.task(e);
                                int k = next[t]++;
                                if (writer.has(t, k)) {
                                    kept++;
                                    continue;
                                }
                                Episode episode = chunk.episode(e, t);
                                int n = episode.length();
                                boolean[] terminated = new boolean[n];
                                boolean[] truncated = new boolean[n];
                                // the last step ends the episode: a termination, or else the time limit (or the end of
                                // a piece of a longer episode, as mt80 holds its DMControl tasks' in 100-step pieces)
                                terminated[n - 1] = episode.terminated();
                                truncated[n - 1] = !episode.terminated();
                                writer.writeEncoded(t, k, DatasetWriter.encode(index, episode, NO_SEED, truncated,
                                        terminated));
                                if (++written % 10_000 == 0) {
                                    console.printf("[%d of %d] %s episode %d%n", written + kept, total,
                                            file.getFileName(), e);
                                    console.flush();
                                }
                            }
                        }
                    }
                } catch (RuntimeException | Error e) {
                    lock.failed(); // a refusal leaves the folder as it was: no run.lock it had not
                    throw e;
                }
            }
            // a signal that came once every episode was written stopped nothing: the import is done
            if (signals.cutShort()) {
                return stopped(signals, written);
            }
            console.printf("%s written (%d %s already there) to %s in %.1fs; %s, %s in all; index: %s%n",
                    Messages.plural(written, "episode"), kept, Messages.word(kept, "was", "were"), out,
                    (System.nanoTime() - start) / 1e9, Messages.plural(total, "episode"),
                    Messages.plural(totalSteps, "step"), DatasetLayout.index(out));
            console.printf("train on it: tdmpc2j train --data %s%s%n", out, totalSteps > 1_000_000
                    ? " --set-param buffer_size=" + totalSteps : "");
            console.flush();
            return 0;
        }
    }

    /**
     * Says that the received signal stopped the import after this run wrote {@code written} episodes (once the
     * dataset's lock is let go of), and returns the exit status the command ends with.
     */
    private int stopped(StopSignals signals, long written) {
        PrintWriter console = spec.commandLine().getOut();
        console.println(signals.datasetStoppedLine(out, written, "import", ""));
        console.flush();
        return signals.exitStatus();
    }

    /** The chunk files {@code source} names: itself, or a folder's {@code *.pt} files in name order. */
    static List<Path> chunks(Path source) {
        if (Files.isRegularFile(source)) {
            return List.of(source);
        }
        if (!Files.isDirectory(source)) {
            throw new DatasetException("no file or folder " + source + "; give a chunk file of the reference's "
                    + "dataset (chunk_0.pt of mt30, say) or the folder that holds its chunks");
        }
        List<Path> found;
        try (Stream<Path> files = Files.list(source)) {
            found = files.filter(f -> f.getFileName().toString().endsWith(".pt") && Files.isRegularFile(f))
                    .sorted().toList();
        } catch (IOException e) {
            throw new DatasetException("cannot list " + source + ": " + IoErrors.describe(e), e);
        }
        if (found.isEmpty()) {
            throw new DatasetException(source + " holds no .pt files; give the folder the reference's chunk files "
                    + "(chunk_0.pt, chunk_1.pt, ...) were downloaded into, or one of them");
        }
        return found;
    }

    /** What stands for the chunk files: their names and sizes, so that a resumed import reads the same ones. */
    static String digest(List<Path> chunks) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path f : chunks) {
                sha.update((f.getFileName() + " " + Files.size(f) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new DatasetException("cannot read " + chunks + ": " + IoErrors.describe(e), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}
