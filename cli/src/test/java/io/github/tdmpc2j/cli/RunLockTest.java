package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A run folder has one writer at a time ({@link RunLock}); readers read its last whole checkpoint meanwhile. */
class RunLockTest {
    private static final String[] SHORT = {"--agent", "random", "--eval-every", "200", "--eval-episodes", "1",
        "--progress", "log"};

    private static TasksCommandTest.Run train(Path out, String... args) {
        List<String> all = new ArrayList<>(List.of("train", "--out", out.toString()));
        all.addAll(List.of(args));
        all.addAll(List.of(SHORT));
        return TasksCommandTest.run(all.toArray(String[]::new));
    }

    /**
     * While a run of this process holds a folder, every other writer is refused before it changes anything:
     * train --resume, a new train (of the folder too: by the lock, not with the advice to --resume), offline train
     * --data, a bench unit, a bench on a bench folder in use; once it is released, resume goes on.
     */
    @Test
    void aRunFolderHasOneWriterAtATime(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertThat(train(run, "--task", "pendulum-v1", "--steps", "400").exit()).isZero();
        String evals = Files.readString(run.resolve("eval.csv"));
        try (RunLock held = new RunFolder(run).lock()) {
            TasksCommandTest.Run resumed = train(run, "--steps", "800", "--resume");
            assertThat(resumed.exit()).isEqualTo(2);
            assertThat(resumed.err()).contains("another run of this process (pid " + ProcessHandle.current().pid()
                    + ") is using the run folder " + run).contains("Wait for that run to end")
                    .contains("choose another --out");
            assertThat(Files.readString(run.resolve("eval.csv"))).isEqualTo(evals);
            assertThat(CheckpointFolder.open(run.resolve("checkpoint")).step()).isEqualTo(400);
            // a new run there is refused by the lock, not with "--resume goes on with it", which the lock refuses
            TasksCommandTest.Run anew = train(run, "--task", "pendulum-v1", "--steps", "400");
            assertThat(anew.exit()).isEqualTo(2);
            assertThat(anew.err()).contains("another run of this process (pid " + ProcessHandle.current().pid()
                    + ") is using the run folder " + run).doesNotContain("--resume --out");
        }
        assertThat(train(run, "--steps", "600", "--resume").exit()).isZero();

        Path fresh = dir.resolve("fresh");
        try (RunLock held = new RunFolder(fresh).lock()) {
            TasksCommandTest.Run other = train(fresh, "--task", "pendulum-v1", "--steps", "200");
            assertThat(other.exit()).isEqualTo(2);
            assertThat(other.err()).contains("is using the run folder " + fresh);
            assertThat(fresh).isDirectory();
        }
        assertThat(fresh).as("a lock that made the folder and nothing else leaves no folder").doesNotExist();

        Path data = dir.resolve("data");
        assertThat(TasksCommandTest.run("collect", "--tasks", "pendulum-v1", "--episodes", "1", "--out",
                data.toString()).exit()).isZero();
        Path offline = dir.resolve("offline");
        try (RunLock held = new RunFolder(offline).lock()) {
            TasksCommandTest.Run other = train(offline, "--data", data.toString(), "--steps", "2");
            assertThat(other.exit()).isEqualTo(2);
            assertThat(other.err()).contains("is using the run folder " + offline);
        }

        Path bench = dir.resolve("bench");
        try (RunLock held = new RunFolder(bench.resolve("runs/classic/pendulum/seed-1")).lock()) {
            TasksCommandTest.Run other = TasksCommandTest.run("bench", "--tasks", "pendulum-v1", "--agent", "random",
                    "--steps", "200", "--seeds", "1", "--eval-episodes", "1", "--out", bench.toString());
            assertThat(other.exit()).isEqualTo(2);
            assertThat(other.err()).contains("is using the run folder " + bench.resolve("runs/classic/pendulum/seed-1"));
        }
        // a bench command holds its --out, where it writes report.md and report.csv: another bench there (of
        // another task, whose run folders are free) is refused
        try (RunLock held = RunLock.acquireBench(bench)) {
            TasksCommandTest.Run other = TasksCommandTest.run("bench", "--tasks", "dmc/cartpole-balance", "--agent",
                    "random", "--steps", "200", "--seeds", "1", "--eval-episodes", "1", "--out", bench.toString());
            assertThat(other.exit()).isEqualTo(2);
            assertThat(other.err()).contains("another bench of this process (pid " + ProcessHandle.current().pid()
                    + ") is using the bench folder " + bench).contains("Wait for that bench to end");
            assertThat(bench.resolve("runs")).doesNotExist();
            assertThat(bench.resolve("report.md")).doesNotExist();
        }
    }

