package io.github.tdmpc2j.spi.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.io.WriteFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointFolderTest {
    /** Halts the writer in a child JVM at each stage; what is left is the whole old or the whole new checkpoint. */
    @ParameterizedTest
    @ValueSource(strings = {"IN_CONTENTS", "CONTENTS_WRITTEN", "MANIFEST_WRITTEN", "OLD_MOVED_ASIDE", "NEW_IN_PLACE"})
    void aWriterKilledAtAnyStageLeavesTheWholeOldOrTheWholeNewCheckpoint(String stage, @TempDir Path dir)
            throws Exception {
        Path target = dir.resolve("checkpoint");
        CheckpointWriterMain.write(target, 1, false);
        assertThat(CheckpointFolder.open(target).step()).isEqualTo(1);

        int status = runChild(target, 2, stage);
        assertThat(status).as("the child halted at " + stage).isEqualTo(CheckpointFolder.HALT_STATUS);
        long expected = stage.equals("NEW_IN_PLACE") ? 2 : 1;
        assertThat(leftovers(dir)).as("the killed writer left its work behind").isNotEmpty();

        // a reader, changing nothing, sees one whole checkpoint
        CheckpointFolder.Manifest m = CheckpointFolder.open(target);
        assertThat(m.step()).isEqualTo(expected);
        assertThat(CheckpointWriterMain.stepOfFiles(m.dir())).isEqualTo(expected);
        assertThat(m.files()).containsOnlyKeys("weights.bin", "buffer/replay.bin", "trainer.properties");

        // the writer's recovery is deterministic and removes what the killed writer left
        CheckpointFolder.recover(target);
        assertThat(leftovers(dir)).isEmpty();
        assertThat(CheckpointFolder.open(target).dir()).isEqualTo(target);
        assertThat(CheckpointWriterMain.stepOfFiles(target)).isEqualTo(expected);

        CheckpointWriterMain.write(target, 3, false);
        assertThat(CheckpointFolder.open(target).step()).isEqualTo(3);
        assertThat(CheckpointWriterMain.stepOfFiles(target)).isEqualTo(3);
        assertThat(leftovers(dir)).isEmpty();
    }

    @Test
    void aKilledFirstWriteLeavesNoCheckpointAndTheNextWriteCleansUp(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("checkpoint");
        assertThat(runChild(target, 1, "MANIFEST_WRITTEN")).isEqualTo(CheckpointFolder.HALT_STATUS);
        assertThat(CheckpointFolder.exists(target)).isFalse();
        assertThatThrownBy(() -> CheckpointFolder.open(target)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no checkpoint folder at " + target);
        assertThat(leftovers(dir)).hasSize(1);
        CheckpointWriterMain.write(target, 2, false);
        assertThat(leftovers(dir)).isEmpty();
        assertThat(CheckpointWriterMain.stepOfFiles(CheckpointFolder.open(target).dir())).isEqualTo(2);
    }

    @Test
    void aBitFlipAMissingFileOrAFileFromAnotherCheckpointIsRefused(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("checkpoint");
        Path other = dir.resolve("other");
        CheckpointWriterMain.write(target, 1, false);
        CheckpointWriterMain.write(other, 2, false);
        Path weights = target.resolve("weights.bin");
        byte[] good = Files.readAllBytes(weights);

        byte[] flipped = good.clone();
        flipped[good.length / 3] ^= 0x10;
        Files.write(weights, flipped);
        assertThatThrownBy(() -> CheckpointFolder.open(target)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(weights + " does not match the checksum in " + CheckpointFolder.MANIFEST)
                .hasMessageContaining("Restore the file, or use another checkpoint");
        Files.write(weights, good);
        assertThat(CheckpointFolder.open(target).step()).isEqualTo(1);

        // the mix of the bug report: the trainer state of one checkpoint beside the weights of another
        Path trainer = target.resolve("trainer.properties");
        Files.copy(other.resolve("trainer.properties"), trainer, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> CheckpointFolder.open(target)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(trainer + " does not match the checksum");
        Files.writeString(trainer, "step=1\n");

        Files.delete(target.resolve("buffer").resolve("replay.bin"));
        assertThatThrownBy(() -> CheckpointFolder.open(target)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("lacks buffer/replay.bin, which its manifest lists");
        Files.copy(other.resolve("buffer").resolve("replay.bin"), target.resolve("buffer").resolve("replay.bin"));
        assertThatThrownBy(() -> CheckpointFolder.open(target)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("does not match the checksum");
        Files.delete(target.resolve("buffer").resolve("replay.bin"));
        Files.delete(target.resolve("buffer"));

        CheckpointWriterMain.write(target, 1, false);
        Files.writeString(target.resolve("extra.bin"), "x");
        assertThatThrownBy(() -> CheckpointFolder.open(target)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("extra.bin is not in the checkpoint's " + CheckpointFolder.MANIFEST);
        Files.delete(target.resolve("extra.bin"));

        Files.delete(target.resolve(CheckpointFolder.MANIFEST));
        assertThatThrownBy(() -> CheckpointFolder.open(target)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("has no " + CheckpointFolder.MANIFEST).hasMessageContaining("train again");
    }

    /**
     * A reader whose checkpoint its writer replaces while it reads (a run that trains saves at every evaluation)
     * reads the new one whole instead of a mix or a false "does not match the checksum"; a checkpoint damaged in
     * place still fails at once.
     */
    @Test
    void aReaderOfACheckpointReplacedWhileItReadsReadsTheNewOneWhole(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("checkpoint");
        CheckpointWriterMain.write(target, 1, false);
        List<Long> seen = new ArrayList<>();
        long step = CheckpointFolder.read(target, m -> {
            long files = stepOfFiles(m.dir());
            seen.add(files);
            if (seen.size() == 1) {
                CheckpointWriterMain.write(target, 2, false); // the writer's next save, in the middle of the read
            }
            return files;
        });
        assertThat(step).isEqualTo(2);
        assertThat(seen).containsExactly(1L, 2L);

        List<Long> failed = new ArrayList<>();
        long after = CheckpointFolder.read(target, m -> {
            if (failed.isEmpty()) {
                failed.add(m.step());
                CheckpointWriterMain.write(target, 3, false);
                throw new CheckpointException("a file vanished under the reader");
            }
            return stepOfFiles(m.dir());
        });
        assertThat(after).isEqualTo(3);

        Path weights = target.resolve("weights.bin");
        byte[] flipped = Files.readAllBytes(weights);
        flipped[0] ^= 0x10;
        Files.write(weights, flipped);
        List<Long> attempts = new ArrayList<>();
        assertThatThrownBy(() -> CheckpointFolder.read(target, m -> attempts.add(m.step())))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("does not match the checksum");
    }

    /**
     * The step a loader read is that of the checkpoint it loaded (eval records it in its results): a run's save in
     * the middle of the load makes it load again and gives the new step, not the step seen before the load; a
     * checkpoint replaced at every load is refused after a bounded number of attempts.
     */
    @Test
    void theLoadedStepIsThatOfTheCheckpointLoaded(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("checkpoint");
        CheckpointWriterMain.write(target, 1, false);
        assertThat(CheckpointFolder.loadedStep(target, t -> CheckpointFolder.read(t, m -> m.step()))).isEqualTo(1);

        List<Long> loaded = new ArrayList<>();
        long step = CheckpointFolder.loadedStep(target, t -> {
            loaded.add(CheckpointFolder.read(t, m -> stepOfFiles(m.dir())));
            if (loaded.size() == 1) {
                CheckpointWriterMain.write(target, 5, false); // the run's next save, after this load read step 1
            }
        });
        assertThat(loaded).containsExactly(1L, 5L);
        assertThat(step).isEqualTo(5);

        long[] next = {10};
        assertThatThrownBy(() -> CheckpointFolder.loadedStep(target,
                t -> CheckpointWriterMain.write(target, next[0]++, false))).isInstanceOf(CheckpointException.class).hasMessageContaining("was replaced 10 times while it was read");
    }

    private static long stepOfFiles(Path dir) {
        try {
            return CheckpointWriterMain.stepOfFiles(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFolderThatIsNotACheckpointIsNeverReplacedAndAFailedWriteKeepsThePreviousOne(@TempDir Path dir)
            throws Exception {
        Path notes = dir.resolve("notes");
        Files.createDirectories(notes);
        Files.writeString(notes.resolve("todo.txt"), "keep me");
        assertThatThrownBy(() -> CheckpointWriterMain.write(notes, 1, false)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("is not a checkpoint folder");
        assertThat(notes.resolve("todo.txt")).hasContent("keep me");

        Path target = dir.resolve("checkpoint");
        CheckpointWriterMain.write(target, 1, false);
        // a write the file system fails on the way (a full disk: here a file of the new checkpoint that is the
        // kernel's /dev/full, whose writes fail with ENOSPC) is said of the checkpoint, not of its temporary folder,
        // as one that may pass (space freed); the checkpoint there is as it was, nothing of the write left
        assertThatThrownBy(() -> CheckpointFolder.write(target, 2, d -> {
            Files.writeString(d.resolve("trainer.properties"), "step=2");
            Path weights = d.resolve("weights.bin");
            Files.createSymbolicLink(weights, Path.of("/dev/full"));
            Files.write(weights, new byte[1 << 16]);
        })).isInstanceOf(WriteFailedException.class)
                .hasMessage("cannot write the checkpoint " + target + ": no space left on the disk")
                .satisfies(e -> assertThat(((WriteFailedException) e).transientFailure()).isTrue());
        assertThat(CheckpointWriterMain.stepOfFiles(CheckpointFolder.open(target).dir())).isEqualTo(1);
        assertThat(leftovers(dir)).isEmpty();
        // the contents' typed refusal (an agent saved after its close) in its own words, not its class's name
        assertThatThrownBy(() -> CheckpointFolder.write(target, 3, d -> {
            throw new EnvStateException("this agent is closed; create a new one");
        })).isInstanceOf(CheckpointException.class)
                .hasMessage("could not write the checkpoint " + target + ": this agent is closed; create a new one");
        assertThat(CheckpointWriterMain.stepOfFiles(CheckpointFolder.open(target).dir())).isEqualTo(1);
    }

    /**
     * Contents (an agent's writeState) that name a file manifest.properties are refused in words that say so, the
     * previous checkpoint kept: the manifest's write failed with "already exists", said of the disk as a full disk
     * is (a transient failure, which the same command would meet again).
     */
    @Test
    void contentsThatTakeTheManifestsNameAreRefusedAsSuch(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("checkpoint");
        CheckpointWriterMain.write(target, 1, false);
        assertThatThrownBy(() -> CheckpointFolder.write(target, 2, d -> {
            Files.writeString(d.resolve("weights.bin"), "w");
            Files.writeString(d.resolve(CheckpointFolder.MANIFEST), "my agent's settings");
        })).isExactlyInstanceOf(CheckpointException.class)
                .hasMessageStartingWith("cannot write the checkpoint " + target + ": its contents hold a file named "
                        + "manifest.properties, the name a checkpoint keeps for its manifest")
                .hasMessageContaining("writeState gives its files other names");
        assertThat(CheckpointWriterMain.stepOfFiles(CheckpointFolder.open(target).dir())).isEqualTo(1);
        assertThat(leftovers(dir)).isEmpty();
    }

    @Test
    void aRunFolderResolvesToItsCheckpointAndAFolderWithoutOneSaysWhatIsExpected(@TempDir Path dir)
            throws Exception {
        Path run = dir.resolve("run");
        Path checkpoint = run.resolve(CheckpointFolder.IN_RUN);
        CheckpointWriterMain.write(checkpoint, 4, false);
        Files.writeString(run.resolve("train.csv"), "step\n");
        assertThat(CheckpointFolder.resolve(checkpoint)).isEqualTo(checkpoint);
        assertThat(CheckpointFolder.resolve(run)).isEqualTo(checkpoint);
        assertThat(CheckpointFolder.open(CheckpointFolder.resolve(run)).step()).isEqualTo(4);

        // a writer killed between its renames left checkpoint.old only: the run folder still resolves to it
        Files.move(checkpoint, run.resolve(CheckpointFolder.IN_RUN + ".old"));
        assertThat(CheckpointFolder.resolve(run)).isEqualTo(checkpoint);
        assertThat(CheckpointFolder.open(CheckpointFolder.resolve(run)).step()).isEqualTo(4);

        // a folder with no checkpoint at all is not called an old checkpoint
        Path empty = Files.createDirectories(dir.resolve("empty").resolve("sub"));
        assertThat(CheckpointFolder.resolve(empty.getParent())).isEqualTo(empty.getParent());
        assertThatThrownBy(() -> CheckpointFolder.open(empty.getParent())).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(empty.getParent() + " holds no checkpoint")
                .hasMessageContaining("Expected the checkpoint/ folder of a run").hasMessageNotContaining("train again");
        // a folder with files but no manifest: not a checkpoint, or one of an older version
        Path files = Files.createDirectories(dir.resolve("files"));
        Files.writeString(files.resolve("weights.bin"), "x");
        assertThatThrownBy(() -> CheckpointFolder.open(CheckpointFolder.resolve(files)))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not a checkpoint this version can check")
                .hasMessageContaining("Expected the checkpoint/ folder of a run")
                .hasMessageContaining("train again");
        assertThatThrownBy(() -> CheckpointFolder.open(dir.resolve("missing"))).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("(no such file or folder). Expected the checkpoint/ folder");
        Files.move(run.resolve(CheckpointFolder.IN_RUN + ".old"), checkpoint);
        assertThatThrownBy(() -> CheckpointFolder.open(run)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(run + " is a run folder, not a checkpoint folder: give " + checkpoint);
    }

    private static int runChild(Path target, long step, String stage) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        if (stage.equals("IN_CONTENTS")) {
            command.add("-Dtest.haltInContents=true");
        } else {
            command.add("-D" + CheckpointFolder.HALT_PROPERTY + "=" + stage);
        }
        command.addAll(List.of(CheckpointWriterMain.class.getName(), target.toString(), Long.toString(step)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the writer did not stop at " + stage);
        }
        assertThat(output).as("child output").doesNotContain("Exception");
        return p.exitValue();
    }

    /** What a writer leaves beside the checkpoint folders when killed: .old and .tmp- folders. */
    private static List<Path> leftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(".tmp-")
                    || p.getFileName().toString().endsWith(".old")).toList();
        }
    }

    /**
     * A null folder is the caller's mistake, not the agent's. Before: an agent of Agents.find saved or loaded with
     * null was a PluginException blaming its plug-in ('plug-in ...RandomAgentProvider in ...: agent 'random': load
     * threw NullPointerException: Cannot invoke "java.nio.file.Path.toAbsolutePath()" because "target" is null');
     * CheckpointFolder.open(null) and resolve(null) were NullPointerExceptions.
     */
    @Test
    void aNullFolderIsTheCallersTypedErrorNotTheAgents() {
        io.github.tdmpc2j.spi.TaskSpec task = io.github.tdmpc2j.spi.LineEnv.spec("line/a", 2, 1, -1, 1, 10, 1);
        String expected = "the checkpoint folder is null: pass its path (Path.of(\"runs/x/checkpoint\"), or a run "
                + "folder that holds one)";
        try (Agent agent = Agents.find("random").create(AgentContext.single(task, java.util.Map.of(), 1))) {
            assertThatThrownBy(() -> agent.save(null)).isExactlyInstanceOf(io.github.tdmpc2j.spi.TdmpcException.class)
                    .hasMessage(expected);
            assertThatThrownBy(() -> agent.load(null)).isExactlyInstanceOf(io.github.tdmpc2j.spi.TdmpcException.class)
                    .hasMessage(expected);
        }
        assertThatThrownBy(() -> CheckpointFolder.open(null)).hasMessage(expected);
        assertThatThrownBy(() -> CheckpointFolder.resolve(null)).hasMessage(expected);
        assertThatThrownBy(() -> CheckpointFolder.exists(null)).hasMessage(expected);
        assertThatThrownBy(() -> CheckpointFolder.enclosing(null)).hasMessage(expected);
    }
}
