package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvProvider;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.RandomAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
    /**
     * A run's env whose close() throws after the run: the warning reaches stderr (it went to the run's quiet console
     * and was lost), and the bench's result stands.
     */
    @Test
    void aRunsEnvThatFailsToCloseIsAWarningOnStderr(@TempDir Path dir) {
        TasksCommandTest.Run r = TasksCommandTest.run("bench", "--tasks", "broken/close-fails", "--agent", "random",
                "--steps", "40", "--seeds", "1", "--eval-every", "20", "--eval-episodes", "1", "--out",
                dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: closing the run's training envs failed (what the run saved in "
                + dir.resolve("runs/broken/close-fails/seed-1") + " is whole): ").contains("double free");
        assertThat(r.out()).contains("broken/close-fails                   seed 1: return").doesNotContain("warning");
    }

    @Test
    void benchmarksSeedsAndWritesTheReport(@TempDir Path dir) throws Exception {
        TasksCommandTest.Run r = TasksCommandTest.run("bench", "--tasks", "pendulum-v1", "--agent", "random",
                "--steps", "400", "--seeds", "2", "--eval-every", "200", "--eval-episodes", "2", "--out", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("classic/pendulum                     seed 1: return")
                .contains("seed 2: return");
        // before the first run, which prints nothing until it ends: how many runs, and where to watch them
        assertThat(r.out()).startsWith("bench: 2 runs (1 task x 2 seeds) of 400 steps; each prints its score as it "
                + "ends, its progress is in " + dir.resolve("runs/TASK/seed-N") + " (train.csv, eval.csv)"
                + System.lineSeparator());
        String md = Files.readString(dir.resolve("report.md"));
        // what it compares: the agent and its runs, beside the paper's TD-MPC2
        assertThat(md).contains("Agent `random`, 400 agent steps per run, 2 seeds per task. A score is a run's last "
                + "evaluation (2 episodes; a success rate counts the episodes whose last step has the task's success "
                + "flag, as the paper's do)").contains("TD-MPC2 published: the paper's TD-MPC2 result (the mean over "
                + "the authors' 3 seeds, fewer at a few of their last steps, of evaluations of 10 episodes each)");
        assertThat(md).containsPattern("\\| classic/pendulum \\| classic \\| 2 \\| -\\d");
        assertThat(md).contains("| classic | 1 |");
        assertThat(CsvLog.read(dir.resolve("report.csv"))).hasSize(1);
        // beside each score the random policy's on the same evaluation episodes: for the random agent the same
        assertThat(md).contains("| random policy, normalised |").contains("Random policy: the same evaluation");
        String[] row = CsvLog.read(dir.resolve("report.csv")).get(0).cells();
        assertThat(Double.parseDouble(row[7])).as("random_normalized").isEqualTo(Double.parseDouble(row[5]));
        assertThat(Files.size(dir.resolve("curves").resolve("classic_pendulum.png"))).isGreaterThan(1000);
        assertThat(dir.resolve("runs/classic/pendulum/seed-2/eval.csv")).exists();
        // the score is the mean and sample standard deviation of the seeds' last evaluations in their eval.csv
        double[] last = new double[2];
        for (int s = 1; s <= 2; s++) {
            List<CsvLog.Row> evals = CsvLog.read(dir.resolve("runs/classic/pendulum/seed-" + s + "/eval.csv"));
            assertThat(evals.get(evals.size() - 1).number(0)).isEqualTo(400);
            last[s - 1] = evals.get(evals.size() - 1).number(1);
        }
        assertThat(last[0]).isNotEqualTo(last[1]);
        assertThat(Double.parseDouble(row[3])).as("mean").isCloseTo((last[0] + last[1]) / 2, within(0.01));
        assertThat(Double.parseDouble(row[4])).as("std").isCloseTo(Math.abs(last[0] - last[1]) / Math.sqrt(2),
                within(0.01));
        // printed in fixed point (it was "-1.05e+03 ± 17 return")
        assertThat(md).contains(String.format(java.util.Locale.ROOT, "| %.1f ± %.1f return |",
                Double.parseDouble(row[3]), Double.parseDouble(row[4]))).doesNotContainPattern("\\de[+-]\\d");

        // the same bench again: every run goes on from its checkpoint (already at its end), nothing is trained or
        // logged twice, and the report is the same
        String evals = Files.readString(dir.resolve("runs/classic/pendulum/seed-2/eval.csv"));
        TasksCommandTest.Run again = TasksCommandTest.run("bench", "--tasks", "pendulum-v1", "--agent", "random",
                "--steps", "400", "--seeds", "2", "--eval-every", "200", "--eval-episodes", "2", "--out", dir.toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(Files.readString(dir.resolve("report.md"))).isEqualTo(md);
        // report.csv replaced too, not appended to (it held the rows of both benches)
        // (the same scores: read back from the runs' eval.csv, which keeps 6 significant digits)
        List<CsvLog.Row> rerun = CsvLog.read(dir.resolve("report.csv"));
        assertThat(rerun).hasSize(1);
        assertThat(rerun.get(0).cell(0)).isEqualTo("classic/pendulum");
        assertThat(rerun.get(0).number(3)).as("mean").isCloseTo(Double.parseDouble(row[3]), within(0.01));
        assertThat(Files.readString(dir.resolve("runs/classic/pendulum/seed-2/eval.csv"))).isEqualTo(evals);

        // another agent into the same folder: those runs are the random agent's, not reported as the other's
        TasksCommandTest.Run other = TasksCommandTest.run("bench", "--tasks", "pendulum-v1", "--agent", "tdmpc2",
                "--steps", "400", "--seeds", "2", "--eval-every", "200", "--eval-episodes", "2", "--out", dir.toString());
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("seed-1 was trained with the agent 'random', not 'tdmpc2'")
                .contains("--agent random").contains("another --out");
        assertThat(Files.readString(dir.resolve("report.md"))).isEqualTo(md);
    }

    /** A suite that is installed but not set up: its one task is listed and unavailable. */
    public static final class NotSetUpProvider implements EnvProvider {
        @Override
        public String domain() {
            return "notsetup";
        }

        @Override
        public List<TaskSpec> tasks() {
            return List.of(new TaskSpec("notsetup/reach", List.of(), Box.unbounded(2), Box.of(1, -1, 1), 10, 1,
                    SuccessMetric.RETURN, false));
        }

        @Override
        public Availability availability() {
            return Availability.unavailable("its Python environment is missing", "tdmpc2j setup notsetup");
        }

        @Override
        public Env create(TaskSpec task, EnvOptions options) {
            throw new UnsupportedOperationException("never made: the task is unavailable");
        }
    }

    /**
     * A task that cannot be made is refused before any run: the bench trained the tasks before it first (hours with
     * TD-MPC2) and then failed.
     */
    @Test
    void anUnavailableTaskIsRefusedBeforeAnyRun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench");
        withNotSetUpSuite(dir, () -> {
            TasksCommandTest.Run r = TasksCommandTest.run("bench", "--tasks", "classic/pendulum,notsetup/reach",
                    "--agent", "random", "--steps", "200", "--eval-episodes", "1", "--out", out.toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("notsetup/reach is unavailable: its Python environment is missing")
                    .contains("tdmpc2j setup notsetup");
            assertThat(r.out()).doesNotContain("classic/pendulum");
            assertThat(out).doesNotExist();

            // local[K]: the executor is this JVM, which checks before any run; on other masters the executors
            // check every unit's task before any trains (they found it when its turn came, after the others trained)
            for (String master : new String[] {"local[1]", "local-cluster[1,1,1024]"}) {
                TasksCommandTest.Run spark = TasksCommandTest.run("bench", "--tasks",
                        "classic/pendulum,notsetup/reach", "--seeds", "2", "--agent", "random", "--steps", "200",
                        "--eval-episodes", "1", "--out", out.toString(), "--master", master, "--spark-conf",
                        "spark.driver.host=127.0.0.1");
                assertThat(spark.exit()).as(spark.err()).isEqualTo(2);
                assertThat(spark.err()).contains("notsetup/reach is unavailable: its Python environment is missing")
                        .contains("tdmpc2j setup notsetup").hasLineCount(1);
                assertThat(spark.out()).as(master).doesNotContain("classic/pendulum");
                // nothing trained, and no --out folder left behind (as collect leaves no dataset folder)
                assertThat(out).as(master).doesNotExist();
                if (master.startsWith("local-cluster")) {
                    assertThat(spark.err()).startsWith("error: bench cannot run on the cluster: unit "
                            + "notsetup/reach seed 1 (checked on "
                            + java.net.InetAddress.getLocalHost().getHostName() + " before any unit ran): task "
                            + "notsetup/reach is unavailable");
                }
            }
        });
        // a cluster that can start no executor for it: refused before any unit, no --out folder left behind
        TasksCommandTest.Run big = TasksCommandTest.run("bench", "--tasks", "classic/pendulum", "--agent", "random",
                "--steps", "200", "--eval-episodes", "1", "--out", out.toString(), "--master",
                "local-cluster[1,1,1024]", "--spark-conf", "spark.executor.cores=2", "--spark-conf",
                "spark.driver.host=127.0.0.1");
        assertThat(big.exit()).as(big.err()).isEqualTo(2);
        assertThat(big.err()).contains("bench cannot run on local-cluster[1,1,1024]").contains("no worker offers");
        assertThat(out).doesNotExist();
    }

    /**
     * A task that cannot be made is what train and bench say first, before any advice on the settings: with settings
     * that also do not fit (a horizon past the task's 10-step episodes) they refused the settings, and the checks
     * of a run's settings warn of a run that ends in its seed phase before the refusal of its unavailable task
     * ("Give --steps 1000 or more" for a run that could not start).
     */
    @Test
    void anUnavailableTaskIsSaidBeforeTheSettingsAre(@TempDir Path dir) throws Exception {
        withNotSetUpSuite(dir, () -> {
            for (String command : new String[] {"train", "bench"}) {
                TasksCommandTest.Run r = TasksCommandTest.run(command, "--task" + (command.equals("bench") ? "s"
                        : ""), "notsetup/reach", "--preset", "cpu", "--set-param", "horizon=20", "--steps", "100",
                        "--eval-episodes", "1", "--out", dir.resolve(command).toString());
                assertThat(r.exit()).as(r.err()).isEqualTo(2);
                assertThat(r.err()).as(command).contains("notsetup/reach is unavailable: its Python environment is "
                        + "missing").doesNotContain("horizon=20");
                assertThat(dir.resolve(command)).doesNotExist();
            }
        });
    }

    /**
     * Tasks of two suites not set up are refused with both fixes in one error, without --master and with local[K]
     * (whose executor is this JVM): the bench named the first only, so its user set that suite up and ran it again
     * to learn of the second.
     */
    @Test
    void tasksOfSeveralSuitesNotSetUpAreRefusedWithEveryFix(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench");
        String before = System.getProperty(io.github.tdmpc2j.bridge.py4j.VenvLayout.ROOT_PROPERTY);
        // no venv at all: gymnasium's tasks unavailable too
        System.setProperty(io.github.tdmpc2j.bridge.py4j.VenvLayout.ROOT_PROPERTY,
                java.nio.file.Files.createDirectories(dir.resolve("no-venvs")).toString());
        try {
            withNotSetUpSuite(dir, () -> {
                for (String master : new String[] {null, "local[1]"}) {
                    List<String> args = new java.util.ArrayList<>(List.of("bench", "--tasks",
                            "classic/pendulum,gymnasium/Pendulum-v1,notsetup/reach", "--agent", "random", "--steps",
                            "200", "--eval-episodes", "1", "--out", out.toString()));
                    if (master != null) {
                        args.addAll(List.of("--master", master, "--spark-conf", "spark.driver.host=127.0.0.1"));
                    }
                    TasksCommandTest.Run r = TasksCommandTest.run(args.toArray(String[]::new));
                    assertThat(r.exit()).as(r.err()).isEqualTo(2);
                    assertThat(r.err()).as(String.valueOf(master))
                            .startsWith("error: task gymnasium/Pendulum-v1 is unavailable")
                            .contains("tdmpc2j setup gymnasium").contains("other tasks are unavailable too:")
                            .contains("notsetup/reach: run `tdmpc2j setup notsetup`");
                    assertThat(r.out()).doesNotContain("classic/pendulum");
                    assertThat(out).doesNotExist();
                }
            });
        } finally {
            if (before == null) {
                System.clearProperty(io.github.tdmpc2j.bridge.py4j.VenvLayout.ROOT_PROPERTY);
            } else {
                System.setProperty(io.github.tdmpc2j.bridge.py4j.VenvLayout.ROOT_PROPERTY, before);
            }
        }
    }

    /**
     * Each task is checked once before the first run, whatever runs the units: in this process and with local[K]
     * (whose executor is this JVM) the bench checked every task in the command and again in the units' check.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void eachTaskIsCheckedOnceBeforeTheRuns(@TempDir Path dir) {
        for (String master : new String[] {null, "local[2]"}) {
            List<String> args = new java.util.ArrayList<>(List.of("bench", "--tasks", "echo/action", "--seeds", "2",
                    "--agent", "random", "--steps", "20", "--eval-every", "10", "--eval-episodes", "1", "--out",
                    dir.resolve(master == null ? "here" : "spark").toString()));
            if (master != null) {
                args.addAll(List.of("--master", master, "--spark-conf", "spark.driver.host=127.0.0.1"));
            }
            EchoProvider.UP_FRONT_CHECKS.set(0);
            TasksCommandTest.Run r = TasksCommandTest.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).as(r.err()).contains("echo/action                          seed 2: return");
            assertThat(EchoProvider.UP_FRONT_CHECKS.get())
                    .as("checks of echo/action's 2 runs, " + (master == null ? "in this process" : master)).isEqualTo(1);
        }
    }

    /**
     * SIGTERM (as Ctrl-C's SIGINT) to a `tdmpc2j bench` in a child JVM while its first run gets ready (its Python
     * worker starting to make the run's env): the bench ends with the exit status of the signal, and the folders it
     * made are gone (the bench's and the run's stayed, each holding the run.lock of a process that was gone).
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalBeforeTheFirstRunTrainsLeavesNoLockBehind(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench");
        ChildRun.Ended ended = ChildRun.terminatedOnceThePytestingWorkerStarts(dir, List.of("bench",
                "--tasks", "pytesting/slow", "--seeds", "2", "--agent", "random", "--steps", "20", "--eval-every",
                "10", "--eval-episodes", "1", "--out", out.toString()));
        assertThat(ended.exit()).as(ended.output()).isEqualTo(128 + 15);
        assertThat(ended.output()).contains("stopped by SIGTERM before its first run trained: nothing was written")
                .doesNotContain("seed 1: return");
        assertThat(out).doesNotExist();
    }

    /**
     * SIGTERM to a `tdmpc2j bench --master local[2]` in a child JVM once its first run saved a checkpoint (each
     * step of pytesting/slow takes half a second: the runs have 20 steps and an evaluation to go): as without
     * --master the runs stop before their next step (the job cancelled, each run on its executor stopped), the
     * bench prints its stop line and ends with the exit status of the signal, no report; the runs keep their
     * checkpoints and the same bench command goes on from them. It ended the process with Spark in it at once.
     */
    @Test
    @org.junit.jupiter.api.Timeout(400)
    void aSignalWithMasterStopsTheRunsBeforeTheirNextStepAndTheSameBenchFinishes(@TempDir Path dir)
            throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path out = dir.resolve("bench");
        List<String> args = List.of("bench", "--tasks", "pytesting/slow", "--seeds", "2", "--agent", "random",
                "--steps", "40", "--eval-every", "20", "--eval-episodes", "1", "--out", out.toString(), "--master",
                "local[2]", "--spark-conf", "spark.driver.host=127.0.0.1");
        Path checkpoint = out.resolve("runs").resolve("pytesting/slow").resolve("seed-1")
                .resolve(io.github.tdmpc2j.spi.agent.CheckpointFolder.IN_RUN);
        ChildRun.Ended ended = ChildRun.terminatedOnceExists(dir, checkpoint, List.of(io.github.tdmpc2j.cluster
                .UnitRunner.javaModuleOptions().split(" ")), args);
        int exit = ended.exit();
        String output = ended.output();
        assertThat(exit).as(output).isEqualTo(128 + 15);
        assertThat(output).contains("SIGTERM: stopping before the next step")
                .contains("stopped by SIGTERM: no report written; the runs keep their last checkpoints in "
                        + out.resolve("runs") + ", and the same bench command goes on from them")
                .doesNotContain("this process is exiting").doesNotContain("seed 1: ")
                .doesNotContain("seed 2: ");
        assertThat(checkpoint).isDirectory();
        assertThat(out.resolve("report.md")).doesNotExist();
        TasksCommandTest.Run again = TasksCommandTest.run(args.toArray(String[]::new));
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("seed 1: return").contains("seed 2: return")
                .contains("report: ");
    }

    /**
     * SIGTERM to a `tdmpc2j bench --master local[2]` in a child JVM once its tasks passed their check (it holds its
     * folder's lock) and before its runs train (pytesting/slow-start makes each run's env in three seconds, and
     * the random policy's evaluation takes five more): as without --master it says nothing was written and leaves
     * no folder (its two runs, stopped at once, left DIR/run.lock and the empty DIR/runs/TASK, and it said the runs
     * kept their checkpoints).
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalWithMasterBeforeTheRunsTrainLeavesNoFolder(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path out = dir.resolve("bench");
        ChildRun.Ended ended = ChildRun.terminatedOnceExists(dir, out.resolve(RunLock.FILE), List.of(io.github
                .tdmpc2j.cluster.UnitRunner.javaModuleOptions().split(" ")), List.of("bench", "--tasks",
                "pytesting/slow-start", "--seeds", "2", "--agent", "random", "--steps", "20", "--eval-every", "10",
                "--eval-episodes", "1", "--out", out.toString(), "--master", "local[2]", "--spark-conf",
                "spark.driver.host=127.0.0.1"));
        int exit = ended.exit();
        String output = ended.output();
        String left = "";
        if (Files.exists(out)) { // what a stop that left the folder left in it, for the failure's message
            try (java.util.stream.Stream<Path> all = Files.walk(out)) {
                left = all.map(Path::toString).sorted().collect(java.util.stream.Collectors.joining("\n",
                        "\nleft in " + out + ":\n", ""));
            }
        }
        assertThat(exit).as(output).isEqualTo(128 + 15);
        assertThat(output).as(left).contains("SIGTERM: stopping before the next step")
                .contains("stopped by SIGTERM before its first run trained: nothing was written")
                .doesNotContain("this process is exiting");
        assertThat(out).as(output).doesNotExist();
    }

    /**
     * With --master local[K] the bench's runs train K at once in this JVM, sharing its heap: the check before the
     * first run gives each its share (it gave each the whole heap, and K buffers that each fit alone filled it
     * together, hours in). The steps here fill about half this JVM's heap: one run would fit, four at once do not.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void localKRunsShareTheHeapInTheCheckBeforeAnyRun(@TempDir Path dir) throws Exception {
        long heap = Runtime.getRuntime().maxMemory();
        // dog: a step is 1.9 KiB in the buffer (a checkpoint streams it out, no copy of it)
        long steps = heap / 2 / 1956;
        Path out = dir.resolve("bench");
        TasksCommandTest.Run r = TasksCommandTest.run("bench", "--tasks", "dmc/dog-run", "--seeds", "4", "--steps",
                Long.toString(steps), "--preset", "cpu", "--set-param", "buffer_size=" + steps, "--out",
                out.toString(), "--master", "local[4]", "--spark-conf", "spark.driver.host=127.0.0.1");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("dmc/dog-run: the replay buffer of this run needs").contains("--master "
                + "local[4] runs 4 of this bench's runs at once in this JVM, each in 1/4 of its heap")
                .contains("(no run of this bench has started)");
        assertThat(out.resolve("runs")).doesNotExist();
    }

    /**
     * With a master whose executors train the runs (local-cluster, spark://) the check before the first run gives
     * each run an executor's heap, spark.executor.memory, shared by the runs one executor takes at once (a
     * local-cluster worker's cores here). It gave them no limit: the executor refused the run only once Spark had
     * started, with advice for this process's heap (TDMPC2J_JAVA_OPTS), which trains nothing.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void executorRunsAreCheckedAgainstTheExecutorsHeapBeforeAnyRun(@TempDir Path dir) {
        Path out = dir.resolve("bench");
        // humanoid: a step is 640 bytes in the buffer, so 1M steps need about 620 MiB
        TasksCommandTest.Run r = TasksCommandTest.run("bench", "--tasks", "dmc/humanoid-walk", "--steps", "2000000",
                "--preset", "cpu", "--out", out.toString(), "--master", "local-cluster[1,2,1024]", "--spark-conf",
                "spark.executor.memory=460m", "--spark-conf", "spark.driver.host=127.0.0.1");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("dmc/humanoid-walk: the replay buffer of this run needs")
                .contains("maximum heap of 230.0 MiB")
                .contains("each run trains in an executor whose heap is spark.executor.memory=460m, shared by the 2 "
                        + "runs it takes at once")
                .contains("give --spark-conf spark.executor.memory of 2 times the -Xmx named above")
                .contains("(no run of this bench has started)").hasLineCount(1);
        assertThat(out.resolve("runs")).doesNotExist();
    }

    /**
     * Two tasks whose every step says "success": flagged/reach listed as scored by its return (a plug-in's own flag,
     * shown beside), 1 a step and never a success, flagged/goal listed as scored by success, a success at every step.
     */
    public static final class FlaggedProvider implements EnvProvider {
        @Override
        public String domain() {
            return "flagged";
        }

        @Override
        public List<TaskSpec> tasks() {
            return List.of(new TaskSpec("flagged/reach", List.of(), Box.of(1, -1, 1), Box.of(1, -1, 1), 10, 1,
                    SuccessMetric.RETURN, false), new TaskSpec("flagged/goal", List.of(), Box.of(1, -1, 1),
                    Box.of(1, -1, 1), 10, 1, SuccessMetric.SUCCESS, false));
        }

        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public Env create(TaskSpec task, EnvOptions options) {
            boolean goal = task.successMetric() == SuccessMetric.SUCCESS;
            return new Env() {
                public TaskSpec spec() {
                    return task;
                }

                public io.github.tdmpc2j.spi.ResetResult reset(long seed) {
                    return new io.github.tdmpc2j.spi.ResetResult(new float[1]);
                }

                public io.github.tdmpc2j.spi.StepResult step(float[] action) {
                    return new io.github.tdmpc2j.spi.StepResult(new float[1], 1, false, false,
                            java.util.Map.of("success", goal));
                }

                public void close() {
                }
            };
        }
    }

    /**
     * A task is scored as its plug-in lists it: one of SuccessMetric.RETURN whose steps put "success" in their info
     * (a plug-in's own flag) by its return, as the paper's scale for its domain takes it; it was scored by the flag,
     * its report a success rate (0 here) where the plug-in had said its return.
     */
    @Test
    void aTaskIsScoredByTheMetricItsPluginListsNotByTheFlagsItsStepsGive(@TempDir Path dir) throws Exception {
        Path jar = TasksCommandTest.serviceJar(dir.resolve("flagged.jar"), EnvProvider.class,
                FlaggedProvider.class.getName());
        Path out = dir.resolve("bench");
        TasksCommandTest.withPlugins(jar, () -> {
            TasksCommandTest.Run r = TasksCommandTest.run("bench", "--tasks", "flagged/reach,flagged/goal", "--agent",
                    "random", "--steps", "20", "--seeds", "1", "--eval-every", "10", "--eval-episodes", "1", "--out",
                    out.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("flagged/reach                        seed 1: return 10.000")
                    .contains("flagged/goal                         seed 1: success rate 1.000");
        });
        List<CsvLog.Row> rows = CsvLog.read(out.resolve("report.csv"));
        assertThat(rows).hasSize(2);
        // task, domain, metric, mean, std, normalized
        String[] reach = rows.get(0).cells();
        assertThat(List.of(reach).subList(0, 3)).containsExactly("flagged/reach", "flagged", "return");
        assertThat(Double.parseDouble(reach[3])).as("mean").isEqualTo(10.0);
        assertThat(Double.parseDouble(reach[5])).as("normalized").isEqualTo(10.0);
        String[] goal = rows.get(1).cells();
        assertThat(List.of(goal).subList(0, 3)).containsExactly("flagged/goal", "flagged", "success");
        assertThat(Double.parseDouble(goal[5])).as("normalized").isEqualTo(100.0);
    }

    /** What runs with the suite of {@link NotSetUpProvider} installed (as a plug-in jar in {@code dir}). */
    interface WithSuite {
        void run() throws Exception;
    }

    /** Runs {@code body} with the task notsetup/reach listed and unavailable (its suite installed, not set up). */
    static void withNotSetUpSuite(Path dir, WithSuite body) throws Exception {
        Path jar = TasksCommandTest.serviceJar(dir.resolve("notsetup.jar"), EnvProvider.class,
                NotSetUpProvider.class.getName());
        TasksCommandTest.withPlugins(jar, body::run);
    }

    /**
     * Settings that one task's run cannot take (a horizon longer than its episodes) are refused before the first
     * run, from the tasks' specs: the bench trained the tasks before it first, then failed when it was reached.
     */
    @Test
    void aTaskTheSettingsDoNotFitIsRefusedBeforeAnyRun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench");
        TasksCommandTest.Run r = TasksCommandTest.run("bench", "--tasks", "classic/pendulum,echo/action", "--agent",
                "tdmpc2", "--preset", "cpu", "--set-param", "horizon=20", "--steps", "400", "--eval-episodes", "1",
                "--out", out.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: echo/action: ").contains("horizon=20 is longer than the episodes of echo/action (10 steps)")
                .contains("(no run of this bench has started)").hasLineCount(1);
        assertThat(r.out()).doesNotContain("classic/pendulum");
        assertThat(out).doesNotExist();
    }

    /** An agent plug-in of the tests: the random agent under another name. */
    public static final class PluggedAgentProvider implements AgentProvider {
        @Override
        public String name() {
            return "plugged";
        }

        @Override
        public Agent create(AgentContext context) {
            return new RandomAgent(context);
        }
    }

    /**
     * A plug-in jar on TDMPC2J_PLUGINS reaches the executors, which are other JVMs: they failed with "unknown agent"
     * (and an unknown task for a task plug-in).
     */
    @Test
    void aPluginAgentRunsOnTheExecutorsOfACluster(@TempDir Path dir) throws Exception {
        Path jar = TasksCommandTest.serviceJar(dir.resolve("plugged.jar"), AgentProvider.class,
                PluggedAgentProvider.class.getName());
        TasksCommandTest.withPlugins(jar, () -> {
            TasksCommandTest.Run r = TasksCommandTest.run("bench", "--tasks", "classic/pendulum", "--agent", "plugged",
                    "--steps", "200", "--eval-episodes", "1", "--out", dir.resolve("bench").toString(), "--master",
                    "local-cluster[1,1,1024]", "--spark-conf", "spark.driver.host=127.0.0.1");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("classic/pendulum                     seed 1: return");
        });
    }

    @Test
    void onALocalClusterTheReportIsTheSame(@TempDir Path dir) throws Exception {
        String[] bench = {"bench", "--tasks", "dmc/cartpole-balance,classic/pendulum", "--agent", "random",
            "--steps", "300", "--seeds", "2", "--eval-every", "150", "--eval-episodes", "1"};
        TasksCommandTest.Run here = TasksCommandTest.run(CollectCommandTest.concat(bench, "--out",
                dir.resolve("here").toString()));
        assertThat(here.exit()).as(here.err()).isZero();
        TasksCommandTest.Run spark = TasksCommandTest.run(CollectCommandTest.concat(bench, "--out",
                dir.resolve("spark").toString(), "--master", "local-cluster[2,1,1024]", "--spark-conf",
                "spark.driver.host=127.0.0.1"));
        assertThat(spark.exit()).as(spark.err()).isZero();
        for (String f : new String[] {"report.md", "report.csv"}) {
            assertThat(Files.readString(dir.resolve("spark").resolve(f))).as(f)
                    .isEqualTo(Files.readString(dir.resolve("here").resolve(f)));
        }
        // the run folders too, written by the executors: the same evaluations (elapsed_s aside)
        String evals = "runs/dmc/cartpole-balance/seed-2/eval.csv";
        assertThat(Files.readAllLines(dir.resolve("spark").resolve(evals)).stream()
                .map(l -> l.substring(0, l.lastIndexOf(','))).toList())
                .isEqualTo(Files.readAllLines(dir.resolve("here").resolve(evals)).stream()
                        .map(l -> l.substring(0, l.lastIndexOf(','))).toList());
        assertThat(Files.readString(dir.resolve("spark/report.md"))).contains("| dmc/cartpole-balance | DMControl | 2 |");
    }

    /**
     * Two TD-MPC2 units learning at once in one executor (local[2]: two task slots in one JVM) learn what they learn
     * one after the other, byte for byte: each agent draws from a generator of its own (with the engine's one
     * generator their draws interleaved). DJL's gradient collector also allowed one per JVM, and the second unit
     * failed with "A PtGradientCollector is already collecting".
     */
    @Test
    void twoTdmpcUnitsLearnAtOnceInOneExecutor(@TempDir Path dir) throws Exception {
        String[] bench = {"bench", "--tasks", "classic/pendulum", "--agent", "tdmpc2",
            "--preset", "cpu", "--steps", "260", "--seeds", "2", "--eval-every", "260", "--eval-episodes", "1",
            "--set-param", "seed_steps=20", "--set-param", "batch_size=8", "--set-param", "mlp_dim=32",
            "--set-param", "enc_dim=32", "--set-param", "latent_dim=16", "--set-param", "num_samples=16",
            "--set-param", "num_elites=4", "--set-param", "num_pi_trajs=2", "--set-param", "iterations=1"};
        List<String> together = new java.util.ArrayList<>(List.of(bench));
        together.addAll(List.of("--master", "local[2]", "--spark-conf", "spark.driver.host=127.0.0.1", "--out",
                dir.toString()));
        TasksCommandTest.Run r = TasksCommandTest.run(together.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        Path apart = dir.resolve("apart");
        List<String> oneByOne = new java.util.ArrayList<>(List.of(bench));
        oneByOne.addAll(List.of("--out", apart.toString()));
        TasksCommandTest.Run sequential = TasksCommandTest.run(oneByOne.toArray(String[]::new));
        assertThat(sequential.exit()).as(sequential.err()).isZero();
        assertThat(r.out()).contains("classic/pendulum                     seed 1: return")
                .contains("seed 2: return");
        for (int seed = 1; seed <= 2; seed++) {
            // the optimiser's step count, in the checkpoint's safetensors header (updates begin once the first
            // 200-step episode is in the buffer)
            String weights = new String(Files.readAllBytes(dir.resolve("runs/classic/pendulum/seed-" + seed
                    + "/checkpoint/tdmpc2.safetensors")), java.nio.charset.StandardCharsets.ISO_8859_1);
            java.util.regex.Matcher steps = java.util.regex.Pattern.compile("\"optim_steps\":\"(\\d+)\"")
                    .matcher(weights);
            assertThat(steps.find()).as("seed " + seed + ": optimiser steps in the checkpoint").isTrue();
            assertThat(Long.parseLong(steps.group(1))).as("seed " + seed + " learned after its seed phase")
                    .isGreaterThanOrEqualTo(60);
            assertThat(apart.resolve("runs/classic/pendulum/seed-" + seed + "/checkpoint/tdmpc2.safetensors"))
                    .as("seed %d: the weights learned beside another unit and alone", seed)
                    .hasSameBinaryContentAs(dir.resolve("runs/classic/pendulum/seed-" + seed
                            + "/checkpoint/tdmpc2.safetensors"));
        }
    }

    /**
     * Spark runs a unit again while its earlier attempt may still hold the run folder (a speculative copy; a retry
     * after the executor missed its heartbeats and before it was killed): the new attempt waits for the folder and
     * then goes on from it, while the other units train. It was refused as busy, a typed error the job reported as
     * "not retried: the same input fails the same way", and the bench failed.
     */
    @Test
    void aUnitRunAgainWhileItsEarlierAttemptHoldsTheFolderWaitsForIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench");
        Path seed1 = out.resolve("runs/classic/pendulum/seed-1");
        Files.createDirectories(seed1);
        String[] bench = {"bench", "--tasks", "classic/pendulum", "--agent", "random", "--steps", "200", "--seeds",
            "2", "--eval-episodes", "1", "--out", out.toString(), "--master", "local[2]", "--spark-conf",
            "spark.driver.host=127.0.0.1"};
        java.util.concurrent.CompletableFuture<TasksCommandTest.Run> run;
        try (RunLock earlier = new RunFolder(seed1).lock()) { // the earlier attempt, in the executor's JVM (local)
            run = java.util.concurrent.CompletableFuture.supplyAsync(() -> TasksCommandTest.run(bench));
            long deadline = System.nanoTime() + 120_000_000_000L;
            Path seed2 = out.resolve("runs/classic/pendulum/seed-2/checkpoint");
            while (!Files.isDirectory(seed2) && !run.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(seed2).as("the other unit trained meanwhile").isDirectory();
            Thread.sleep(3 * BenchCommand.ATTEMPT_POLL_MS);
            assertThat(run).as("seed 1 waits for its earlier attempt").isNotDone();
            assertThat(seed1.resolve("eval.csv")).doesNotExist();
        }
        TasksCommandTest.Run r = run.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("classic/pendulum                     seed 1: return").contains("seed 2: return");
        assertThat(seed1.resolve("checkpoint")).isDirectory();
    }

    /**
     * A unit run again whose folder stays held (an executor cut off from the cluster that goes on training; a train
     * --resume started there) fails after spark.tdmpc2j.runFolderWaitTimeout, naming the folder and what to do: it
     * waited without a limit, holding its task slot.
     */
    @Test
    void aUnitWhoseFolderStaysHeldFailsAfterTheWaitLimit(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench");
        Path seed1 = out.resolve("runs/classic/pendulum/seed-1");
        Files.createDirectories(seed1);
        TasksCommandTest.Run r;
        try (RunLock holder = new RunFolder(seed1).lock()) {
            r = TasksCommandTest.run("bench", "--tasks", "classic/pendulum", "--agent", "random", "--steps", "200",
                    "--seeds", "2", "--eval-episodes", "1", "--out", out.toString(), "--master", "local[2]",
                    "--spark-conf", "spark.driver.host=127.0.0.1", "--spark-conf",
                    "spark.tdmpc2j.runFolderWaitTimeout=3s");
        }
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: bench failed on the cluster: unit classic/pendulum seed 1")
                .contains("this bench unit, run again, waited 3 s for its run folder " + seed1.toAbsolutePath()
                        + " and it is still held: another run of this process (pid " + ProcessHandle.current().pid())
                .contains("Stop that process").contains("--spark-conf spark.tdmpc2j.runFolderWaitTimeout=1h")
                .hasLineCount(1);
        assertThat(r.out()).contains("seed 2: return");
        assertThat(seed1.resolve("eval.csv")).doesNotExist();
    }

    /**
     * A run shorter than the paper's first step after 0 has no published number beside it (the report showed the
     * paper's step-0 number, its agent before any training: "23.6 (0)" for cartpole-balance); the report names
     * the paper's first step instead, and report.csv leaves the published cells empty.
     */
    @Test
    void aRunShorterThanThePapersFirstStepHasNoPublishedNumber(@TempDir Path dir) throws Exception {
        TasksCommandTest.Run r = TasksCommandTest.run("bench", "--tasks", "dmc/cartpole-balance", "--agent", "random",
                "--steps", "100", "--eval-every", "100", "--eval-episodes", "1", "--out", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String md = Files.readString(dir.resolve("report.md"));
        // the paper's first step after 0 is its logs' 100000 environment steps: 50000 agent steps at DMControl's
        // action repeat of 2 (the report said 100000)
        assertThat(md).containsPattern("\\| dmc/cartpole-balance \\| DMControl \\| 1 \\| .* \\| - \\(first at step "
                + "50000\\) \\|\n").doesNotContain("(0)").contains("| DMControl | 1 | ")
                .contains("none where its first step after 0 is beyond 100")
                .contains("its logs count environment steps, agent steps x the task's action repeat");
        String[] row = CsvLog.read(dir.resolve("report.csv")).get(0).cells();
        assertThat(row[0]).isEqualTo("dmc/cartpole-balance");
        assertThat(List.of(row).subList(8, 11)).containsExactly("", "", "");
    }

    /**
     * Runs of an earlier bench that this one would go on from but that do not fit its settings are refused before
     * any run trains. Before: another --eval-episodes reported the runs' last evaluations (of the earlier count)
     * under this bench's count, beside a random policy of this bench's count ("29.2 | 31.1" for the random agent,
     * not the same episodes); a smaller --steps was refused as the run's turn came, after the tasks before it had
     * trained.
     */
    @Test
    void anEarlierBenchsRunsThatDoNotFitAreRefusedBeforeAnyRun(@TempDir Path dir) throws Exception {
        String out = dir.toString();
        TasksCommandTest.Run first = TasksCommandTest.run("bench", "--tasks", "classic/pendulum", "--agent", "random",
                "--steps", "400", "--seeds", "2", "--eval-every", "200", "--eval-episodes", "1", "--out", out);
        assertThat(first.exit()).as(first.err()).isZero();
        String md = Files.readString(dir.resolve("report.md"));
        String runs = dir.resolve("runs/classic/pendulum") + "/seed-1";
        Files.delete(dir.resolve(RunLock.FILE)); // a bench's folder as copied elsewhere: a refusal leaves it so
        TasksCommandTest.Run episodes = TasksCommandTest.run("bench", "--tasks", "dmc/cartpole-balance,classic/pendulum",
                "--agent", "random", "--steps", "400", "--seeds", "2", "--eval-every", "200", "--eval-episodes", "2",
                "--out", out);
        assertThat(episodes.exit()).isEqualTo(2);
        assertThat(episodes.err()).contains("the run in " + runs + " evaluates 1 episode, not 2 (and 1 more run): "
                + "give --eval-episodes 1").contains("Or choose another --out").contains("no run has started");
        assertThat(dir.resolve(RunLock.FILE)).doesNotExist();
        TasksCommandTest.Run shorter = TasksCommandTest.run("bench", "--tasks", "dmc/cartpole-balance,classic/pendulum",
                "--agent", "random", "--steps", "200", "--seeds", "2", "--eval-every", "200", "--eval-episodes", "1",
                "--out", out);
        assertThat(shorter.exit()).isEqualTo(2);
        assertThat(shorter.err()).contains("the run in " + runs + " is at step 400 (its checkpoint), past --steps 200 "
                + "(and 1 more run): give --steps 400 or more");
        // the task before them did not train, and the earlier report stands
        assertThat(dir.resolve("runs/dmc")).doesNotExist();
        assertThat(Files.readString(dir.resolve("report.md"))).isEqualTo(md);
        TasksCommandTest.Run fits = TasksCommandTest.run("bench", "--tasks", "dmc/cartpole-balance,classic/pendulum",
                "--agent", "random", "--steps", "400", "--seeds", "2", "--eval-every", "200", "--eval-episodes", "1",
                "--out", out);
        assertThat(fits.exit()).as(fits.err()).isZero();
        assertThat(CsvLog.read(dir.resolve("report.csv"))).hasSize(2);
    }

    /**
     * An agent setting other than the one an earlier bench's run was trained with is refused before any run trains.
     * Before: the run went on with the new one (lr=1e-3 up to step 600, then 3e-4), under a report that named only
     * the new one; and a setting the earlier bench gave, left out, made its runs go on with it (their checkpoints')
     * and the runs this bench started go without it, under a report that named neither.
     */
    @Test
    void anAgentSettingOtherThanTheRunsIsRefused(@TempDir Path dir) throws Exception {
        String[] bench = {"bench", "--tasks", "classic/pendulum", "--agent", "tdmpc2", "--preset", "cpu",
                "--steps", "40", "--eval-every", "40", "--eval-episodes", "1", "--out", dir.toString()};
        TasksCommandTest.Run first = TasksCommandTest.run(concat(bench, "--set-param", "mpc=false", "--set-param",
                "lr=1e-3"));
        assertThat(first.exit()).as(first.err()).isZero();
        TasksCommandTest.Run lr = TasksCommandTest.run(concat(bench, "--set-param", "mpc=false", "--set-param",
                "lr=3e-4"));
        assertThat(lr.exit()).isEqualTo(2);
        assertThat(lr.err()).contains("the run in " + dir.resolve("runs/classic/pendulum/seed-1") + " was trained "
                + "with lr=1e-3, not 3e-4: give --set-param lr=1e-3").contains("no run has started");
        // the same value written otherwise is the same setting
        TasksCommandTest.Run same = TasksCommandTest.run(concat(bench, "--set-param", "mpc=false", "--set-param",
                "lr=0.001"));
        assertThat(same.exit()).as(same.err()).isZero();
        // envs decides the runs' evaluation episodes (how many run at once): another is refused as well
        TasksCommandTest.Run envs = TasksCommandTest.run(concat(bench, "--set-param", "mpc=false", "--set-param",
                "lr=0.001", "--set-param", "envs=2"));
        assertThat(envs.exit()).isEqualTo(2);
        assertThat(envs.err()).contains("bench.yaml): envs not given, now 2.");
        String md = Files.readString(dir.resolve("report.md"));
        TasksCommandTest.Run without = TasksCommandTest.run(concat(bench, "--seeds", "2", "--set-param", "lr=1e-3"));
        assertThat(without.exit()).isEqualTo(2);
        assertThat(without.err()).contains("--out " + dir + " holds the runs of a bench of other settings (its "
                + "bench.yaml): mpc false, now not given. Its runs would go on with a mix of both; give the earlier "
                + "bench's settings (--agent tdmpc2 --eval-episodes 1 --preset cpu --set-param lr=0.001 --set-param "
                + "mpc=false) to go on with them, or choose another --out");
        assertThat(dir.resolve("runs/classic/pendulum/seed-2")).doesNotExist();
        assertThat(Files.readString(dir.resolve("report.md"))).isEqualTo(md);
    }

    /**
     * A run that fails ends the bench with its error, which says what became of the bench (its message named only
     * the run's checkpoint: "Restore the file, or use another checkpoint."), and the earlier report stands. The run's
     * folder, which had no run.lock (an earlier version's, or one moved here), is left without one, as a refused
     * {@code train --resume} leaves it ({@link RunLock#failed}). Before: the refused run left its run.lock there.
     */
    @Test
    void aRunThatFailsSaysTheBenchStoppedAndWhatIsKept(@TempDir Path dir) throws Exception {
        String[] bench = {"bench", "--tasks", "classic/pendulum,dmc/cartpole-balance", "--agent", "random",
                "--eval-every", "200", "--eval-episodes", "1", "--out", dir.toString(), "--steps"};
        TasksCommandTest.Run first = TasksCommandTest.run(concat(bench, "400"));
        assertThat(first.exit()).as(first.err()).isZero();
        String md = Files.readString(dir.resolve("report.md"));
        Path cartpole = dir.resolve("runs/dmc/cartpole-balance/seed-1");
        Files.writeString(cartpole.resolve("checkpoint/trainer.properties"), "damaged\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.delete(cartpole.resolve(RunLock.FILE));
        TasksCommandTest.Run more = TasksCommandTest.run(concat(bench, "800"));
        assertThat(more.exit()).isEqualTo(2);
        assertThat(cartpole.resolve(RunLock.FILE)).as(more.err()).doesNotExist();
        assertThat(dir.resolve("runs/classic/pendulum/seed-1").resolve(RunLock.FILE)).exists(); // a run that ended
        assertThat(more.err()).contains("does not match the checksum").contains(System.lineSeparator()
                + "dmc/cartpole-balance seed 1: the bench stopped at this run and wrote no report; the runs that ended "
                + "keep their checkpoints in " + dir.resolve("runs") + ", and the same bench command goes on from "
                + "them");
        assertThat(Files.readString(dir.resolve("report.md"))).isEqualTo(md);
        List<CsvLog.Row> evals = CsvLog.read(dir.resolve("runs/classic/pendulum/seed-1/eval.csv"));
        assertThat(evals.get(evals.size() - 1).number(0)).isEqualTo(800);
    }

    private static String[] concat(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    /**
     * An --out that is not a bench's folder is refused before anything is written there. Before: a file was refused
     * as "cannot make the lock file FILE/run.lock ...: already exists (FILE); check the folder's permissions"; a
     * report.md of the user's was replaced by the bench's; a training run's folder took runs/, curves/ and the
     * report among its files.
     */
    @Test
    void anOutThatIsNotABenchsFolderIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "mine");
        TasksCommandTest.Run r = bench(file);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--out " + file + " is a file, not a folder; choose another --out");
        assertThat(Files.readString(file)).isEqualTo("mine");

        Path notes = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(notes.resolve("report.md"), "# My own report\n");
        r = bench(notes);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--out " + notes + " is not a bench's folder: it holds report.md, which a bench "
                + "did not write and would replace; choose another --out").contains("Nothing was written");
        assertThat(Files.readString(notes.resolve("report.md"))).isEqualTo("# My own report\n");
        assertThat(notes.resolve("runs")).doesNotExist();

        Path run = dir.resolve("run");
        TasksCommandTest.Run train = TasksCommandTest.run("train", "--task", "classic/pendulum", "--agent", "random",
                "--steps", "200", "--eval-every", "100", "--eval-episodes", "1", "--out", run.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        r = bench(run);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--out " + run + " is not a bench's folder: it holds checkpoint, config.yaml, "
                + "train.csv, eval.csv, curve.png, which a bench did not write (a training run's or a dataset's)");
        assertThat(run.resolve("runs")).doesNotExist();
        assertThat(run.resolve("report.md")).doesNotExist();

        // an earlier bench's folder, with a file of the user's beside: taken, and gone on with
        Path bench = dir.resolve("bench");
        assertThat(bench(bench).exit()).isZero();
        Files.writeString(bench.resolve("notes.txt"), "mine");
        TasksCommandTest.Run again = bench(bench);
        assertThat(again.exit()).as(again.err()).isZero();
    }

    private static TasksCommandTest.Run bench(Path out) {
        return TasksCommandTest.run("bench", "--tasks", "classic/pendulum", "--agent", "random", "--steps", "200",
                "--eval-every", "100", "--eval-episodes", "1", "--out", out.toString());
    }

    /**
     * A --set-param of a setting bench gives its runs itself is refused before anything runs: it replaced every
     * run's (seed=7 made both seeds one run, "2 seeds" with a standard deviation of 0; steps=200 ran 200 steps for
     * a report of --steps 4000), and the report named the options' values.
     */
    @Test
    void aSetParamOfTheRunsOwnSettingsIsRefused(@TempDir Path dir) {
        Path out = dir.resolve("bench");
        TasksCommandTest.Run r = TasksCommandTest.run("bench", "--tasks", "classic/pendulum", "--agent", "random",
                "--steps", "400", "--seeds", "2", "--set-param", "seed=7", "--out", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--set-param seed=7 is a setting of the bench's runs, not of the agent: each "
                + "run's seed is its number, 1 to --seeds: give --seeds (nothing was run)");
        assertThat(out).doesNotExist();
        // every trainer key but envs, which bench has no option for
        for (String key : RunConfig.TRAINER_KEYS) {
            TasksCommandTest.Run k = TasksCommandTest.run("bench", "--tasks", "classic/pendulum", "--agent", "random",
                    "--steps", "400", "--set-param", key + "=1", "--out", out.toString());
            if (key.equals("envs")) {
                assertThat(k.exit()).as(k.err()).isZero();
            } else {
                assertThat(k.exit()).as(key).isEqualTo(2);
                assertThat(k.err()).as(key).contains("--set-param " + key + "=1 is a setting of the bench's runs");
            }
        }
        TasksCommandTest.Run zero = TasksCommandTest.run("bench", "--tasks", "classic/pendulum", "--agent", "random",
                "--seeds", "0", "--out", out.toString());
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).contains("--seeds is 0: give the runs per task, 1 or more");
    }

    /** A report with ManiSkill rows says that the paper's numbers beside them are of another simulator version. */
    @Test
    void aReportOfManiSkillTasksSaysThePapersNumbersAreOfManiSkill2() {
        BenchCommand.Row lift = new BenchCommand.Row("maniskill/lift-cube", BenchCommand.domainName("maniskill"),
                "success", 0.5, 0.1, 50, 2, 0, 100.0, 100_000L, 100.0, null);
        BenchCommand.Row walk = new BenchCommand.Row("dmc/walker-walk", BenchCommand.domainName("dmc"), "reward", 900,
                10, 90, 2, 5, 950.0, 100_000L, 95.0, null);
        assertThat(BenchCommand.markdown(List.of(walk, lift))).contains("| ManiSkill | 1 | 50.0 | 100.0 |")
                .contains("ManiSkill: the paper's numbers are of its tasks on ManiSkill2 (0.4.1); ours are those tasks "
                        + "rebuilt on ManiSkill 3");
        assertThat(BenchCommand.markdown(List.of(walk))).doesNotContain("ManiSkill");
    }

    /**
     * A report with returns the paper's scale does not cover (a plug-in's task beside DMControl's) says they stand
     * as they are: its per-domain mean of -14 beside DMControl's 22.6 read as if both were on the 0-100 scale.
     */
    @Test
    void aReportOfReturnsOffThePapersScaleSaysTheyStandAsTheyAre() {
        BenchCommand.Row reach = new BenchCommand.Row("reach/point1d", BenchCommand.domainName("reach"), "return",
                -14, 0, -14, 1, 53.1, null, null, null, null);
        BenchCommand.Row pendulum = new BenchCommand.Row("gymnasium/Pendulum-v1", BenchCommand.domainName(
                "gymnasium"), "return", -1200, 0, -1200, 1, -1300, null, null, null, null);
        BenchCommand.Row balance = new BenchCommand.Row("dmc/cartpole-balance", BenchCommand.domainName("dmc"),
                "return", 225.6, 0, 22.6, 1, 29.2, null, null, null, 50_000L);
        BenchCommand.Row lift = new BenchCommand.Row("maniskill/lift-cube", BenchCommand.domainName("maniskill"),
                "success", 0.5, 0.1, 50, 2, 0, 100.0, 100_000L, 100.0, null);
        assertThat(BenchCommand.markdown(List.of(reach, balance))).contains("| reach | 1 | -14.0 | - |")
                .contains("\nreach: returns normalised as they are (the paper's 0-100 scale is DMControl's returns / "
                        + "10 and success rates x 100, and has none for this domain's returns): compare them within "
                        + "their domain, not with the other domains' scores.\n");
        assertThat(BenchCommand.markdown(List.of(reach, pendulum, balance)))
                .contains("\nreach, gymnasium: returns normalised as they are").contains("these domains' returns");
        assertThat(BenchCommand.markdown(List.of(balance, lift))).doesNotContain("as they are");
    }

    @Test
    void publishedNumbersAreTheMeansOverTheAuthorsSeeds() {
        // the logs' steps are environment steps: DMControl's step 100000 (the mean 839.4 of cartpole-swingup) is
        // agent step 50000 at its action repeat of 2 (it was set beside a run of 100000 agent steps)
        var p = PublishedResults.at("dmc/cartpole-swingup", 2, 50_000).orElseThrow();
        assertThat(p.mean()).isCloseTo(839.4, within(0.05));
        assertThat(p.step()).isEqualTo(50_000);
        assertThat(p.seeds()).isEqualTo(3);
        assertThat(PublishedResults.at("dmc/cartpole-swingup", 2, 75_000).orElseThrow().step()).isEqualTo(50_000);
        assertThat(PublishedResults.at("dmc/cartpole-swingup", 2, 100_000).orElseThrow().mean())
                .isNotCloseTo(839.4, within(0.05));
        assertThat(PublishedResults.referenceName("metaworld/assembly")).isEqualTo("mw-assembly");
        assertThat(PublishedResults.referenceName("myosuite/reach-hard")).isEqualTo("myo-hand-reach-hard");
        assertThat(PublishedResults.curve("metaworld/assembly", 2).get(0).metric()).isEqualTo("success");
        assertThat(PublishedResults.at("classic/pendulum", 1, 100_000)).isEmpty();
        // before the first step after 0 none: the paper's step 0 is its untrained agent
        assertThat(PublishedResults.at("dmc/cartpole-balance", 2, 49_999)).isEmpty();
        assertThat(PublishedResults.curve("dmc/cartpole-balance", 2).get(0).step()).isZero();
        assertThat(PublishedResults.firstTrained("dmc/cartpole-balance", 2).orElseThrow().step()).isEqualTo(50_000);
        // MyoSuite's action repeat is 1: its logs' steps are agent steps
        assertThat(PublishedResults.firstTrained("myosuite/reach", 1).orElseThrow().step()).isEqualTo(50_000);
        assertThat(PublishedResults.at("myosuite/reach", 1, 50_000).orElseThrow().step()).isEqualTo(50_000);
        assertThat(PublishedResults.firstTrained("classic/pendulum", 1)).isEmpty();
        // what report.md says of them: at most 3 seeds (3 at nearly every point), a success rate a mean over
        // evaluations of 10 episodes (each seed's a multiple of 0.1)
        int points = 0;
        int threeSeeds = 0;
        for (String id : io.github.tdmpc2j.spi.TaskSets.get("bench104").orElseThrow()) {
            assertThat(PublishedResults.curve(id, 1)).as(id).isNotEmpty();
            for (PublishedResults.Point q : PublishedResults.curve(id, 1)) {
                assertThat(q.seeds()).as(id).isBetween(1, 3);
                points++;
                threeSeeds += q.seeds() == 3 ? 1 : 0;
                if (q.metric().equals("success")) {
                    double tenths = q.mean() * 10 * q.seeds();
                    assertThat(Math.abs(tenths - Math.rint(tenths))).as(id + " at " + q.step()).isLessThan(2e-3);
                }
            }
        }
        assertThat(threeSeeds).isGreaterThan(points * 98 / 100);
        assertThat(BenchCommand.normalize("dmc/walker-walk", 950, false)).isEqualTo(95.0);
        assertThat(BenchCommand.normalize("metaworld/reach", 0.8, true)).isEqualTo(80.0);
    }
}
