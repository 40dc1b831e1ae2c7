package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.data.DatasetReader;
import io.github.tdmpc2j.spi.Messages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectCommandTest {
    @Test
    void collectsAndResumes(@TempDir Path dir) throws java.io.IOException {
        Path out = dir.resolve("data");
        TasksCommandTest.Run r = TasksCommandTest.run("collect", "--tasks", "pendulum-v1", "--episodes", "2",
                "--out", out.toString(), "--workers", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 episodes written (0 were already there)");
        assertThat(new DatasetReader(out).readAll()).hasSize(2);

        TasksCommandTest.Run again = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes", "3",
                "--out", out.toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("1 episode written (2 were already there)");
        assertThat(new DatasetReader(out).readAll()).hasSize(3);

        // an episode file cut short (a full disk, a machine that lost power) is named and collected again
        Path cut = out.resolve("episodes/classic/pendulum/episode-000001.npz");
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(whole, 100));
        TasksCommandTest.Run mended = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes", "3",
                "--out", out.toString());
        assertThat(mended.exit()).as(mended.err()).isZero();
        // a notice on stderr, as the envs' warnings: stdout keeps the collection's own lines
        assertThat(mended.err()).contains(cut + " is damaged (it is not a whole NPZ file")
                .contains("collecting it again");
        assertThat(mended.out()).doesNotContain("is damaged").contains("1 episode written (2 were already there)");
        assertThat(Files.readAllBytes(cut)).isEqualTo(whole);
    }

    /**
     * A collection that the machinery fails on the way (here a test env that fails as a dead Python worker does, on
     * the first step of its third episode) keeps the episodes written and says that the same command finishes it.
     */
    @Test
    void aCollectionFailedByTheMachinerySaysToRunItAgain(@TempDir Path dir) {
        Path out = dir.resolve("data");
        TasksCommandTest.Run r = TasksCommandTest.run("collect", "--tasks", "broken/dies", "--episodes", "4",
                "--workers", "1", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("machinery died").contains("the episodes written (2 by this run) are kept in " + out
                + ": the same command run again goes on with the collection");
        assertThat(new DatasetReader(out).readAll()).hasSize(2);
        TasksCommandTest.Run mistake = TasksCommandTest.run("collect", "--tasks", "broken/dies", "--episodes", "4",
                "--workers", "1", "--seed", "2", "--out", out.toString());
        assertThat(mistake.exit()).isEqualTo(2);
        assertThat(mistake.err()).contains("not --seed 2").doesNotContain("run again goes on");
    }

    /**
     * An env whose close() throws after every episode is written: a warning on stderr naming the env's failure, the
     * collection's result stands (exit 0), and stdout holds only the collection's own lines.
     */
    @Test
    void anEnvThatFailsToCloseAfterTheEpisodesAreWrittenIsAWarning(@TempDir Path dir) {
        Path out = dir.resolve("data");
        TasksCommandTest.Run r = TasksCommandTest.run("collect", "--tasks", "broken/close-fails", "--episodes", "2",
                "--workers", "1", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: closing the collection's envs failed (the episodes written to " + out
                + " are whole): ").contains("broken/close-fails").contains("double free");
        assertThat(r.out()).contains("2 episodes written (0 were already there)").doesNotContain("warning");
        assertThat(new DatasetReader(out).readAll()).hasSize(2);
    }

    /**
     * An agent (the policy) whose close() throws after every episode is written is a warning that names the agent,
     * as eval's: the collection stands (it failed the collection, its episodes on disk, exit 1).
     */
    @Test
    void anAgentThatFailsToCloseAfterTheEpisodesAreWrittenIsAWarningThatSaysSo(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        EvalCommandTest.saveRandomPendulumCheckpoint(checkpoint);
        Path jar = TasksCommandTest.serviceJar(dir.resolve("close-fails.jar"),
                io.github.tdmpc2j.spi.agent.AgentProvider.class,
                EvalCommandTest.CloseFailsAgentProvider.class.getName());
        TasksCommandTest.withPlugins(jar, () -> {
            Path out = dir.resolve("data");
            TasksCommandTest.Run r = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes",
                    "2", "--workers", "1", "--policy", checkpoint.toString(), "--agent", "close-fails", "--out",
                    out.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).startsWith("warning: closing the agent failed (the episodes written to " + out
                    + " are whole): ").contains("close-fails").contains("double free of the agent's buffers")
                    .doesNotContain("envs").hasLineCount(1);
            assertThat(r.out()).contains("2 episodes written (0 were already there)").doesNotContain("warning");
            assertThat(new DatasetReader(out).readAll()).hasSize(2);
        });
    }

    /**
     * One collection at a time in a dataset folder: two ran every missing episode twice, and the clean-up of one
     * (its start, or a cluster job's end) deleted the temporary files the other was about to rename.
     */
    @Test
    void aDatasetFolderHasOneCollectionAtATime(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("data");
        String[] collect = {"collect", "--tasks", "classic/pendulum", "--episodes", "2", "--out", out.toString()};
        try (RunLock other = RunLock.acquireDataset(out, RunLock.Holder.COLLECT)) {
            for (String[] where : List.of(new String[0], new String[] {"--master", "local[1]"})) {
                TasksCommandTest.Run r = TasksCommandTest.run(concat(collect, where));
                assertThat(r.exit()).as(r.out()).isEqualTo(2);
                assertThat(r.err()).contains("another collection of this process (pid "
                        + ProcessHandle.current().pid() + ") is using the dataset folder " + out)
                        .contains("Wait for that collection to end").contains("to collect beside it, choose another "
                                + "--out.").hasLineCount(1);
                assertThat(out.resolve("dataset.json")).doesNotExist();
            }
        }
        TasksCommandTest.Run r = TasksCommandTest.run(collect);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 episodes written (0 were already there)");
    }

    /** The report's two cases: another --seed, then a checkpoint policy into a random policy's folder. */
    @Test
    void anotherSeedOrPolicyIsRefusedHereAndOnSpark(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("data");
        String[] tasks = {"collect", "--tasks", "dmc/cartpole-balance,classic/pendulum", "--out", out.toString()};
        TasksCommandTest.Run first = TasksCommandTest.run(concat(tasks, "--episodes", "1"));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(Files.readString(out.resolve("dataset.json"))).contains("\"seed\" : 1");
        // a copy of the dataset without its writer's lock file: a refused collection leaves none (it left one)
        Files.delete(out.resolve(RunLock.FILE));
        for (String[] where : List.of(new String[0], new String[] {"--master", "local[1]"})) {
            TasksCommandTest.Run seed7 = TasksCommandTest.run(concat(concat(tasks, "--episodes", "3", "--seed", "7"),
                    where));
            assertThat(seed7.exit()).as(seed7.out()).isEqualTo(2);
            assertThat(seed7.err()).contains(out + " holds episodes collected with --seed 1, not --seed 7")
                    .contains("Collect into another --out folder, or give --seed 1");
            assertThat(out.resolve(RunLock.FILE)).as("%s", List.of(where)).doesNotExist();
        }

        try (io.github.tdmpc2j.spi.EnvRegistry registry = io.github.tdmpc2j.spi.EnvRegistry.discover();
                io.github.tdmpc2j.spi.agent.Agent agent = io.github.tdmpc2j.spi.agent.Agents.find("random").create(
                        io.github.tdmpc2j.spi.agent.AgentContext.single(registry.resolve("classic/pendulum"),
                                java.util.Map.of(), 0))) {
            agent.save(dir.resolve("run").resolve("checkpoint"));
        }
        TasksCommandTest.Run checkpoint = TasksCommandTest.run(concat(tasks, "--episodes", "2", "--policy",
                dir.resolve("run").toString(), "--agent", "random"));
        assertThat(checkpoint.exit()).as(checkpoint.out()).isEqualTo(2);
        assertThat(checkpoint.err()).contains(out + " holds episodes of the random policy, not of the checkpoint "
                + dir.resolve("run").resolve("checkpoint") + " (step 0)").contains("give --policy random");
        assertThat(out.resolve(RunLock.FILE)).doesNotExist();
        assertThat(new DatasetReader(out).readAll()).hasSize(2);
        assertThat(new DatasetReader(out).index().policy()).isEqualTo("random");

        TasksCommandTest.Run resumed = TasksCommandTest.run(concat(tasks, "--episodes", "2"));
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("2 episodes written (2 were already there)");
    }

    @Test
    void theSameCommandWithMasterWritesTheSameFiles(@TempDir Path dir) throws Exception {
        String[] common = {"collect", "--tasks", "dmc/cartpole-balance,classic/pendulum", "--episodes", "2"};
        TasksCommandTest.Run here = TasksCommandTest.run(concat(common, "--out", dir.resolve("here").toString()));
        assertThat(here.exit()).as(here.err()).isZero();
        TasksCommandTest.Run spark = TasksCommandTest.run(concat(common, "--out", dir.resolve("spark").toString(),
                "--master", "local[2]", "--spark-conf", "spark.driver.host=127.0.0.1"));
        assertThat(spark.exit()).as(spark.err()).isZero();
        assertThat(spark.out()).contains("4 episodes written (0 were already there)");
        for (String f : List.of("dmc/cartpole-balance/episode-000001.npz", "classic/pendulum/episode-000000.npz")) {
            assertThat(Files.readAllBytes(dir.resolve("spark/episodes").resolve(f)))
                    .isEqualTo(Files.readAllBytes(dir.resolve("here/episodes").resolve(f)));
        }
        TasksCommandTest.Run gatherAlone = TasksCommandTest.run(concat(common, "--out", dir.toString(), "--gather"));
        assertThat(gatherAlone.exit()).isEqualTo(2);
        assertThat(gatherAlone.err()).contains("need --master");
    }

    /**
     * A TD-MPC2 checkpoint as the policy: on Spark an executor's agent collects the episodes it is given, one after
     * another; each reseeds the agent's draws from its own seed, so one slot or two write the same episodes.
     */
    @Test
    void aTdmpcPolicyCollectsTheSameEpisodesOnOneSlotOrTwo(@TempDir Path dir) throws Exception {
        try (io.github.tdmpc2j.spi.EnvRegistry registry = io.github.tdmpc2j.spi.EnvRegistry.discover();
                io.github.tdmpc2j.spi.agent.Agent agent = io.github.tdmpc2j.spi.agent.Agents.find("tdmpc2").create(
                        io.github.tdmpc2j.spi.agent.AgentContext.single(registry.resolve("classic/pendulum"),
                                java.util.Map.of("preset", "cpu", "mlp_dim", "32", "enc_dim", "32", "latent_dim", "16",
                                        "num_samples", "16", "num_elites", "4", "num_pi_trajs", "2", "iterations", "1",
                                        "seed_steps", "0"), 3))) {
            agent.save(dir.resolve("checkpoint"));
        }
        String[] common = {"collect", "--tasks", "classic/pendulum", "--episodes", "3", "--policy",
            dir.resolve("checkpoint").toString(), "--spark-conf", "spark.driver.host=127.0.0.1"};
        for (String slots : List.of("1", "2")) {
            TasksCommandTest.Run r = TasksCommandTest.run(concat(common, "--out", dir.resolve("local-" + slots)
                    .toString(), "--master", "local[" + slots + "]"));
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("3 episodes written");
        }
        for (int k = 0; k < 3; k++) {
            String f = "classic/pendulum/episode-00000" + k + ".npz";
            assertThat(Files.readAllBytes(dir.resolve("local-2/episodes").resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(dir.resolve("local-1/episodes").resolve(f)));
        }
    }

    /**
     * A multitask checkpoint's agent collects on any of its tasks (acting in the dataset's own space), here and on
     * Spark; a task it was not made for is refused.
     */
    @Test
    void aMultitaskCheckpointCollectsOnSomeOfItsTasks(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        EvalCommandTest.saveSmallTdmpcCheckpoint("classic/pendulum,dmc/cartpole-balance", checkpoint);
        String[] common = {"collect", "--tasks", "classic/pendulum", "--episodes", "2", "--policy",
            checkpoint.toString()};
        TasksCommandTest.Run here = TasksCommandTest.run(concat(common, "--out", dir.resolve("here").toString()));
        assertThat(here.exit()).as(here.err()).isZero();
        assertThat(here.out()).contains("2 episodes written");
        List<io.github.tdmpc2j.spi.agent.Episode> episodes = new DatasetReader(dir.resolve("here")).readAll();
        assertThat(episodes).hasSize(2);
        assertThat(episodes.get(0).observations()[0]).as("pendulum's own space").hasSize(3);
        assertThat(episodes.get(0).actions()[0]).hasSize(1);
        TasksCommandTest.Run spark = TasksCommandTest.run(concat(common, "--out", dir.resolve("spark").toString(),
                "--master", "local[1]", "--spark-conf", "spark.driver.host=127.0.0.1"));
        assertThat(spark.exit()).as(spark.err()).isZero();
        List<io.github.tdmpc2j.spi.agent.Episode> onSpark = new DatasetReader(dir.resolve("spark")).readAll();
        assertThat(onSpark).hasSize(2);
        assertThat(onSpark.get(1).observations()[0]).hasSize(3);

        TasksCommandTest.Run other = TasksCommandTest.run("collect", "--tasks", "classic/pendulum,dmc/walker-walk",
                "--episodes", "1", "--policy", checkpoint.toString(), "--out", dir.resolve("other").toString());
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("made for the tasks classic/pendulum, dmc/cartpole-balance; "
                + "dmc/walker-walk is not among them");

        // without --tasks or --set, on every task the checkpoint records (it was refused: "choose tasks ...")
        TasksCommandTest.Run all = TasksCommandTest.run("collect", "--episodes", "1", "--policy",
                checkpoint.toString(), "--out", dir.resolve("all").toString(), "--workers", "1");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(new DatasetReader(dir.resolve("all")).index().taskIds()).containsExactly("classic/pendulum",
                "dmc/cartpole-balance");
        // a random policy records no tasks: they are named
        TasksCommandTest.Run random = TasksCommandTest.run("collect", "--episodes", "1", "--out",
                dir.resolve("random").toString());
        assertThat(random.exit()).isEqualTo(2);
        assertThat(random.err()).contains("choose tasks with --tasks ID,... or --set NAME");
        assertThat(dir.resolve("random")).doesNotExist();
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void badChoicesAreClearErrors(@TempDir Path dir) throws Exception {
        TasksCommandTest.Run none = TasksCommandTest.run("collect", "--episodes", "1", "--out", dir.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--tasks ID,... or --set NAME");
        TasksCommandTest.Run badPolicy = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes",
                "1", "--out", dir.toString(), "--policy", dir.resolve("nope").toString(), "--agent", "random");
        assertThat(badPolicy.exit()).isEqualTo(2);
        assertThat(badPolicy.err()).contains("neither 'random' nor a checkpoint folder");

        // the reason, not the path alone (a java.nio exception's message is often just the path)
        Path file = Files.writeString(dir.resolve("file"), "x");
        TasksCommandTest.Run underAFile = TasksCommandTest.run("collect", "--tasks", "classic/pendulum",
                "--episodes", "1", "--out", file.resolve("data").toString());
        assertThat(underAFile.exit()).isEqualTo(2);
        assertThat(underAFile.err()).contains("cannot make the lock file " + file.resolve("data").resolve("run.lock")
                + " of the dataset folder: not a folder (");

        // a master nothing listens at, or a master URL Spark cannot parse: one line that says what to do, no
        // stack trace, nothing made (Spark took 75 s and printed three stack traces; local[x] ended in one, exit 1)
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        for (String master : List.of("spark://127.0.0.1:" + port, "local[x]")) {
            TasksCommandTest.Run r = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes", "1",
                    "--out", dir.resolve("spark").toString(), "--master", master);
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("error: ").doesNotContain("\tat ").hasLineCount(1)
                    .contains(master.startsWith("spark") ? "no Spark master answers at " + master
                            : "--master local[x] is not one of Spark's local masters");
            assertThat(dir.resolve("spark")).doesNotExist();
        }
    }

    /**
     * A collection a cluster refuses (an executor no worker can start, a task not set up on the executors) leaves
     * no dataset folder: its dataset.json was written before the cluster was asked.
     */
    @Test
    void aCollectionTheClusterRefusesLeavesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("data");
        TasksCommandTest.Run big = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes", "1",
                "--out", out.toString(), "--master", "local-cluster[1,1,1024]", "--spark-conf",
                "spark.executor.cores=2", "--spark-conf", "spark.driver.host=127.0.0.1");
        assertThat(big.exit()).as(big.err()).isEqualTo(2);
        assertThat(big.err()).contains("collect cannot run on local-cluster[1,1,1024]")
                .contains("no worker offers that much");
        assertThat(out).doesNotExist();
        BenchCommandTest.withNotSetUpSuite(dir, () -> {
            for (String master : new String[] {"local[1]", "local-cluster[1,1,1024]"}) {
                TasksCommandTest.Run r = TasksCommandTest.run("collect", "--tasks", "classic/pendulum,notsetup/reach",
                        "--episodes", "1", "--out", out.toString(), "--master", master, "--spark-conf",
                        "spark.driver.host=127.0.0.1");
                assertThat(r.exit()).as(r.err()).isEqualTo(2);
                // local[K]'s executor is this JVM: checked here before Spark starts, as without --master
                assertThat(r.err()).as(master).startsWith(master.startsWith("local[")
                        ? "error: task notsetup/reach is unavailable" : "error: collect cannot run on the cluster: unit ")
                        .contains("notsetup/reach is unavailable: its Python environment is missing")
                        .contains("tdmpc2j setup notsetup").hasLineCount(1);
                if (!master.startsWith("local[")) {
                    assertThat(r.err()).contains("no unit was run");
                }
                assertThat(r.out()).as(master).doesNotContain("classic/pendulum");
                assertThat(out).as(master).doesNotExist();
            }
        });
    }

    /**
     * SIGTERM (as Ctrl-C's SIGINT) to a `tdmpc2j collect` in a child JVM while its Python worker starts, before it
     * wrote an episode: it ends with the exit status of the signal and a line that says nothing was written, and
     * leaves no dataset folder (it left one holding a run.lock of a process that was gone, and dataset.json).
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalWhileTheWorkerStartsLeavesNoFolder(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("data");
        ChildRun.Ended ended = ChildRun.terminatedOnceThePytestingWorkerStarts(dir, List.of("collect", "--tasks",
                "pytesting/slow", "--episodes", "2", "--workers", "1", "--out", out.toString()));
        assertThat(ended.exit()).as(ended.output()).isEqualTo(128 + 15);
        assertThat(ended.output()).contains("SIGTERM: stopping before the next step (the episodes in progress are "
                + "given up; those written are kept); send it again to exit at once")
                .contains("stopped by SIGTERM before its first episode was written: nothing was written")
                .doesNotContain("episode 0").doesNotContain("written (");
        assertThat(out).doesNotExist();
    }

    /**
     * SIGTERM to a `tdmpc2j collect` while it makes its envs (the first of pytesting/slow-start's two rows being made
     * in three seconds): it stops before the next env, so that the worker of gymnasium/Pendulum-v1's rows never
     * starts, and says nothing was written, leaving no folder. It made every env first.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalWhileTheEnvsAreMadeStopsBeforeTheNextEnv(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("data");
        ChildRun.Ended ended = ChildRun.terminatedOnceThePytestingWorkerStarts(dir, List.of("collect", "--tasks",
                "pytesting/slow-start,gymnasium/Pendulum-v1", "--episodes", "2", "--workers", "4", "--out",
                out.toString()));
        assertThat(ended.exit()).as(ended.output()).isEqualTo(128 + 15);
        assertThat(ended.output()).contains("stopped by SIGTERM before its first episode was written: nothing was "
                + "written").doesNotContain(PythonTestingProvider.GYMNASIUM_WORKER_STARTED);
        assertThat(out).doesNotExist();
    }

    /**
     * SIGTERM to a `tdmpc2j collect` in a child JVM once it wrote its first episode: it stops before its next step
     * with the exit status of the signal and a line that names the episodes kept; they read back whole, the folder
     * holds nothing half-written, and the same command run again collects the rest.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalMidCollectionKeepsTheEpisodesWrittenAndTheSameCommandFinishes(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path out = dir.resolve("data");
        List<String> args = List.of("collect", "--tasks", "pytesting/slow", "--episodes", "3", "--workers", "1",
                "--out", out.toString());
        ChildRun.Ended ended = ChildRun.terminatedAt(dir, "] pytesting/slow", args);
        int exit = ended.exit();
        String output = ended.output();
        assertThat(exit).as(output).isEqualTo(128 + 15);
        java.util.regex.Matcher stopped = java.util.regex.Pattern.compile("stopped by SIGTERM: the (\\d+) episodes? "
                + "this run wrote (is|are) kept in " + java.util.regex.Pattern.quote(out.toString()) + " \\(the "
                + "episodes in progress were given up\\); the same command run again goes on with the collection")
                .matcher(output);
        assertThat(stopped.find()).as(output).isTrue();
        int kept = Integer.parseInt(stopped.group(1));
        assertThat(kept).as(output).isBetween(1, 2);
        assertThat(new DatasetReader(out).readAll()).hasSize(kept);
        DatasetFolders.assertNothingHalfWritten(out); // no temporary file of an episode in progress
        TasksCommandTest.Run again = TasksCommandTest.run(args.toArray(String[]::new));
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains(Messages.plural(3 - kept, "episode") + " written (" + kept + " "
                + Messages.word(kept, "was", "were") + " already there)");
        assertThat(new DatasetReader(out).readAll()).hasSize(3);
    }

    /**
     * SIGTERM to a `tdmpc2j collect --master local[1]` in a child JVM once it wrote its first episode: as without
     * --master it stops before its next step (the job cancelled, the episode in progress given up on the executor),
     * with the exit status of the signal and the line that names the episodes kept (Spark stopped with the
     * process, which said so and no more); they read back whole and the same command run again collects the rest.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalWithMasterStopsBeforeTheNextStepAndTheSameCommandFinishes(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path out = dir.resolve("data");
        List<String> args = List.of("collect", "--tasks", "pytesting/slow", "--episodes", "3", "--out",
                out.toString(), "--master", "local[1]", "--spark-conf", "spark.driver.host=127.0.0.1");
        ChildRun.Ended ended = ChildRun.terminatedAt(dir, "] pytesting/slow",
                List.of(io.github.tdmpc2j.cluster.UnitRunner.javaModuleOptions().split(" ")), args);
        int exit = ended.exit();
        String output = ended.output();
        assertThat(exit).as(output).isEqualTo(128 + 15);
        assertThat(output).contains("SIGTERM: stopping before the next step (the episodes in progress are given up; "
                + "those written are kept); send it again to exit at once")
                .doesNotContain("this process is exiting").doesNotContain("Check that the master runs");
        java.util.regex.Matcher stopped = java.util.regex.Pattern.compile("stopped by SIGTERM: the (\\d+) episodes? "
                + "this run wrote (is|are) kept in " + java.util.regex.Pattern.quote(out.toString()) + " \\(the "
                + "episodes in progress were given up\\); the same command run again goes on with the collection")
                .matcher(output);
        assertThat(stopped.find()).as(output).isTrue();
        int kept = new DatasetReader(out).readAll().size();
        assertThat(kept).as(output).isBetween(1, 2).isEqualTo(Integer.parseInt(stopped.group(1)));
        DatasetFolders.assertNothingHalfWritten(out);
        TasksCommandTest.Run again = TasksCommandTest.run(args.toArray(String[]::new));
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains(Messages.plural(3 - kept, "episode") + " written (" + kept + " "
                + Messages.word(kept, "was", "were") + " already there)");
        assertThat(new DatasetReader(out).readAll()).hasSize(3);
    }

    /**
     * SIGTERM to a `tdmpc2j collect --master local-cluster[1,1,1024]` (its executor a JVM of its own, which writes
     * the episodes) once the new dataset's index is written, before its first episode (pytesting/slow-start makes
     * its env in three seconds, and each of its ten steps takes half a second): as without --master the job stops
     * before its next step and leaves no folder; it left dataset.json and a run.lock of a process that was gone,
     * the exit removing nothing that executors elsewhere might write beside.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalWithExecutorsElsewhereBeforeTheFirstEpisodeLeavesNoFolder(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path out = dir.resolve("data");
        // the index is written once the executor checked the task, just before the units are sent to it
        ChildRun.Ended ended = ChildRun.terminatedOnceExists(dir, io.github.tdmpc2j.data.DatasetLayout.index(out),
                List.of(io.github.tdmpc2j.cluster.UnitRunner.javaModuleOptions().split(" ")), List.of("collect",
                "--tasks", "pytesting/slow-start", "--episodes", "2", "--out", out.toString(), "--master",
                "local-cluster[1,1,1024]", "--spark-conf", "spark.driver.host=127.0.0.1"));
        int exit = ended.exit();
        String output = ended.output();
        assertThat(exit).as(output).isEqualTo(128 + 15);
        assertThat(output).contains("SIGTERM: stopping before the next step (the episodes in progress are given up; "
                + "those written are kept)")
                .contains("stopped by SIGTERM before its first episode was written: nothing was written; the same "
                        + "command run again does the collection")
                .doesNotContain("this process is exiting");
        assertThat(out).as(output).doesNotExist();
    }

    /**
     * SIGTERM to a `tdmpc2j collect` into an empty folder the user made, once the new dataset's index is written and
     * before its first episode (each step of pytesting/slow takes half a second): the folder stays, and is empty
     * again (the run.lock and the index the collection made in it stayed, as the lock removed only folders it made).
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalBeforeTheFirstEpisodeLeavesTheUsersEmptyFolderEmpty(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path out = Files.createDirectories(dir.resolve("mine"));
        int exit;
        String output;
        try (ChildRun child = new ChildRun(dir, PythonTestingProvider.WORKER_STARTED, List.of("collect", "--tasks",
                "pytesting/slow", "--episodes", "2", "--workers", "1", "--out", out.toString()))) {
            assertThat(child.await(120)).as(child.output()).isTrue();
            assertThat(ChildRun.awaitFile(io.github.tdmpc2j.data.DatasetLayout.index(out), 60)).as(child.output())
                    .isTrue();
            child.terminate();
            exit = child.waitFor(60);
            output = child.output();
        }
        assertThat(exit).as(output).isEqualTo(128 + 15);
        assertThat(output).contains("stopped by SIGTERM before its first episode was written: nothing was written; "
                + "the same command run again does the collection").doesNotContain("episode 0");
        assertThat(out).isEmptyDirectory();
    }

    /**
     * SIGTERM to a `tdmpc2j collect` just after it wrote its last episode, while its env closes (in five seconds, as
     * a Python worker can take to end; in two, a signal one to two seconds late came once the command had ended):
     * the collection is done, and it ends so (exit 0, the summary; it ended with the signal's status and a line that
     * said it was stopped).
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalOnceEveryEpisodeIsWrittenEndsTheCollectionAsDone(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("data");
        ChildRun.Ended ended = ChildRun.terminatedAt(dir, "[1] broken/slow-close", List.of("collect", "--tasks",
                "broken/slow-close", "--episodes", "1", "--workers", "1", "--out", out.toString()));
        assertThat(ended.exit()).as(ended.output()).isZero();
        assertThat(ended.output()).contains("SIGTERM: stopping before the next step")
                .contains("1 episode written (0 were already there)").doesNotContain("stopped by");
        assertThat(new DatasetReader(out).readAll()).hasSize(1);
    }
}