    /**
     * A refused writer is told which command holds the folder, in this process or in another one (its lock file
     * names the command): an import to a collect, a collection to an import-data, a bench's run to a train (each
     * was called the refused writer's own kind, "another collection" while an import-data held the folder); a lock
     * file of an older version, which holds the pid alone, is still read: the refusal names the pid and the
     * dataset's stop.
     */
    @Test
    void aRefusalNamesTheCommandThatHoldsTheFolder(@TempDir Path dir) throws Exception {
        long pid = ProcessHandle.current().pid();
        Path data = dir.resolve("data");
        String[] collect = {"collect", "--tasks", "classic/pendulum", "--episodes", "1", "--out", data.toString()};
        String[] importData = {"import-data", Path.of("..", "agent", "src", "test", "resources", "reference",
            "data-2tasks-td0.8.3.pt").toString(), "--out", data.toString(), "--set",
            "dmc/cartpole-balance,dmc/reacher-easy"};
        String held = " is using the dataset folder " + data + " (it holds " + data.resolve(RunLock.FILE) + "): a "
                + "dataset folder has one writer at a time. ";
        try (RunLock lock = RunLock.acquireDataset(data, RunLock.Holder.IMPORT)) {
            assertThat(Files.readString(data.resolve(RunLock.FILE))).isEqualTo("pid=" + pid
                    + "\ncommand=import-data\nfolder=dataset\n");
            TasksCommandTest.Run r = TasksCommandTest.run(collect);
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("another import of this process (pid " + pid + ")" + held + "Wait for "
                    + "that import to end, or stop it (Ctrl-C; the episodes it wrote are kept, and the same command "
                    + "goes on with the import); to collect beside it, choose another --out.");
        }
        try (RunLock lock = RunLock.acquireDataset(data, RunLock.Holder.COLLECT)) {
            TasksCommandTest.Run r = TasksCommandTest.run(importData);
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("another collection of this process (pid " + pid + ")" + held + "Wait "
                    + "for that collection to end, or stop it (Ctrl-C; the episodes it wrote are kept, and the same "
                    + "command goes on with the collection); to import beside it, choose another --out.");
        }
        // another process's lock, as the OS sees it (a lock this JVM holds on a channel RunLock did not open)
        Files.createDirectories(data);
        for (String said : List.of("pid=4242\ncommand=import-data\n", "pid=4242\n")) {
            Files.writeString(data.resolve(RunLock.FILE), said);
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(
                    data.resolve(RunLock.FILE), java.nio.file.StandardOpenOption.WRITE);
                    java.nio.channels.FileLock other = channel.lock()) {
                TasksCommandTest.Run r = TasksCommandTest.run(collect);
                assertThat(r.exit()).as(r.err()).isEqualTo(2);
                assertThat(r.err()).contains(said.contains("command") ? "another tdmpc2j process (pid 4242, running "
                        + "`tdmpc2j import-data`)" + held + "Wait for that import to end, or stop it (Ctrl-C; the "
                        + "episodes it wrote are kept, and the same command goes on with the import); to collect "
                        + "beside it, choose another --out." : "another tdmpc2j process (pid 4242)" + held + "Wait for "
                        + "that process to end, or stop it (Ctrl-C; the episodes it wrote are kept, and the same "
                        + "command goes on); to collect beside it, choose another --out.");
            }
        }
        assertThat(DatasetFolders.episodeFiles(data)).isZero();
        assertThat(io.github.tdmpc2j.data.DatasetLayout.index(data)).doesNotExist();

