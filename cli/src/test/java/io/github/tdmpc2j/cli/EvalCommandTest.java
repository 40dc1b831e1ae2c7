package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.cluster.ClusterSettings;
import io.github.tdmpc2j.cluster.UnitRunner;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.Agents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {
    @Test
    void evaluatesACheckpointAndWritesCsv(@TempDir Path dir) throws Exception {
        saveRandomPendulumCheckpoint(dir.resolve("checkpoint"));
        TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", dir.resolve("checkpoint").toString(),
                "--task", "pendulum-v1",
                "--agent", "random", "--episodes", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("classic/pendulum\\s+3\\s+-\\d+\\.\\d\\s+-");
        String csv = Files.readString(dir.resolve("eval-results.csv"));   // beside the checkpoint folder
        assertThat(csv).startsWith(HEADER + "\nclassic/pendulum,3,-");
    }

    private static final String HEADER = "task,episodes,mean_return,success_rate,seed,envs,checkpoint,"
            + "checkpoint_step";

    /**
     * A row records what produced it: --seed, the envs stepped at once, the checkpoint folder and its step (a
     * row did not, and rows of two evaluations could not be told apart). A file an earlier eval wrote, with its
     * four columns, is rewritten once with the new ones, its rows kept with the new cells empty (a new header
     * made eval refuse it); a path with a comma is quoted.
     */
    @Test
    void aRowRecordsTheSeedTheEnvsAndTheCheckpointsStep(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("a,b").resolve("run");
        TasksCommandTest.Run train = TasksCommandTest.run("train", "--task", "classic/pendulum", "--agent", "random",
                "--steps", "200", "--eval-every", "200", "--eval-episodes", "1", "--out", run.toString(),
                "--progress", "log");
        assertThat(train.exit()).as(train.err()).isZero();
        String folder = run.resolve("checkpoint").toAbsolutePath().normalize().toString();
        Path results = run.resolve("eval-results.csv");
        String earlier = "task,episodes,mean_return,success_rate\nclassic/pendulum,3,-1234.5,\n"
                + "classic/pendulum,2,-99.0\n"; // the last row damaged: kept as it is
        Files.writeString(results, earlier);
        TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--task",
                "classic/pendulum", "--episodes", "2", "--envs", "1", "--seed", "7");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEqualTo(results + " had the columns an earlier version wrote (task,episodes,"
                + "mean_return,success_rate): rewrote it with the columns " + HEADER + ", its 1 row with seed, envs, "
                + "checkpoint, checkpoint_step empty\n");
        List<String> lines = Files.readAllLines(results);
        assertThat(lines).hasSize(4);
        assertThat(lines.subList(0, 3)).containsExactly(HEADER, "classic/pendulum,3,-1234.5,,,,,",
                "classic/pendulum,2,-99.0");
        assertThat(lines.get(3)).startsWith("classic/pendulum,2,-")
                .endsWith(",,7,1,\"" + folder + "\",200");

        // the file now has the columns: appended to, without a notice; the default seed and --envs recorded
        TasksCommandTest.Run again = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--task",
                "classic/pendulum", "--episodes", "1");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).isEmpty();
        lines = Files.readAllLines(results);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(4)).endsWith(",1000,1,\"" + folder + "\",200");

        // a --csv that is a link: the file it names gains the columns, the link stays
        Path target = Files.writeString(dir.resolve("kept.csv"), "task,episodes,mean_return,success_rate\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), target);
        TasksCommandTest.Run linked = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--task",
                "classic/pendulum", "--episodes", "1", "--csv", link.toString());
        assertThat(linked.exit()).as(linked.err()).isZero();
        assertThat(linked.err()).contains("its 0 rows with seed, envs, checkpoint, checkpoint_step empty");
        assertThat(link).isSymbolicLink();
        assertThat(Files.readAllLines(target)).hasSize(2).first().isEqualTo(HEADER);
        try (var files = Files.list(run)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp"));
        }
    }

    /** The README's table of files names eval-results.csv's columns, in order. */
    @Test
    void theReadmeNamesTheColumns() throws Exception {
        String row = Files.readAllLines(Path.of("..", "README.md")).stream()
                .filter(l -> l.startsWith("| `eval-results.csv`")).findFirst().orElseThrow();
        int at = 0;
        for (String column : EvalCommand.COLUMNS) {
            int found = row.indexOf("`" + column + "`", at);
            assertThat(found).as(column + " in the README's row, after the columns before it: " + row)
                    .isGreaterThan(at);
            at = found;
        }
    }

    /** An agent plug-in of the tests: the random agent, whose close() fails. */
    public static final class CloseFailsAgentProvider implements io.github.tdmpc2j.spi.agent.AgentProvider {
        @Override
        public String name() {
            return "close-fails";
        }

        @Override
        public Agent create(AgentContext context) {
            return new RandomDelegate(context) {
                @Override
                public void close() {
                    super.close();
                    throw new IllegalStateException("double free of the agent's buffers");
                }
            };
        }
    }

    /** An agent plug-in of the tests: the random agent, whose act fails. */
    public static final class ActFailsAgentProvider implements io.github.tdmpc2j.spi.agent.AgentProvider {
        @Override
        public String name() {
            return "act-fails";
        }

        @Override
        public Agent create(AgentContext context) {
            return new RandomDelegate(context) {
                @Override
                public float[][] act(float[][] observations, int[] tasks, boolean eval) {
                    throw new IllegalStateException("the policy's weights are gone");
                }
            };
        }
    }

    /**
     * An agent that fails in the evaluation's first step ends eval with the plug-in's error and no table: the
     * table's header comes with its first row. Before: the header stood alone on stdout above the error.
     */
    @Test
    void anAgentThatFailsBeforeTheFirstRowLeavesNoHeaderAlone(@TempDir Path dir) throws Exception {
        saveRandomPendulumCheckpoint(dir.resolve("checkpoint"));
        TasksCommandTest.withAgentPlugin(dir.resolve("act-fails.jar"), ActFailsAgentProvider.class, () -> {
            Path csv = dir.resolve("results.csv");
            TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", dir.resolve("checkpoint")
                    .toString(), "--task", "classic/pendulum", "--agent", "act-fails", "--episodes", "1", "--csv",
                    csv.toString());
            assertThat(r.exit()).as(r.err()).isNotZero();
            assertThat(r.err()).contains("act-fails").contains("the policy's weights are gone");
            assertThat(r.out()).doesNotContain("TASK");
            assertThat(csv).doesNotExist();
        });
    }

    /**
     * An agent whose close() fails after the evaluation is a warning that names the agent (it was worded as the
     * envs' failure to close): the results are written, exit 0.
     */
    @Test
    void anAgentThatFailsToCloseAfterTheEvaluationIsAWarningThatSaysSo(@TempDir Path dir) throws Exception {
        saveRandomPendulumCheckpoint(dir.resolve("checkpoint"));
        TasksCommandTest.withAgentPlugin(dir.resolve("close-fails.jar"), CloseFailsAgentProvider.class, () -> {
            Path csv = dir.resolve("results.csv");
            TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", dir.resolve("checkpoint")
                    .toString(), "--task", "classic/pendulum", "--agent", "close-fails", "--episodes", "1", "--csv",
                    csv.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).startsWith("warning: closing the agent failed (the results in " + csv
                    + " are whole): ").contains("close-fails").contains("double free of the agent's buffers")
                    .doesNotContain("envs").hasLineCount(1);
            assertThat(r.out()).containsPattern("classic/pendulum\\s+1\\s+").doesNotContain("warning");
            assertThat(Files.readString(csv)).startsWith(HEADER + "\nclassic/pendulum,1,");
        });
    }

    /**
     * An env whose close() throws after the evaluation: a warning on stderr naming the env's failure, the results
     * are written (exit 0), and stdout holds only the results table.
     */
    @Test
    void anEnvThatFailsToCloseAfterTheEvaluationIsAWarning(@TempDir Path dir) throws Exception {
        try (EnvRegistry registry = EnvRegistry.discover();
                Agent agent = Agents.find("random").create(AgentContext.single(
                        registry.resolve("broken/close-fails"), Map.of(), 0))) {
            agent.save(dir.resolve("checkpoint"));
        }
        Path csv = dir.resolve("results.csv");
        TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", dir.resolve("checkpoint").toString(),
                "--task", "broken/close-fails", "--agent", "random", "--episodes", "2", "--csv", csv.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: closing the evaluation envs failed (the results in " + csv
                + " are whole): ").contains("broken/close-fails").contains("double free");
        assertThat(r.out()).containsPattern("broken/close-fails\\s+2\\s+").doesNotContain("warning");
        assertThat(Files.readString(csv)).startsWith(HEADER + "\nbroken/close-fails,2,");
    }

    @Test
    void onSparkTheResultsAreTheSame(@TempDir Path dir) throws Exception {
        try (EnvRegistry registry = EnvRegistry.discover();
                Agent agent = Agents.find("random").create(AgentContext.single(
                        registry.resolve("dmc/cartpole-balance"), Map.of(), 0))) {
            agent.save(dir.resolve("checkpoint"));
        }
        String[] eval = {"eval", "--checkpoint", dir.resolve("checkpoint").toString(), "--task",
            "dmc/cartpole-balance", "--agent", "random", "--episodes", "2"};
        String[] csv = hereAndOnSpark(eval, dir);
        assertThat(csv[1]).startsWith(HEADER + "\ndmc/cartpole-balance,2,")
                .isEqualTo(csv[0]);
    }

    /**
     * A TD-MPC2 checkpoint of two tasks: on Spark each executor's agent evaluates the tasks it is given, here as
     * the one agent evaluates both one after the other; each task's evaluation reseeds the agent's draws from the
     * seed and the task, so the results are the same.
     */
    @Test
    void aTdmpcCheckpointOfTwoTasksEvaluatesTheSameOnSpark(@TempDir Path dir) throws Exception {
        String tasks = "classic/pendulum,dmc/cartpole-balance";
        saveSmallTdmpcCheckpoint(tasks, dir.resolve("checkpoint"));
        String[] eval = {"eval", "--checkpoint", dir.resolve("checkpoint").toString(), "--set", tasks, "--agent",
            "tdmpc2", "--episodes", "1"};
        String[] csv = hereAndOnSpark(eval, dir);
        assertThat(csv[1]).contains("classic/pendulum,1,").contains("dmc/cartpole-balance,1,").isEqualTo(csv[0]);
    }

    /**
     * A multitask checkpoint evaluates any of its tasks, in any order: the agent is made for the checkpoint's task
     * list, and each task's results are those of the evaluation of all of them in the checkpoint's order.
     */
    @Test
    void aMultitaskCheckpointEvaluatesAnyOfItsTasksInAnyOrder(@TempDir Path dir) throws Exception {
        String tasks = "classic/pendulum,dmc/cartpole-balance";
        saveSmallTdmpcCheckpoint(tasks, dir.resolve("checkpoint"));
        String[] eval = {"eval", "--checkpoint", dir.resolve("checkpoint").toString(), "--episodes", "1"};
        java.util.Map<String, String> rows = new java.util.HashMap<>();
        for (String[] target : List.of(new String[] {"--set", tasks},
                new String[] {"--set", "dmc/cartpole-balance,classic/pendulum"},
                new String[] {"--task", "pendulum-v1"})) {
            Path csv = dir.resolve(String.join("", target).replaceAll("[^a-z]", "") + ".csv");
            TasksCommandTest.Run r = TasksCommandTest.run(CollectCommandTest.concat(CollectCommandTest.concat(eval,
                    target), "--csv", csv.toString()));
            assertThat(r.exit()).as(String.join(" ", target) + ": " + r.err()).isZero();
            List<String> lines = Files.readAllLines(csv);
            assertThat(lines).hasSize(target[0].equals("--set") ? 3 : 2);
            for (String line : lines.subList(1, lines.size())) {
                String task = line.substring(0, line.indexOf(','));
                assertThat(rows.putIfAbsent(task, line)).as(task + " as in the checkpoint's order")
                        .isIn(null, line);
            }
        }
        assertThat(rows).containsOnlyKeys("classic/pendulum", "dmc/cartpole-balance");
        assertThat(Files.readAllLines(dir.resolve("setdmccartpolebalanceclassicpendulum.csv")).get(1))
                .startsWith("dmc/cartpole-balance,1,");

        TasksCommandTest.Run other = TasksCommandTest.run(CollectCommandTest.concat(eval, "--set",
                "classic/pendulum,dmc/walker-walk"));
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("was made for the tasks classic/pendulum, dmc/cartpole-balance; "
                + "dmc/walker-walk is not among them").contains("--tasks classic/pendulum,dmc/cartpole-balance");
    }

    /**
     * eval takes --tasks ID,... as train, collect and bench do (it took --task ID or --set NAME only, and refused
     * --tasks as an unknown option), as one choice with --task and --set; the lines that name the tasks left to
     * evaluate (a task the checkpoint was not made for, a stop) name --tasks for a list.
     */
    @Test
    void tasksNamesTheTasksToEvaluateAsTheOtherCommandsDo(@TempDir Path dir) throws Exception {
        saveSmallTdmpcCheckpoint("classic/pendulum,dmc/cartpole-balance", dir.resolve("checkpoint"));
        String[] eval = {"eval", "--checkpoint", dir.resolve("checkpoint").toString(), "--episodes", "1"};
        Path csv = dir.resolve("tasks.csv");
        TasksCommandTest.Run r = TasksCommandTest.run(CollectCommandTest.concat(eval, "--tasks",
                "dmc/cartpole-balance,pendulum-v1", "--csv", csv.toString()));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(CsvLog.read(csv)).extracting(row -> row.cell(0)).containsExactly("dmc/cartpole-balance",
                "classic/pendulum");

        TasksCommandTest.Run other = TasksCommandTest.run(CollectCommandTest.concat(eval, "--tasks",
                "classic/pendulum,dmc/walker-walk"));
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("dmc/walker-walk is not among them. Evaluate any of them with --task ID or "
                + "--tasks ID,... (all: --tasks classic/pendulum,dmc/cartpole-balance)");
        TasksCommandTest.Run both = TasksCommandTest.run(CollectCommandTest.concat(eval, "--tasks",
                "classic/pendulum", "--set", "classic/pendulum"));
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--tasks").contains("--set").contains("mutually exclusive");

        assertThat(EvalCommand.evaluateTheRest(List.of("dmc/walker-walk", "classic/pendulum"), "--set"))
                .isEqualTo("the same command with --tasks dmc/walker-walk,classic/pendulum in place of --set "
                        + "evaluates them");
        assertThat(EvalCommand.evaluateTheRest(List.of("classic/pendulum"), "--tasks"))
                .isEqualTo("the same command with --task classic/pendulum in place of --tasks evaluates it");
    }

    /**
     * On a cluster an executor makes the envs of the tasks its units evaluate, not those of every task evaluated:
     * each executor made the envs of all of them before its first unit.
     */
    @Test
    void anExecutorMakesTheEnvsOfItsOwnUnitsTasksOnly(@TempDir Path dir) {
        saveRandomPendulumCheckpoint(dir.resolve("checkpoint"));
        List<String> ids = List.of("classic/pendulum", "dmc/cartpole-balance", "dmc/reacher-easy");
        EvalCommand.Settings settings = new EvalCommand.Settings("random", dir.resolve("checkpoint").toString(), ids,
                ids, Map.of(), Map.of(), 1, 1000, 1);
        List<EvalCommand.Unit> units = List.of(new EvalCommand.Unit(0, ids.get(0)), new EvalCommand.Unit(1,
                ids.get(1)), new EvalCommand.Unit(2, ids.get(2)));
        Map<String, java.util.Set<String>> tasksByExecutor = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Integer> envsByExecutor = new java.util.concurrent.ConcurrentHashMap<>();
        UnitRunner.run(new ClusterSettings("local-cluster[2,1,1024]", false, 0, Map.of("spark.driver.host",
                "127.0.0.1")), "eval", units, null, null, new EvalCommand.OneTask(settings, null, null, null), (i, unit, r) -> {
                    tasksByExecutor.computeIfAbsent(r.executor(), e -> new java.util.TreeSet<>()).add(r.id());
                    envsByExecutor.merge(r.executor(), r.envsMade(), Math::max);
                });
        assertThat(tasksByExecutor.values().stream().mapToInt(java.util.Set::size).sum()).isEqualTo(3);
        assertThat(tasksByExecutor.keySet()).noneMatch(e -> e.startsWith(ProcessHandle.current().pid() + "@"));
        tasksByExecutor.forEach((executor, tasks) -> assertThat(envsByExecutor.get(executor))
                .as(executor + " evaluated " + tasks).isEqualTo(tasks.size()));
    }

    /** The random agent of classic/pendulum saved as a checkpoint. */
    /**
     * Without --task, --tasks or --set a checkpoint is evaluated on the tasks it records, all of them: `eval
     * --checkpoint RUN` was refused by the option parser ("Missing required argument"). A checkpoint that records
     * none (the random agent's) and a reference .pt file (which does not) are refused, saying to name them.
     */
    @Test
    void withoutTasksTheCheckpointsOwnAreEvaluated(@TempDir Path dir) throws Exception {
        saveSmallTdmpcCheckpoint("classic/pendulum,dmc/cartpole-balance", dir.resolve("tdmpc2"));
        Path csv = dir.resolve("results.csv");
        TasksCommandTest.Run all = TasksCommandTest.run("eval", "--checkpoint", dir.resolve("tdmpc2").toString(),
                "--episodes", "1", "--csv", csv.toString());
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).contains("classic/pendulum").contains("dmc/cartpole-balance");
        assertThat(CsvLog.read(csv)).extracting(r -> r.cell(0)).containsExactly("classic/pendulum",
                "dmc/cartpole-balance");

        saveRandomPendulumCheckpoint(dir.resolve("random"));
        TasksCommandTest.Run none = TasksCommandTest.run("eval", "--checkpoint", dir.resolve("random").toString(),
                "--agent", "random", "--episodes", "1", "--csv", dir.resolve("none.csv").toString());
        assertThat(none.exit()).as(none.out()).isEqualTo(2);
        assertThat(none.err()).contains("does not record the tasks it was made for (agent 'random'): name them "
                + "with --task ID, --tasks ID,... or --set NAME");
        assertThat(dir.resolve("none.csv")).doesNotExist();

        Path pt = java.nio.file.Files.writeString(dir.resolve("model.pt"), "not read");
        TasksCommandTest.Run reference = TasksCommandTest.run("eval", "--checkpoint", pt.toString(), "--episodes",
                "1", "--csv", dir.resolve("pt.csv").toString());
        assertThat(reference.exit()).as(reference.out()).isEqualTo(2);
        assertThat(reference.err()).contains("is a .pt file of the TD-MPC2 reference, which does not record its "
                + "tasks: name them with --task ID");
        try (var left = java.nio.file.Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("tdmpc2", "results.csv",
                    "random", "model.pt");
        }
    }

    static void saveRandomPendulumCheckpoint(Path checkpoint) {
        try (EnvRegistry registry = EnvRegistry.discover();
                Agent agent = Agents.find("random").create(AgentContext.single(
                        registry.resolve("classic/pendulum"), Map.of(), 0))) {
            agent.save(checkpoint);
        }
    }

    /** A small, untrained TD-MPC2 agent of the tasks {@code tasks} (ids, comma-separated) saved as a checkpoint. */
    static void saveSmallTdmpcCheckpoint(String tasks, Path checkpoint) {
        try (EnvRegistry registry = EnvRegistry.discover();
                Agent agent = Agents.find("tdmpc2").create(AgentContext.of(TaskSpace.of(registry.taskSet(tasks)
                        .stream().map(registry::resolve).toList()), Map.of("preset", "cpu", "mlp_dim", "32",
                        "enc_dim", "32", "latent_dim", "16", "task_dim", "8", "num_samples", "16", "num_elites",
                        "4", "num_pi_trajs", "2", "iterations", "1"), 3))) {
            agent.save(checkpoint);
        }
    }

    /** Runs {@code eval} here and on Spark's {@code local[2]}; returns the two CSV files' texts. */
    private static String[] hereAndOnSpark(String[] eval, Path dir) throws Exception {
        TasksCommandTest.Run here = TasksCommandTest.run(CollectCommandTest.concat(eval, "--csv",
                dir.resolve("here.csv").toString()));
        assertThat(here.exit()).as(here.err()).isZero();
        TasksCommandTest.Run spark = TasksCommandTest.run(CollectCommandTest.concat(eval, "--csv",
                dir.resolve("spark.csv").toString(), "--master", "local[2]", "--spark-conf",
                "spark.driver.host=127.0.0.1"));
        assertThat(spark.exit()).as(spark.err()).isZero();
        return new String[] {Files.readString(dir.resolve("here.csv")), Files.readString(dir.resolve("spark.csv"))};
    }

    @Test
    void aCheckpointThatFailsToLoadLeavesNoResultsFile(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        saveRandomPendulumCheckpoint(checkpoint);
        Files.writeString(checkpoint.resolve("random-agent.properties"), "agent=tdmpc2\n");
        TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", checkpoint.toString(), "--task",
                "pendulum-v1", "--agent", "random", "--episodes", "1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("random-agent.properties").contains("checksum");
        assertThat(dir.resolve("eval-results.csv")).doesNotExist();

        TasksCommandTest.Run none = TasksCommandTest.run("eval", "--checkpoint", checkpoint.toString(), "--task",
                "pendulum-v1", "--agent", "random", "--episodes", "0");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--episodes must be positive");
    }

    /**
     * A --csv whose folders cannot be made is refused before any episode runs, even where a permission check on
     * the nearest existing folder passes (root, under /proc): the evaluation ran whole, then failed to write.
     */
    @Test
    void aCsvWhoseFolderCannotBeMadeIsRefusedBeforeTheEvaluation(@TempDir Path dir) throws Exception {
        assertThat(Path.of("/proc/self")).as("a Linux /proc, whose folders refuse new folders").isDirectory();
        saveRandomPendulumCheckpoint(dir.resolve("checkpoint"));
        Path csv = Path.of("/proc/tdmpc2j-none/deeper/results.csv");
        TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", dir.resolve("checkpoint").toString(),
                "--task", "pendulum-v1", "--agent", "random", "--episodes", "1", "--csv", csv.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("cannot write " + csv + ": cannot make its folder in /proc (")
                .contains("give --csv a file in a folder you can write");
        assertThat(r.out()).doesNotContain("classic/pendulum");
        assertThat(Path.of("/proc/tdmpc2j-none")).doesNotExist();
    }

    /**
     * A --set-param that would change the model's shape (num_q=3 on a checkpoint of 2) says that eval takes the
     * checkpoint's shape and to leave it out, where it relayed the agent's "create the agent with num_q=2".
     */
    @Test
    void aShapeSettingGivenWithSetParamIsRefusedWithEvalAdvice(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        saveSmallTdmpcCheckpoint("classic/pendulum,dmc/cartpole-balance", checkpoint);
        String numQ = io.github.tdmpc2j.agent.checkpoint.Checkpoint.savedParams(checkpoint).get("num_q");
        String other = Integer.toString(Integer.parseInt(numQ) + 1);
        TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", checkpoint.toString(), "--task",
                "classic/pendulum", "--episodes", "1", "--set-param", "num_q=" + other);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("the checkpoint in " + checkpoint + " was trained with num_q=" + numQ
                + ", which fixes the model's shape: eval makes the agent with the checkpoint's own shape, so leave out "
                + "--set-param num_q=" + other).doesNotContain("create the agent");
        assertThat(dir.resolve("eval-results.csv")).doesNotExist();
    }

    /** The folder `train` writes holds checkpoint/: eval and collect --policy take the run folder itself. */
    @Test
    void aRunFolderIsTakenForItsCheckpoint(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("runs").resolve("run-1");
        saveRandomPendulumCheckpoint(run.resolve("checkpoint"));
        Files.writeString(run.resolve("train.csv"), "step\n");
        TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--task",
                "classic/pendulum", "--agent", "random", "--episodes", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("classic/pendulum\\s+1\\s+-\\d+\\.\\d\\s+-");
        assertThat(run.resolve("eval-results.csv")).isRegularFile(); // in the run folder, beside checkpoint/

        TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes",
                "1", "--policy", run.toString(), "--agent", "random", "--out", dir.resolve("data").toString());
        assertThat(collect.exit()).as(collect.err()).isZero();
        assertThat(collect.out()).contains("1 episode written");

        // a folder of run folders holds no checkpoint: what is expected, not "train again"
        TasksCommandTest.Run parent = TasksCommandTest.run("eval", "--checkpoint", dir.resolve("runs").toString(),
                "--task", "classic/pendulum", "--agent", "random", "--episodes", "1");
        assertThat(parent.exit()).isEqualTo(2);
        assertThat(parent.err()).contains(dir.resolve("runs") + " holds no checkpoint")
                .contains("Expected the checkpoint/ folder of a run").doesNotContain("train again");
    }

    /**
     * A run folder whose run has saved no checkpoint yet is named as such, with when it saves one (not "no
     * manifest.properties ... written before checkpoints carried a manifest"), by eval, export and collect --policy.
     */
    @Test
    void aRunWithoutACheckpointYetIsNamedAsSuch(@TempDir Path dir) throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("config.yaml"), "task: classic/pendulum\neval_freq: 500\n");
        Files.writeString(run.resolve("train.csv"), "step\n");
        String[][] readers = {
            {"eval", "--checkpoint", run.toString(), "--task", "classic/pendulum", "--episodes", "1"},
            {"export", "--checkpoint", run.toString(), "--out", dir.resolve("x.pt").toString()},
            {"collect", "--tasks", "classic/pendulum", "--episodes", "1", "--policy", run.toString(), "--out",
                dir.resolve("data").toString()}};
        for (String[] args : readers) {
            TasksCommandTest.Run r = TasksCommandTest.run(args);
            assertThat(r.exit()).as(args[0]).isEqualTo(2);
            assertThat(r.err()).as(args[0]).contains(run + " is a run folder whose run has saved no checkpoint yet: "
                    + "its first save is at its first evaluation, at step 0, then at every evaluation (every 500 "
                    + "steps").contains("wait for that save").doesNotContain("manifest");
        }
    }

    /** A file that is no checkpoint (a run's train.csv) is named as such, not taken for a damaged .pt file. */
    @Test
    void aFileThatIsNoCheckpointIsNamedAsSuch(@TempDir Path dir) throws Exception {
        Path trained = dir.resolve("trained");
        saveRandomPendulumCheckpoint(trained.resolve("checkpoint"));
        Path csv = Files.writeString(trained.resolve("train.csv"), "step\n0\n");
        TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", csv.toString(), "--task",
                "classic/pendulum", "--episodes", "1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(csv + " is not a checkpoint: --checkpoint takes a .pt file of the TD-MPC2 "
                + "reference").contains("a checkpoint folder, or a run folder").contains("(" + trained + " is one)")
                .doesNotContain("torch.save archive");
        try (var files = Files.list(trained)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("checkpoint",
                    "train.csv");
        }
    }

    /**
     * A run of another agent than tdmpc2 records it in its config.yaml: eval and collect --policy of its folder need
     * no --agent (they took tdmpc2 and failed with "no tdmpc2.json ... is this a TD-MPC2 checkpoint directory?").
     */
    @Test
    void aRunsCheckpointIsLoadedWithTheAgentTheRunWasTrainedWith(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.Run train = TasksCommandTest.run("train", "--task", "classic/pendulum", "--agent", "random",
                "--steps", "200", "--eval-every", "200", "--eval-episodes", "1", "--out", run.toString(),
                "--progress", "log");
        assertThat(train.exit()).as(train.err()).isZero();
        TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--task",
                "classic/pendulum", "--episodes", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("classic/pendulum\\s+1\\s+-\\d+\\.\\d\\s+-");
        TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes",
                "1", "--policy", run.toString(), "--out", dir.resolve("data").toString());
        assertThat(collect.exit()).as(collect.err()).isZero();
        assertThat(collect.out()).contains("1 episode written");

        // a checkpoint folder outside a run records no agent: tdmpc2, unless --agent says otherwise
        Path copy = dir.resolve("copied");
        saveRandomPendulumCheckpoint(copy);
        TasksCommandTest.Run bare = TasksCommandTest.run("eval", "--checkpoint", copy.toString(), "--task",
                "classic/pendulum", "--episodes", "1");
        assertThat(bare.exit()).isEqualTo(2);
        // ... and says so: the plug-in's user read "is this a TD-MPC2 checkpoint directory?" with no way out
        assertThat(bare.err()).contains("tdmpc2.json")
                .contains("a checkpoint of another agent loads with --agent NAME; `tdmpc2j agents` lists them");
        TasksCommandTest.Run collect2 = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes",
                "1", "--policy", copy.toString(), "--out", dir.resolve("data2").toString());
        assertThat(collect2.exit()).isEqualTo(2);
        assertThat(collect2.err()).contains("a checkpoint of another agent loads with --agent NAME");
    }

    /** A CSV that could not be written is refused before the evaluation, not after it. */
    @Test
    void anUnwritableCsvIsRefusedBeforeEvaluating(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("run").resolve("checkpoint");
        saveRandomPendulumCheckpoint(checkpoint);
        String[] eval = {"eval", "--checkpoint", checkpoint.toString(), "--task", "classic/pendulum", "--agent",
            "random", "--episodes", "1"};
        Path file = Files.writeString(dir.resolve("file"), "x");
        TasksCommandTest.Run underAFile = TasksCommandTest.run(CollectCommandTest.concat(eval, "--csv",
                file.resolve("x.csv").toString()));
        assertThat(underAFile.exit()).isEqualTo(2);
        assertThat(underAFile.err()).contains("cannot write " + file.resolve("x.csv") + ": " + file
                + " is not a folder; give --csv a file in a folder you can write");
        assertThat(underAFile.out()).as("nothing evaluated").doesNotContain("classic/pendulum");

        Path other = Files.writeString(dir.resolve("other.csv"), "step,return\n");
        TasksCommandTest.Run columns = TasksCommandTest.run(CollectCommandTest.concat(eval, "--csv",
                other.toString()));
        assertThat(columns.exit()).isEqualTo(2);
        assertThat(columns.err()).contains("has the columns 'step,return'").contains("give --csv");
        assertThat(columns.out()).doesNotContain("classic/pendulum");

        // the default place, beside the checkpoint folder, is checked too
        Files.createDirectories(dir.resolve("run").resolve("eval-results.csv"));
        TasksCommandTest.Run taken = TasksCommandTest.run(eval);
        assertThat(taken.exit()).isEqualTo(2);
        assertThat(taken.err()).contains("eval-results.csv: it is not a file; give --csv FILE to write the results "
                + "elsewhere");
        assertThat(taken.out()).doesNotContain("classic/pendulum");

        // a folder that does not exist yet is made
        Path fresh = dir.resolve("new").resolve("sub").resolve("results.csv");
        TasksCommandTest.Run made = TasksCommandTest.run(CollectCommandTest.concat(eval, "--csv", fresh.toString()));
        assertThat(made.exit()).as(made.err()).isZero();
        assertThat(fresh).content().startsWith(HEADER + "\nclassic/pendulum,1,");
        assertThat(dir.resolve("run").resolve("eval-results.csv")).isEmptyDirectory();
        assertThat(file.getParent()).isDirectoryNotContaining("glob:**.tmp*");
    }

    @Test
    void aMissingCheckpointIsAClearError(@TempDir Path dir) {
        TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", dir.resolve("none").toString(), "--task",
                "classic/pendulum");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no checkpoint folder");
    }

    /**
     * On a cluster a task not set up on the executors is refused by the check of every unit before any evaluates,
     * and no results file is written (it was found as the units ran: "eval failed on the cluster: unit ... finished
     * units are kept").
     */
    @Test
    void aTaskNotSetUpOnTheExecutorsIsRefusedBeforeAnyEvaluates(@TempDir Path dir) throws Exception {
        saveRandomPendulumCheckpoint(dir.resolve("checkpoint"));
        Path csv = dir.resolve("results.csv");
        BenchCommandTest.withNotSetUpSuite(dir, () -> {
            TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", dir.resolve("checkpoint")
                    .toString(), "--set", "classic/pendulum,notsetup/reach", "--agent", "random", "--episodes", "1",
                    "--csv", csv.toString(), "--master", "local-cluster[1,1,1024]", "--spark-conf",
                    "spark.driver.host=127.0.0.1");
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("error: eval cannot run on the cluster: unit notsetup/reach (checked on "
                    + java.net.InetAddress.getLocalHost().getHostName() + " before any unit ran): task "
                    + "notsetup/reach is unavailable: its Python environment is missing")
                    .contains("tdmpc2j setup notsetup").contains("no unit was run").hasLineCount(1);
            assertThat(r.out()).doesNotContain("classic/pendulum");
            assertThat(csv).doesNotExist();
        });
    }


    /**
     * A task whose evaluation fails (broken/dies: its env dies as a Python worker does, in its third episode) after
     * another was evaluated: the row of the task evaluated is written (all was lost: the CSV is written at the end),
     * and the error says so, with the command that evaluates the rest into the same file.
     */
    @Test
    void aTaskThatFailsKeepsTheRowsOfTheTasksEvaluated(@TempDir Path dir) {
        Path checkpoint = dir.resolve("checkpoint");
        try (EnvRegistry registry = EnvRegistry.discover();
                Agent agent = Agents.find("random").create(AgentContext.of(TaskSpace.of(List.of(registry.resolve(
                        "classic/pendulum"), registry.resolve("broken/dies"))), Map.of(), 0))) {
            agent.save(checkpoint);
        }
        Path csv = dir.resolve("results.csv");
        TasksCommandTest.Run r = TasksCommandTest.run("eval", "--checkpoint", checkpoint.toString(), "--tasks",
                "classic/pendulum,broken/dies", "--agent", "random", "--episodes", "3", "--envs", "1", "--csv",
                csv.toString());
        assertThat(r.exit()).as(r.err()).isNotZero();
        assertThat(r.err()).contains("machinery died").contains("1 of 2 tasks evaluated, its row written to " + csv
                + "; the same command with --task broken/dies in place of --tasks evaluates it, appending to " + csv);
        assertThat(CsvLog.read(csv)).singleElement().satisfies(row -> {
            assertThat(row.cell(0)).isEqualTo("classic/pendulum");
            assertThat(row.cell(1)).isEqualTo("3");
        });
    }

    /** The random agent of classic/pendulum and pytesting/slow (each of whose steps takes half a second) saved. */
    private static Path saveRandomPendulumAndSlowCheckpoint(Path dir) {
        return saveRandomCheckpoint(dir, "classic/pendulum", "pytesting/slow");
    }

    /** The random agent's checkpoint of the tasks {@code ids}, in {@code dir/checkpoint}. */
    private static Path saveRandomCheckpoint(Path dir, String... ids) {
        Path checkpoint = dir.resolve("checkpoint");
        try (EnvRegistry registry = EnvRegistry.discover();
                Agent agent = Agents.find("random").create(AgentContext.of(TaskSpace.of(
                        java.util.Arrays.stream(ids).map(registry::resolve).toList()), Map.of(), 0))) {
            agent.save(checkpoint);
        }
        return checkpoint;
    }

    /**
     * What a stopped eval wrote to {@code csv}: the header, then one whole row of classic/pendulum's 3 episodes
     * whose cells parse, and the stop line that names it and the task not evaluated.
     */
    private static void assertStoppedWithPendulumWritten(ChildRun.Ended ended, Path csv) throws Exception {
        String output = ended.output();
        assertThat(ended.exit()).as(output).isEqualTo(128 + 15);
        assertThat(output).contains("SIGTERM: stopping before the next step (the evaluations in progress are given "
                + "up; the tasks evaluated are written); send it again to exit at once")
                .contains("stopped by SIGTERM: 1 of 2 tasks evaluated, its row written to " + csv + "; not evaluated "
                        + "(an evaluation in progress is given up whole): pytesting/slow; the same command with "
                        + "--task pytesting/slow in place of --set evaluates it, appending to " + csv)
                .doesNotContain("results: ").doesNotContain("this process is exiting")
                .doesNotContainPattern("pytesting/slow\\s+3\\s");
        assertThat(Files.readAllLines(csv).get(0)).as(output).isEqualTo(HEADER);
        List<CsvLog.Row> rows = CsvLog.read(csv);
        assertThat(rows).as(output).hasSize(1);
        assertThat(CsvLog.tornLast(csv)).isNull();
        CsvLog.Row row = rows.get(0);
        assertThat(row.cell(0)).isEqualTo("classic/pendulum");
        assertThat(row.number(1)).isEqualTo(3);
        assertThat(row.number(2)).isNegative(); // the random policy's return on pendulum
        assertThat(row.cell(3)).isEmpty();
        assertThat(row.number(4)).isEqualTo(1000);
        assertThat(row.number(5)).isEqualTo(1);
    }

    /**
     * SIGTERM (as Ctrl-C's SIGINT) to a `tdmpc2j eval` of two tasks in a child JVM once the first was evaluated,
     * while the second runs (pytesting/slow: 3 episodes of 5 s): it stops before its next step, writes the row of
     * the task evaluated, whole, says it was stopped and which task was not evaluated, and ends with the signal's
     * exit status (it exited at once and wrote nothing: the CSV was written only at the end); the command it names
     * appends the rest to the same file.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalWritesTheTasksEvaluatedAndSaysWhichWereNot(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path checkpoint = saveRandomPendulumAndSlowCheckpoint(dir);
        Path csv = dir.resolve("out").resolve("results.csv");
        String[] eval = {"eval", "--checkpoint", checkpoint.toString(), "--agent", "random", "--episodes", "3",
            "--envs", "1", "--csv", csv.toString()};
        ChildRun.Ended ended = ChildRun.terminatedAt(dir, "classic/pendulum", List.of(CollectCommandTest.concat(eval,
                "--set", "classic/pendulum,pytesting/slow")));
        assertStoppedWithPendulumWritten(ended, csv);

        TasksCommandTest.Run rest = TasksCommandTest.run(CollectCommandTest.concat(eval, "--task",
                "pytesting/slow"));
        assertThat(rest.exit()).as(rest.err()).isZero();
        assertThat(CsvLog.read(csv)).extracting(r -> r.cell(0)).containsExactly("classic/pendulum",
                "pytesting/slow");
    }

    /**
     * SIGTERM to a `tdmpc2j eval --master local[2]` of two tasks in a child JVM once the first was evaluated, while
     * the second runs on its executor: as without --master the job is cancelled, the unit stops before its next
     * step, and the command writes the row of the task evaluated, says so and ends with the signal's exit status.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalWithMasterWritesTheTasksEvaluated(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path checkpoint = saveRandomPendulumAndSlowCheckpoint(dir);
        Path csv = dir.resolve("out").resolve("results.csv");
        ChildRun.Ended ended = ChildRun.terminatedAt(dir, "classic/pendulum",
                List.of(UnitRunner.javaModuleOptions().split(" ")), List.of("eval", "--checkpoint",
                        checkpoint.toString(), "--set", "classic/pendulum,pytesting/slow", "--agent", "random",
                        "--episodes", "3", "--envs", "1", "--csv", csv.toString(), "--master", "local[2]",
                        "--spark-conf", "spark.driver.host=127.0.0.1"));
        assertStoppedWithPendulumWritten(ended, csv);
    }

    /**
     * SIGTERM to a `tdmpc2j eval` while its env starts (the pytesting suite's Python worker), before any task was
     * evaluated: it says nothing was written, ends with the signal's exit status, and leaves neither the CSV nor
     * the folder it would have made for it.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalBeforeATaskIsEvaluatedWritesNothing(@TempDir Path dir) throws Exception {
        Path checkpoint = saveRandomPendulumAndSlowCheckpoint(dir);
        Path out = dir.resolve("out");
        ChildRun.Ended ended = ChildRun.terminatedOnceThePytestingWorkerStarts(dir, List.of("eval", "--checkpoint",
                checkpoint.toString(), "--set", "classic/pendulum,pytesting/slow", "--agent", "random", "--episodes",
                "3", "--csv", out.resolve("results.csv").toString()));
        assertNothingWritten(ended, out);
        assertThat(ended.output()).doesNotContain("classic/pendulum ");
    }

    /**
     * SIGTERM to a `tdmpc2j eval` while it makes its envs (the first of pytesting/slow-start's two rows being made in
     * three seconds): it stops before the next env, so that the worker of gymnasium/Pendulum-v1's rows never starts,
     * and writes nothing. It made every task's envs first.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalWhileTheEnvsAreMadeStopsBeforeTheNextEnv(@TempDir Path dir) throws Exception {
        Path checkpoint = saveRandomCheckpoint(dir, "pytesting/slow-start", "gymnasium/Pendulum-v1");
        Path out = dir.resolve("out");
        ChildRun.Ended ended = ChildRun.terminatedOnceThePytestingWorkerStarts(dir, List.of("eval", "--checkpoint",
                checkpoint.toString(), "--tasks", "pytesting/slow-start,gymnasium/Pendulum-v1", "--agent", "random",
                "--episodes", "2", "--envs", "2", "--csv", out.resolve("results.csv").toString()));
        assertNothingWritten(ended, out);
        assertThat(ended.output()).doesNotContain(PythonTestingProvider.GYMNASIUM_WORKER_STARTED);
    }

    /**
     * As {@link #aSignalBeforeATaskIsEvaluatedWritesNothing} with --master local[2], the signal sent while the
     * executor makes the task's env: the job is cancelled, and nothing is written.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalWithMasterBeforeATaskIsEvaluatedWritesNothing(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path checkpoint = saveRandomPendulumAndSlowCheckpoint(dir);
        Path out = dir.resolve("out");
        ChildRun.Ended ended = ChildRun.terminatedAt(dir, PythonTestingProvider.WORKER_STARTED,
                List.of(UnitRunner.javaModuleOptions().split(" ")), List.of("eval", "--checkpoint",
                        checkpoint.toString(), "--task", "pytesting/slow", "--agent", "random", "--episodes", "3",
                        "--csv", out.resolve("results.csv").toString(), "--master", "local[2]", "--spark-conf",
                        "spark.driver.host=127.0.0.1"));
        assertNothingWritten(ended, out);
        assertThat(ended.output()).doesNotContain("this process is exiting");
    }

    /**
     * As {@link #aSignalWhileTheEnvsAreMadeStopsBeforeTheNextEnv} with --master local[2]: the signal comes while
     * the executor makes the first of pytesting/slow-start's four rows (three seconds each); the job's cancellation
     * gives that row's making up two seconds into it (its worker killed), and nothing is written. The executor made
     * all four first (twelve seconds more), heeding the stop only in the evaluation's first step; then it made the
     * first row whole.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalWithMasterWhileTheEnvsAreMadeStopsBeforeTheNextEnv(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path checkpoint = saveRandomCheckpoint(dir, "pytesting/slow-start");
        Path out = dir.resolve("out");
        ChildRun.Ended ended = ChildRun.terminatedAt(dir, PythonTestingProvider.WORKER_STARTED,
                List.of(UnitRunner.javaModuleOptions().split(" ")), List.of("eval", "--checkpoint",
                        checkpoint.toString(), "--task", "pytesting/slow-start", "--agent", "random", "--episodes",
                        "4", "--envs", "4", "--csv", out.resolve("results.csv").toString(), "--master", "local[2]",
                        "--spark-conf", "spark.driver.host=127.0.0.1"));
        assertNothingWritten(ended, out);
        long made = ended.output().lines().filter(l -> l.contains(PythonTestingProvider.SLOW_ENV_MADE)).count();
        assertThat(made).as(ended.output()).isZero();
    }

    /**
     * SIGTERM to a `tdmpc2j eval` of a reference .pt file (a TD-MPC2 checkpoint exported) once its first task was
     * evaluated: the row of that task is written beside the file, naming the file, and the folder the command
     * imported the file into is removed, as when it ends.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalToAnEvalOfAPtFileKeepsTheRowsAndRemovesItsImportedFolder(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        saveSmallTdmpcCheckpoint("classic/pendulum,pytesting/slow", dir.resolve("checkpoint"));
        Path pt = dir.resolve("model").resolve("small.pt");
        TasksCommandTest.Run export = TasksCommandTest.run("export", "--checkpoint", dir.resolve("checkpoint")
                .toString(), "--out", pt.toString());
        assertThat(export.exit()).as(export.err()).isZero();
        ChildRun.Ended ended = ChildRun.terminatedAt(dir, "classic/pendulum ", List.of("eval", "--checkpoint",
                pt.toString(), "--set", "classic/pendulum,pytesting/slow", "--episodes", "2", "--envs", "1",
                "--set-param", "mpc=false")); // the policy prior alone: seconds, not a minute, on a CPU
        Path csv = pt.resolveSibling("eval-results.csv");
        assertThat(ended.exit()).as(ended.output()).isEqualTo(128 + 15);
        assertThat(ended.output()).contains("stopped by SIGTERM: 1 of 2 tasks evaluated, its row written to " + csv);
        assertThat(CsvLog.read(csv)).singleElement().satisfies(row -> {
            assertThat(row.cell(0)).isEqualTo("classic/pendulum");
            assertThat(row.cell(6)).isEqualTo(pt.toAbsolutePath().normalize().toString());
        });
        try (var files = Files.list(pt.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).as(ended.output())
                    .containsExactlyInAnyOrder("small.pt", "eval-results.csv");
        }
    }

    /**
     * SIGTERM to a `tdmpc2j eval` once its task was evaluated, while its env closes (in five seconds): the
     * evaluation is done, and it ends so (exit 0, its row written, the results line; no stop line).
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalOnceEveryTaskIsEvaluatedEndsTheEvaluationAsDone(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        try (EnvRegistry registry = EnvRegistry.discover();
                Agent agent = Agents.find("random").create(AgentContext.single(registry.resolve("broken/slow-close"),
                        Map.of(), 0))) {
            agent.save(checkpoint);
        }
        Path csv = dir.resolve("results.csv");
        ChildRun.Ended ended = ChildRun.terminatedAt(dir, "broken/slow-close", List.of("eval", "--checkpoint",
                checkpoint.toString(), "--task", "broken/slow-close", "--agent", "random", "--episodes", "2",
                "--csv", csv.toString()));
        assertThat(ended.exit()).as(ended.output()).isZero();
        assertThat(ended.output()).contains("SIGTERM: stopping before the next step").contains("results: " + csv)
                .doesNotContain("stopped by");
        assertThat(CsvLog.read(csv)).extracting(r -> r.cell(0)).containsExactly("broken/slow-close");
    }

    /** A stop before any task was evaluated: the signal's exit status, the line that says so, no folder {@code out}. */
    private static void assertNothingWritten(ChildRun.Ended ended, Path out) {
        assertThat(ended.exit()).as(ended.output()).isEqualTo(128 + 15);
        assertThat(ended.output()).contains("stopped by SIGTERM before the evaluation of a task ended: nothing was "
                + "written; the same command run again does the evaluation").doesNotContain("results: ");
        assertThat(out).as(ended.output()).doesNotExist();
    }
    /**
     * An agent plug-in of the tests: the random agent, whose making takes a minute, heeding a stop
     * ({@link io.github.tdmpc2j.spi.GivingUp#check}) every 50 ms as a large model's making does; it marks its start
     * and its end in the folder its setting {@code marks} names.
     */
    public static final class SlowMakingAgentProvider implements io.github.tdmpc2j.spi.agent.AgentProvider {
        @Override
        public String name() {
            return "slow-making";
        }

        @Override
        public Agent create(AgentContext context) {
            Path marks = Path.of(context.params().get("marks"));
            try {
                Files.writeString(marks.resolve("making"), "");
                for (int step = 0; step < 1200; step++) {
                    io.github.tdmpc2j.spi.GivingUp.check();
                    Thread.sleep(50);
                }
                Files.writeString(marks.resolve("made"), "");
            } catch (java.io.IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new RandomDelegate(context);
        }
    }

    /**
     * eval's unit on local[2] stopped (the job cancelled, as a signal to `eval --master` cancels it) while the
     * executor makes its agent (the 317M model's making and checkpoint read take a minute on a CPU): the making is
     * given up, and the job returns within seconds, no task evaluated. Before: the executor made the whole agent and
     * read its checkpoint first, the cancellation heeded only at the evaluation's first step.
     */
    @Test
    @org.junit.jupiter.api.Timeout(180)
    void aStoppedJobGivesUpTheAgentAnExecutorMakes(@TempDir Path dir) throws Exception {
        Path checkpoint = saveRandomCheckpoint(dir, "classic/pendulum");
        Path marks = Files.createDirectories(dir.resolve("marks"));
        TasksCommandTest.withAgentPlugin(dir.resolve("slow-making.jar"), SlowMakingAgentProvider.class, () -> {
            UnitRunner.Stop stop = new UnitRunner.Stop();
            java.util.concurrent.atomic.AtomicLong requested = new java.util.concurrent.atomic.AtomicLong();
            Thread signal = new Thread(() -> {
                try {
                    while (!Files.exists(marks.resolve("making"))) {
                        Thread.sleep(20);
                    }
                    requested.set(System.nanoTime());
                    stop.request();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            signal.start();
            EvalCommand.Settings settings = new EvalCommand.Settings("slow-making", checkpoint.toString(),
                    List.of("classic/pendulum"), List.of("classic/pendulum"), Map.of("marks", marks.toString()),
                    Map.of(), 1, 1000, 1);
            List<EvalCommand.TaskResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
            UnitRunner.run(new ClusterSettings("local[2]", false, 0, Map.of("spark.driver.host", "127.0.0.1")),
                    "eval", List.of(new EvalCommand.Unit(0, "classic/pendulum")), null, null,
                    new EvalCommand.OneTask(settings, null, null, null), (i, unit, r) -> {
                        if (r != null) {
                            results.add(r);
                        }
                    }, stop);
            double seconds = (System.nanoTime() - requested.get()) / 1e9;
            signal.join();
            assertThat(seconds).as("the agent's making given up, not run to its end").isLessThan(20);
            assertThat(marks.resolve("made")).doesNotExist();
            assertThat(results).isEmpty();
            assertThat(stop.cutShort()).isTrue();
        });
    }
}