        Path run = dir.resolve("run");
        try (RunLock lock = new RunFolder(run).lock(RunLock.Holder.BENCH)) {
            TasksCommandTest.Run r = train(run, "--task", "pendulum-v1", "--steps", "200");
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("another bench of this process (pid " + pid + ") is using the run folder "
                    + run).contains("Wait for that bench to end, or stop it (Ctrl-C; its runs keep their last "
                    + "checkpoints, and the same bench command goes on from them); to train beside it, choose "
                    + "another --out. `tdmpc2j eval --checkpoint " + run + "` reads its last checkpoint meanwhile.");
        }
    }

    /**
     * A writer that takes a held folder for another kind is told what the folder is, as its holder's lock file says:
     * a train on a bench's --out was told of a "run folder" and to read DIR's last checkpoint, where a bench folder
     * holds none (its runs are in DIR/runs/TASK/seed-S); a collect on a train's run folder was told of a "dataset
     * folder". Another process's lock file of this version says the same.
     */
    @Test
    void aRefusalNamesTheFolderAsItsHolderTookIt(@TempDir Path dir) throws Exception {
        long pid = ProcessHandle.current().pid();
        Path out = dir.resolve("bench");
        try (RunLock lock = RunLock.acquireBench(out)) {
            assertThat(Files.readString(out.resolve(RunLock.FILE))).isEqualTo("pid=" + pid
                    + "\ncommand=bench\nfolder=bench\n");
            TasksCommandTest.Run r = train(out, "--task", "pendulum-v1", "--steps", "200");
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("another bench of this process (pid " + pid + ") is using the bench folder "
                    + out + " (it holds " + out.resolve(RunLock.FILE) + "): a bench folder has one writer at a time.")
                    .contains("to train beside it, choose another --out. `tdmpc2j eval --checkpoint " + out
                    + "/runs/TASK/seed-S` reads a run's last checkpoint meanwhile.");
        }
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve(RunLock.FILE), "pid=4242\ncommand=train\nfolder=run\n");
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(run.resolve(RunLock.FILE),
                java.nio.file.StandardOpenOption.WRITE); java.nio.channels.FileLock other = channel.lock()) {
            TasksCommandTest.Run r = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes",
                    "1", "--out", run.toString());
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("another tdmpc2j process (pid 4242, running `tdmpc2j train`) is using the "
                    + "run folder " + run).contains("Wait for that run to end, or stop it (Ctrl-C; it keeps its last "
                    + "checkpoint, for --resume); to collect beside it, choose another --out. `tdmpc2j eval "
                    + "--checkpoint " + run + "` reads its last checkpoint meanwhile.");
        }
    }

    /**
     * A lock file read while its holder writes it (it empties the file, then writes its pid and command: read
     * empty, or half written) is read again until whole, where the refusal said "pid unknown"; an older version's,
     * the pid alone, is whole; one that stays empty (another program's lock) is said as unknown.
     */
    @Test
    void aLockFileBeingWrittenIsReadAgainUntilWhole() {
        Iterator<String> writing = List.of("", "pid=42", "pid=42\ncommand=tr", "pid=42\ncommand=train\n").iterator();
        assertThat(RunLock.LockFile.read(writing::next)).hasToString("pid 42, running `tdmpc2j train`");
        assertThat(writing).isExhausted();
        assertThat(RunLock.LockFile.read(() -> "pid=4242\n")).hasToString("pid 4242");
        assertThat(RunLock.LockFile.read(() -> "")).hasToString("pid unknown");
    }

    /**
     * A run training in a child JVM: a second train of the folder is refused with the child's pid; eval of the run
     * folder meanwhile reads whole checkpoints while the child keeps replacing them; after the child is killed
     * (kill -9: no clean-up of its own), --resume is not blocked by a stale lock.
     */
    @Test
    @Timeout(300)
    void anotherProcessIsRefusedWhileReadersReadAndAKilledRunLeavesNoLock(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        List<String> args = new ArrayList<>(List.of("train", "--task", "pendulum-v1", "--steps", "2000000000",
                "--out", run.toString()));
        args.addAll(List.of(SHORT));
        try (ChildRun child = new ChildRun(dir, "eval at step 400", args)) {
            assertThat(child.await(120)).as(child.output()).isTrue();
            TasksCommandTest.Run second = train(run, "--steps", "2000000000", "--resume");
            assertThat(second.exit()).as(second.err()).isEqualTo(2);
            assertThat(second.err()).contains("another tdmpc2j process (pid " + child.pid() + ", running `tdmpc2j "
                    + "train`) is using the run folder " + run).contains("Wait for that run to end");
            for (int i = 0; i < 8; i++) {
                TasksCommandTest.Run eval = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--task",
                        "pendulum-v1", "--episodes", "1", "--csv", dir.resolve("eval-" + i + ".csv").toString());
                assertThat(eval.exit()).as(eval.err()).isZero();
            }
            assertThat(child.isAlive()).as(child.output()).isTrue();
        } // SIGKILL
        long at = CheckpointFolder.open(run.resolve("checkpoint")).step();
        TasksCommandTest.Run resumed = train(run, "--steps", Long.toString(at + 200), "--resume");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("done: " + (at + 200) + " steps");
    }

    /**
     * A second SIGTERM (as a second Ctrl-C) exits at once, while the run gets ready (its env being made, which takes
     * three seconds, so that the first signal's stop cannot come before the second): the lock's shutdown hook still removes the run folder that holds nothing but run.lock (it stayed).
     */
    @Test
    @Timeout(300)
    void aSecondSignalExitsAtOnceAndLeavesNoLockBehind(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path run = dir.resolve("run");
        List<String> args = new ArrayList<>(List.of("train", "--task", "pytesting/slow-start", "--steps", "20",
                "--out", run.toString()));
        args.addAll(List.of(SHORT));
        int exit;
        String output;
        try (ChildRun child = new ChildRun(dir, PythonTestingProvider.WORKER_STARTED, args)) {
            assertThat(child.await(120)).as(child.output()).isTrue();
            assertThat(run.resolve(RunLock.FILE)).exists();
            child.terminate();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!child.output().contains("send it again to exit at once") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            child.terminate();
            exit = child.waitFor(60);
            output = child.output();
        }
        assertThat(exit).as(output).isEqualTo(128 + 15);
        // the second signal ended it, not the first one's stop through the normal path
        assertThat(output).contains("SIGTERM: stopping before the next step").doesNotContain("stopped by SIGTERM");
        assertThat(run).doesNotExist();
    }

    /**
     * At the JVM's exit with a dataset's lock held (a second Ctrl-C: the lock's shutdown hook, {@link
     * RunLock#removeAtExit}) while the command's thread goes on: a new dataset that got no episode goes, and the
     * write of its first episode that comes after the hook looked waits for the halt (it landed, making the folder
     * again with an episode beside no index); an index beside which an episode was written stays with it, and so
     * does one that other processes write beside (a cluster's executors).
     */
    @Test
    @Timeout(120)
    void theExitRemovesANewDatasetOnlyWhereNoEpisodeCanComeBesideIt(@TempDir Path dir) throws Exception {
        io.github.tdmpc2j.data.DatasetIndex index;
        try (io.github.tdmpc2j.spi.EnvRegistry registry = io.github.tdmpc2j.spi.EnvRegistry.discover()) {
            index = io.github.tdmpc2j.data.DatasetIndex.of(io.github.tdmpc2j.spi.TaskSpace.of(List.of(
                    registry.resolve("classic/pendulum"))), io.github.tdmpc2j.data.DatasetPolicy.RANDOM).withSeed(1);
        }
        Path fresh = dir.resolve("fresh");
        try (RunLock lock = RunLock.acquireDataset(fresh, RunLock.Holder.COLLECT)) {
            io.github.tdmpc2j.data.DatasetWriter writer = io.github.tdmpc2j.data.DatasetWriter.open(fresh, index);
            lock.removeAtExit();
            assertThat(fresh).doesNotExist();
            Thread first = new Thread(() -> writer.writeEncoded(0, 0, new byte[] {1, 2, 3}));
            first.setDaemon(true); // it waits for a halt that never comes here
            first.start();
            while (first.isAlive() && first.getState() != Thread.State.WAITING) {
                Thread.sleep(5);
            }
            assertThat(first.isAlive()).as("the first episode's write waits for the halt").isTrue();
            assertThat(fresh).doesNotExist();
        }

        Path kept = dir.resolve("kept");
        try (RunLock lock = RunLock.acquireDataset(kept, RunLock.Holder.IMPORT)) {
            io.github.tdmpc2j.data.DatasetWriter.open(kept, index).writeEncoded(0, 0, new byte[] {1, 2, 3});
            lock.removeAtExit();
        }
        assertThat(io.github.tdmpc2j.data.DatasetLayout.index(kept)).exists();
        assertThat(DatasetFolders.episodeFiles(kept)).isOne();

        // a cluster's executors in JVMs of their own write there too: the exit cannot end their writes and leaves
        // the index; closing (their job over) removes it
        Path cluster = dir.resolve("cluster");
        try (RunLock lock = RunLock.acquireDataset(cluster, RunLock.Holder.COLLECT)) {
            io.github.tdmpc2j.data.DatasetWriter.open(cluster, index);
            lock.writtenElsewhere();
            lock.removeAtExit();
            assertThat(io.github.tdmpc2j.data.DatasetLayout.index(cluster)).exists();
        }
        assertThat(cluster).doesNotExist();
    }

    /**
     * A lock taken on a folder that was there (one the user made) removes, when it is let go of, the files it made
     * there while nothing else was written beside them (run.lock; a new dataset's index), and leaves the folder
     * (run.lock stayed); an index beside which an episode was written stays, and so do an index and a run.lock
     * that were there before.
     */
    @Test
    void aLockRemovesTheFilesItMadeFromAFolderThatWasThere(@TempDir Path dir) throws Exception {
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Path index = io.github.tdmpc2j.data.DatasetLayout.index(mine);
        try (RunLock held = RunLock.acquireDataset(mine, RunLock.Holder.COLLECT)) {
            Files.writeString(index, "{}");
        }
        assertThat(mine).isEmptyDirectory();

        try (RunLock held = RunLock.acquireDataset(mine, RunLock.Holder.COLLECT)) {
            Files.writeString(index, "{}");
            Files.createDirectories(mine.resolve("episodes"));
        }
        assertThat(index).exists();
        assertThat(mine.resolve(RunLock.FILE)).exists();

        Files.delete(mine.resolve("episodes"));
        try (RunLock held = RunLock.acquireDataset(mine, RunLock.Holder.COLLECT)) {
            assertThat(mine.resolve(RunLock.FILE)).exists();
        }
        assertThat(index).exists();
        assertThat(mine.resolve(RunLock.FILE)).exists();

        Path run = Files.createDirectories(dir.resolve("run"));
        try (RunLock held = new RunFolder(run).lock()) {
            assertThat(run.resolve(RunLock.FILE)).exists();
        }
        assertThat(run).isEmptyDirectory();
    }

    /**
     * A lock on a folder it made removes, on close, the empty folders its writers left in it (a bench on a cluster
     * whose runs stopped before they wrote: each run's lock removed only the folders it made, and the one that made
     * runs/TASK did not always end last), and then the folder; what holds a file stays, and so do empty folders in
     * a folder that was there.
     */
    @Test
    void aLockOnAFolderItMadeRemovesTheEmptyFoldersLeftInIt(@TempDir Path dir) throws Exception {
        Path bench = dir.resolve("bench");
        try (RunLock held = RunLock.acquireBench(bench)) {
            Files.createDirectories(bench.resolve("runs/pytesting/slow"));
        }
        assertThat(bench).doesNotExist();

        try (RunLock held = RunLock.acquireBench(bench)) {
            Files.createDirectories(bench.resolve("runs/pytesting/slow/seed-1"));
            Files.createDirectories(bench.resolve("runs/pytesting/slow/seed-2"));
            Files.writeString(bench.resolve("runs/pytesting/slow/seed-2/config.yaml"), "");
        }
        assertThat(bench.resolve("runs/pytesting/slow/seed-1")).doesNotExist();
        assertThat(bench.resolve("runs/pytesting/slow/seed-2/config.yaml")).exists();

        Path mine = Files.createDirectories(dir.resolve("mine"));
        try (RunLock held = RunLock.acquireBench(mine)) {
            Files.createDirectories(mine.resolve("runs"));
        }
        assertThat(mine.resolve("runs")).isDirectory();
    }
}
