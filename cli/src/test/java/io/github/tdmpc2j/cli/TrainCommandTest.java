package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.bridge.py4j.WorkerFailedException;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrainCommandTest {
    @Test
    void trainsEvaluatesCheckpointsAndResumes(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.Run r = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--steps", "1000", "--eval-every", "400", "--eval-episodes", "2", "--out", run.toString(),
                "--progress", "log", "--set-param", "preset=cpu");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("random policy: mean return -?[0-9.]+ over 2 episodes\\n")
                .contains("eval at step 400")
                .contains("done: 1000 steps");
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(row -> row.cell(0))
                .containsExactly("0", "400", "800", "1000");
        assertThat(CsvLog.read(run.resolve("train.csv"))).hasSize(5);
        assertThat(Files.size(run.resolve("curve.png"))).isGreaterThan(1000);
        assertThat(Files.readString(run.resolve("config.yaml"))).contains("task: classic/pendulum")
                .contains("preset: cpu").contains("steps: 1000");
        assertThat(run.resolve("checkpoint").resolve(RunFolder.STATE)).exists();
        assertThat(CheckpointFolder.open(run.resolve("checkpoint")).files()).containsOnlyKeys(RunFolder.STATE,
                RunFolder.TASK_REVISIONS, "random-agent.properties");
        assertThat(RunFolder.revisions(run.resolve("checkpoint"))).containsExactly(Map.entry("classic/pendulum", 1));
        // created with the user's umask, as any new file, not owner-only
        var umaskMode = Files.getPosixFilePermissions(Files.createFile(dir.resolve("umask-probe")));
        for (Path file : List.of(run.resolve("checkpoint").resolve(RunFolder.STATE), run.resolve("curve.png"),
                run.resolve("checkpoint").resolve("random-agent.properties"), run.resolve("eval.csv"))) {
            assertThat(Files.getPosixFilePermissions(file)).as(file.toString()).isEqualTo(umaskMode);
        }

        TasksCommandTest.Run resumed = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--steps", "1400", "--eval-every", "400", "--eval-episodes", "2", "--out", run.toString(),
                "--progress", "log", "--resume");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming").contains("at step 1000").contains("done: 1400 steps");
        List<CsvLog.Row> evals = CsvLog.read(run.resolve("eval.csv"));
        assertThat(evals).extracting(row -> row.cell(0)).containsExactly("0", "400", "800", "1000", "1200", "1400");
        assertThat(CsvLog.read(run.resolve("train.csv"))).hasSize(7);
    }

    /**
     * A fresh run draws what it always drew: on the echo task (reward = action, every episode alike) a training
     * episode's return is the sum of the TD-MPC2 agent's seed-phase draws, the same as before resume was seeded
     * on its own. A resumed segment draws from (run seed, step) instead of starting over from the run's seed, so it
     * does not replay the run's opening draws; resumed at the same step, it draws the same again.
     */
    @Test
    void aResumedRunDrawsAnewAndAFreshRunDrawsAsBefore(@TempDir Path dir) throws Exception {
        List<String> returns = new ArrayList<>();
        for (String name : List.of("straight", "resumed", "again")) {
            Path run = dir.resolve(name);
            String[] args = echo(run);
            if (!name.equals("straight")) {
                TasksCommandTest.Run first = TasksCommandTest.run(concat(args, "--steps", "20"));
                assertThat(first.exit()).as(first.err()).isZero();
            }
            TasksCommandTest.Run r = TasksCommandTest.run(name.equals("straight") ? concat(args, "--steps", "40")
                    : concat(args, "--steps", "40", "--resume"));
            assertThat(r.exit()).as(r.err()).isZero();
            returns.add(String.join(" ", CsvLog.read(run.resolve("train.csv")).stream().map(row -> row.cell(2))
                    .toList()));
        }
        // the returns of the run's four episodes (of 10 steps) as this code drew them before resume reseeded
        String opening = "2.82957 1.24859";
        assertThat(returns.get(0)).isEqualTo(opening + " -3.25607 1.16429");
        assertThat(returns.get(1)).startsWith(opening + " ").isEqualTo(returns.get(2));
        assertThat(returns.get(1).substring(opening.length() + 1)).as("the resumed segment's draws")
                .isNotEqualTo(opening).isNotEqualTo("-3.25607 1.16429");
    }

    /**
     * A task whose plug-in changed it since the run's checkpoint (a higher revision, here the echo plug-in's as a
     * newer version would give it): --resume goes on and says which task changed and what that means for the curve;
     * the checkpoint then records each revision the run learnt on, in order, so a second resume says nothing and eval
     * says it was trained on both (it said nothing of the earlier one); eval of a checkpoint trained on another
     * revision than the task's now says so too. A task changed back (1, 2, then 1 again) is said with the three:
     * before, the checkpoint recorded 1 alone (its first revision was dropped where it was the last), and eval said
     * nothing of the part learnt on 2.
     */
    @Test
    void aTaskChangedSinceTheCheckpointIsSaidOnResumeAndOnEval(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.Run first = TasksCommandTest.run(echo(run, "--steps", "20"));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).doesNotContain("revision");
        assertThat(RunFolder.revisions(run.resolve("checkpoint"))).containsExactly(Map.entry("echo/action", 1));
        assertThat(RunFolder.learntRevisions(run.resolve("checkpoint"))).containsExactly(
                Map.entry("echo/action", List.of(1)));
        try {
            EchoProvider.revision = 2;
            TasksCommandTest.Run resumed = TasksCommandTest.run(echo(run, "--steps", "40", "--resume"));
            assertThat(resumed.exit()).as(resumed.err()).isZero();
            assertThat(resumed.err()).contains(" was trained up to step 20 on other revisions of 1 task: echo/action "
                    + "(revision 1 then, 2 now); the run goes on with the tasks as they are now, so its curve after "
                    + "step 20 is of other episodes than before; for a curve of one version start a new run")
                    .startsWith("warning: the run in ");
            assertThat(resumed.out()).contains("done: 40 steps");
            assertThat(RunFolder.revisions(run.resolve("checkpoint"))).containsExactly(Map.entry("echo/action", 2));
            assertThat(RunFolder.learntRevisions(run.resolve("checkpoint"))).containsExactly(
                    Map.entry("echo/action", List.of(1, 2)));
            assertThat(Files.readString(run.resolve("checkpoint").resolve(RunFolder.TASK_REVISIONS)))
                    .contains("echo/action=2").contains("echo/action.learnt.1=1").contains("echo/action.learnt.2=2");
            TasksCommandTest.Run again = TasksCommandTest.run(echo(run, "--steps", "60", "--resume"));
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(again.err()).doesNotContain("revision");
            assertThat(RunFolder.learntRevisions(run.resolve("checkpoint"))).as("kept by the next resume")
                    .containsExactly(Map.entry("echo/action", List.of(1, 2)));
            TasksCommandTest.Run evalNow = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--episodes",
                    "1");
            assertThat(evalNow.exit()).as(evalNow.err()).isZero();
            assertThat(evalNow.err()).contains("warning: the checkpoint in " + run.resolve("checkpoint") + " was "
                    + "trained in part on other revisions of 1 task: echo/action (revisions 1 then 2; 2 now); it is "
                    + "evaluated here on the tasks as they are now");

            EchoProvider.revision = 1; // the plug-in as it was: the checkpoint was trained on 1, then on 2
            TasksCommandTest.Run eval = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--episodes",
                    "1");
            assertThat(eval.exit()).as(eval.err()).isZero();
            assertThat(eval.err()).contains("warning: the checkpoint in " + run.resolve("checkpoint") + " was "
                    + "trained in part on other revisions of 1 task: echo/action (revisions 1 then 2; 1 now); it is "
                    + "evaluated here on the tasks as they are now");
            assertThat(eval.out()).contains("echo/action");
            // and collect with it as the policy
            TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--policy", run.toString(), "--episodes",
                    "1", "--out", dir.resolve("data").toString());
            assertThat(collect.exit()).as(collect.err()).isZero();
            assertThat(collect.err()).contains("warning: the checkpoint in " + run.resolve("checkpoint") + " was "
                    + "trained in part on other revisions of 1 task: echo/action (revisions 1 then 2; 1 now); it "
                    + "acts here on the tasks as they are now");

            // resumed on revision 1 again: 1, then 2, then 1
            TasksCommandTest.Run back = TasksCommandTest.run(echo(run, "--steps", "80", "--resume"));
            assertThat(back.exit()).as(back.err()).isZero();
            assertThat(back.err()).contains(" was trained up to step 60 on other revisions of 1 task: echo/action "
                    + "(revision 2 then, 1 now)");
            assertThat(RunFolder.revisions(run.resolve("checkpoint"))).containsExactly(Map.entry("echo/action", 1));
            assertThat(RunFolder.learntRevisions(run.resolve("checkpoint"))).containsExactly(
                    Map.entry("echo/action", List.of(1, 2, 1)));
            TasksCommandTest.Run evalBack = TasksCommandTest.run("eval", "--checkpoint", run.toString(),
                    "--episodes", "1");
            assertThat(evalBack.exit()).as(evalBack.err()).isZero();
            assertThat(evalBack.err()).contains("warning: the checkpoint in " + run.resolve("checkpoint") + " was "
                    + "trained in part on other revisions of 1 task: echo/action (revisions 1 then 2 then 1; 1 now); "
                    + "it is evaluated here on the tasks as they are now");
        } finally {
            EchoProvider.revision = 1;
        }
    }

    /**
     * A checkpoint an earlier version saved after a resume on another revision of its task recorded the first
     * revision alone beside the last ({@code TASK.first=1}, {@code TASK=2}): eval reads it as learnt on 1 then 2, and
     * a resume goes on from both, recording them in order.
     */
    @Test
    void anEarlierVersionsRecordOfAFirstRevisionReadsAsTwoInOrder(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.Run first = TasksCommandTest.run(echo(run, "--steps", "20"));
        assertThat(first.exit()).as(first.err()).isZero();
        Path checkpoint = run.resolve("checkpoint");
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(checkpoint)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().equals(CheckpointFolder.MANIFEST)).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        // the checkpoint as an earlier version wrote it, its manifest made again for the file it changes
        CheckpointFolder.write(checkpoint, CheckpointFolder.open(checkpoint).step(), into -> {
            try (Stream<Path> files = Files.list(copy)) {
                for (Path f : files.toList()) {
                    Files.copy(f, into.resolve(f.getFileName()));
                }
            }
            Files.writeString(into.resolve(RunFolder.TASK_REVISIONS), "echo/action=2\necho/action.first=1\n");
        });
        assertThat(RunFolder.learntRevisions(checkpoint)).containsExactly(Map.entry("echo/action", List.of(1, 2)));
        try {
            EchoProvider.revision = 2;
            TasksCommandTest.Run eval = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--episodes",
                    "1");
            assertThat(eval.exit()).as(eval.err()).isZero();
            assertThat(eval.err()).contains("was trained in part on other revisions of 1 task: echo/action "
                    + "(revisions 1 then 2; 2 now)");
            TasksCommandTest.Run resumed = TasksCommandTest.run(echo(run, "--steps", "40", "--resume"));
            assertThat(resumed.exit()).as(resumed.err()).isZero();
            assertThat(resumed.err()).doesNotContain("revision");
            assertThat(RunFolder.learntRevisions(checkpoint)).containsExactly(Map.entry("echo/action", List.of(1, 2)));
            assertThat(Files.readString(checkpoint.resolve(RunFolder.TASK_REVISIONS)))
                    .contains("echo/action.learnt.1=1").contains("echo/action.learnt.2=2").doesNotContain(".first");
        } finally {
            EchoProvider.revision = 1;
        }
    }

    /**
     * A setting that fixes the model's shape, given with --resume, is refused with what to do on resume (leave it
     * out, or give the recorded value), not the agent's "create the agent with num_q=5", before anything changes.
     */
    @Test
    void aShapeSettingGivenWithResumeIsRefusedWithResumeAdvice(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.Run first = TasksCommandTest.run(echo(run, "--steps", "20"));
        assertThat(first.exit()).as(first.err()).isZero();
        String numQ = io.github.tdmpc2j.agent.checkpoint.Checkpoint.savedParams(run.resolve("checkpoint"))
                .get("num_q");
        String other = Integer.toString(Integer.parseInt(numQ) + 1);
        String config = Files.readString(run.resolve("config.yaml"));

        TasksCommandTest.Run refused = TasksCommandTest.run(echo(run, "--steps", "40", "--resume", "--set-param",
                "num_q=" + other));
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("was trained with num_q=" + numQ + ", which fixes the model's shape: "
                + "--resume goes on with the checkpoint's model, so leave out num_q (--set-param num_q, or in "
                + "--config), or give the recorded num_q=" + numQ).doesNotContain("create the agent");
        assertThat(Files.readString(run.resolve("config.yaml"))).isEqualTo(config);
        assertThat(CheckpointFolder.open(run.resolve("checkpoint")).step()).isEqualTo(20);

        TasksCommandTest.Run same = TasksCommandTest.run(echo(run, "--steps", "40", "--resume", "--set-param",
                "num_q=" + numQ));
        assertThat(same.exit()).as(same.err()).isZero();
        assertThat(same.out()).contains("done: 40 steps");
        assertThat(refused.err() + same.err()).doesNotContain("the run goes on with");
    }

    /**
     * A setting --resume changes from the checkpoint's is said, with what it means for eval: the checkpoints the run
     * saves record it, so eval of the run acts with it (here without planning), which said nothing before; eval
     * says so too, as it does of a run trained without planning from its start.
     */
    @Test
    void aSettingChangedOnResumeIsSaidWithWhatEvalActsWith(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.Run first = TasksCommandTest.run(echo(run, "--steps", "20"));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(io.github.tdmpc2j.agent.checkpoint.Checkpoint.savedParams(run.resolve("checkpoint")))
                .containsEntry("mpc", "true").containsEntry("temperature", "0.5");

        // temperature=0.50 is the checkpoint's own value, spelt otherwise: no change
        TasksCommandTest.Run resumed = TasksCommandTest.run(echo(run, "--steps", "40", "--resume", "--set-param",
                "mpc=false", "--set-param", "temperature=0.50"));
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("the run goes on with mpc=false (its checkpoint was saved with mpc=true): "
                + "the checkpoints it saves from now on record it, and `tdmpc2j eval --checkpoint " + run + "` acts "
                + "with it (there --set-param mpc=true acts as before)").doesNotContain("temperature=");
        assertThat(io.github.tdmpc2j.agent.checkpoint.Checkpoint.savedParams(run.resolve("checkpoint")))
                .containsEntry("mpc", "false");

        TasksCommandTest.Run again = TasksCommandTest.run(echo(run, "--steps", "60", "--resume"));
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).doesNotContain("the run goes on with");

        // eval says that the checkpoint acts without planning (the table does not show it), and how to plan
        String note = "note: the agent acts with its policy prior alone, without planning (mpc=false); --set-param "
                + "mpc=true plans with its world model";
        TasksCommandTest.Run eval = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--episodes", "1");
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.err()).contains(note);
        TasksCommandTest.Run planned = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--episodes", "1",
                "--set-param", "mpc=true");
        assertThat(planned.exit()).as(planned.err()).isZero();
        assertThat(planned.err()).doesNotContain("note:");
    }

    /**
     * --resume with a buffer_size below the steps the saved replay buffer holds keeps the newest steps, as a full
     * buffer drops its oldest, and says so in one line (it dropped them silently); here in a child JVM, whose
     * stderr is what a user sees.
     */
    @Test
    void aSmallerBufferGivenWithResumeSaysWhatItDrops(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.Run first = TasksCommandTest.run(echo(run, "--steps", "40"));
        assertThat(first.exit()).as(first.err()).isZero();
        int exit;
        String output;
        try (ChildRun child = new ChildRun(dir, "done:", List.of(echo(run, "--steps", "60", "--resume",
                "--set-param", "buffer_size=25")))) {
            exit = child.waitFor(120);
            output = child.output();
        }
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("the checkpoint's replay buffer holds 40 steps, more than buffer_size=25: its "
                + "oldest 15 are dropped, its newest 25 kept").contains("done: 60 steps");
    }

    /**
     * {@code train} on the echo task (reward = action) into {@code run}, the TD-MPC2 agent in its seed phase
     * throughout, evaluating and saving every 20 steps (two episodes), then {@code more}.
     */
    private static String[] echo(Path run, String... more) {
        return concat(new String[] {"train", "--task", "echo/action", "--preset", "cpu", "--set-param",
            "seed_steps=1000", "--eval-every", "20", "--eval-episodes", "1", "--progress", "log", "--out",
            run.toString()}, more);
    }

    /**
     * One setting given in --config, by an option and by --set-param: --set-param wins over the option, the option
     * over the file, the file over the preset; config.yaml records the winners and the agent runs with them.
     */
    @Test
    void aSettingGivenTwiceTakesTheLaterLayerAndConfigYamlRecordsIt(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("settings.yaml");
        Files.writeString(yaml, "preset: paper\nhorizon: 5\nsteps: 40\nnum_samples: 32\nlatent_dim: 64\n");
        Path run = dir.resolve("run");
        TasksCommandTest.Run r = TasksCommandTest.run(echo(run, "--config", yaml.toString(), "--steps", "20",
                "--model-size", "5", "--set-param", "horizon=4"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readAllLines(run.resolve("config.yaml"))).contains("horizon: 4", "steps: 20", "preset: cpu",
                "num_samples: 32", "latent_dim: 64", "model_size: 5");
        Map<String, String> agent = io.github.tdmpc2j.agent.checkpoint.Checkpoint.savedParams(run.resolve("checkpoint"));
        assertThat(agent).containsEntry("horizon", "4").containsEntry("preset", "cpu").containsEntry("num_samples", "32")
                .containsEntry("lr", "1e-3").containsEntry("model_size", "5").containsEntry("latent_dim", "64")
                .containsEntry("mlp_dim", Integer.toString(io.github.tdmpc2j.agent.ModelSize.M5.mlpDim));
    }

    /**
     * A run's config.yaml given as --config starts a run of the same tasks and settings; a task option wins over the
     * file's task keys, which are then not recorded beside it (config.yaml said task and tasks and set at once).
     */
    @Test
    void aRunsConfigYamlGivenAsConfigNamesItsTasksAndAnOptionWins(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first");
        assertThat(TasksCommandTest.run(echo(first, "--steps", "20")).exit()).isZero();
        Path again = dir.resolve("again");
        TasksCommandTest.Run r = TasksCommandTest.run("train", "--config", first.resolve("config.yaml").toString(),
                "--out", again.toString(), "--progress", "log");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("training tdmpc2 on echo/action for 20 steps");
        assertThat(Files.readAllLines(again.resolve("config.yaml")))
                .containsExactlyInAnyOrderElementsOf(Files.readAllLines(first.resolve("config.yaml")));

        Path yaml = dir.resolve("other.yaml");
        Files.writeString(yaml, Files.readString(first.resolve("config.yaml")).replace("task: echo/action",
                "tasks: classic/pendulum,echo/action\nset: mt30"));
        Path third = dir.resolve("third");
        TasksCommandTest.Run option = TasksCommandTest.run("train", "--config", yaml.toString(), "--task",
                "echo/action", "--out", third.toString(), "--progress", "log");
        assertThat(option.exit()).as(option.err()).isZero();
        assertThat(Files.readAllLines(third.resolve("config.yaml"))).contains("task: echo/action")
                .noneMatch(line -> line.startsWith("tasks:") || line.startsWith("set:"));
    }

    /**
     * A bad setting, however given (a typo, of the trainer's keys too, a value of the wrong kind or out of range, one the agent could not
     * allocate, a config file that is no mapping of single values), is one line of error with exit status 2, no
     * stack trace, and leaves no run folder behind.
     */
    @Test
    void aBadSettingIsOneLineAndLeavesNoRunFolder(@TempDir Path dir) throws Exception {
        Map<String, String> yaml = new java.util.HashMap<>(Map.of("malformed.yaml", "horizon: [3\n", "empty.yaml",
                "", "list.yaml", "- horizon: 3\n", "nested.yaml", "agent:\n  horizon: 3\n", "twice.yaml",
                "horizon: 3\nhorizon: 5\n",
                "indented.yaml", "horizon: 3\n  lr: 1e-3\nbatch_size: 8\n", "tab.yaml", "horizon: 3\n\tlr: 1\n",
                "quote.yaml", "horizon: 3\nlr: \"1e-3\n", "first.yaml", "  horizon: 3\nlr: 1e-3\n"));
        yaml.put("nan.yaml", "horizon: 3\nlr: .nan\n");
        yaml.put("inf.yaml", "horizon: 3\ngrad_clip_norm: -.inf\n");
        List<List<String>> cases = new ArrayList<>(List.of(
                List.of("--set-param", "horizn=3", "unknown TD-MPC2 parameter 'horizn' (did you mean horizon?)"),
                List.of("--set-param", "eval_every=5", "'eval_every' is a setting of neither the trainer nor the "
                        + "agent: did you mean the trainer's eval_freq (--eval-every)?"),
                List.of("--set-param", "step=5", "did you mean the trainer's steps (--steps)?"),
                List.of("--set-param", "horizon=abc", "horizon=abc is not a whole number"),
                List.of("--set-param", "lr=1e-3x", "lr=1e-3x is not a finite number"),
                List.of("--set-param", "horizon=0", "horizon=0 must be positive"),
                List.of("--set-param", "num_elites=100", "num_elites=100 must be in [1, num_samples (64)]"),
                List.of("--set-param", "num_samples=2000000000", "lower num_samples"),
                List.of("--set-param", "mlp_dim=100000", "lower mlp_dim"),
                List.of("--model-size", "7", "model_size=7 is not one of 1, 5, 19, 48, 317"),
                List.of("--device", "tpu", "device must be cpu, gpu, gpu:N"),
                List.of("--steps", "0", "'steps' (--steps) must be positive, got 0"),
                List.of("--set-param", "eval_freq=-1", "'eval_freq' (--eval-every) must be positive, got -1"),
                List.of("--set-param", "seed=1x", "'seed' (--seed) must be a whole number"),
                List.of("--progress", "fancy", "--progress takes auto, bar or log, got fancy"),
                // the YAML parser's words were a stack of "while parsing ..." with the line quoted; now one line
                List.of("--config", "malformed.yaml", "malformed.yaml, line 2, column 1: a '[', opened at line 1, "
                        + "column 10, that is not closed with ']'; settings are single values"),
                List.of("--config", "indented.yaml", "indented.yaml, line 2, column 5: a ':' where no key: value "
                        + "pair can start (an indented key, or a value that holds ': '); start each key at the "
                        + "beginning of its line"),
                List.of("--config", "tab.yaml", "tab.yaml, line 2, column 1: a tab character where YAML takes "
                        + "spaces"),
                List.of("--config", "quote.yaml", "quote.yaml, line 3, column 1: a quoted value, opened at line 2, "
                        + "column 5, that is not closed"),
                // lines after an indented first key were left out unsaid (a run without lr: 1e-3)
                List.of("--config", "first.yaml", "first.yaml, line 2, column 1: a line indented differently from "
                        + "the keys before it"),
                List.of("--config", "empty.yaml", "is empty; it takes key: value pairs"),
                List.of("--config", "list.yaml", "must be a YAML mapping of key: value pairs"),
                List.of("--config", "nested.yaml", "'agent' must be a single value"),
                List.of("--config", "twice.yaml", "twice.yaml, line 2, column 8: 'horizon' is given a second time; "
                        + "give each key once"),
                // .nan and .inf were said to be no YAML the parser can read, with "write one key: value pair a line"
                List.of("--config", "nan.yaml", "nan.yaml, line 2, column 9: 'lr' is .nan, not a finite number; "
                        + "give it a finite number (or leave the key out for its default)"),
                List.of("--config", "inf.yaml", "inf.yaml, line 2, column 22: 'grad_clip_norm' is -.inf, not a "
                        + "finite number; give it a finite number (or leave the key out for its default)"),
                List.of("--config", "missing.yaml", "no such file or folder")));
        for (List<String> c : cases) {
            Path run = dir.resolve("run");
            String value = c.get(0).equals("--config") ? dir.resolve(c.get(1)).toString() : c.get(1);
            if (yaml.containsKey(c.get(1))) {
                Files.writeString(dir.resolve(c.get(1)), yaml.get(c.get(1)));
            }
            TasksCommandTest.Run r = TasksCommandTest.run(c.get(0).equals("--progress") // echo gives --progress log
                    ? new String[] {"train", "--task", "echo/action", "--out", run.toString(), c.get(0), value}
                    : echo(run, c.get(0), value));
            assertThat(r.exit()).as(c + ": " + r.out() + r.err()).isEqualTo(2);
            assertThat(r.err()).as(c.toString()).startsWith("error: ").contains(c.get(2)).doesNotContain("\tat ")
                    .doesNotContain("while parsing").doesNotContain("'reader'").hasLineCount(1);
            assertThat(run).as(c.toString()).doesNotExist();
        }
    }

    /**
     * A run whose replay buffer would outgrow the JVM's heap is refused before the run folder is made, with the bytes
     * it needs and what fits (it failed with an OutOfMemoryError once the buffer had grown, hours in); what the run
     * fills counts, not buffer_size alone.
     */
    @Test
    void aReplayBufferBeyondTheHeapIsRefusedBeforeTheRun(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        // a billion steps of echo/action: 40 GB, beyond the heap of any JVM these tests run in
        TasksCommandTest.Run r = TasksCommandTest.run(echo(run, "--steps", "1000000000", "--set-param",
                "buffer_size=1000000000"));
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: the replay buffer of this run needs ").contains("(1000000000 steps, "
                + "min(steps, buffer_size=1000000000), of 40 bytes each").contains("--set-param buffer_size=")
                .doesNotContain("\tat ").hasLineCount(1);
        assertThat(run).doesNotExist();
    }

    private static String[] concat(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /**
     * A run folder holds one run: a new run refuses a folder with a run in it (and one refused by its settings
     * leaves no folder behind); --resume goes on with the run's own tasks, seed and trainer settings, changes only
     * what it is given, and does nothing (without a second evaluation row) for a run already at its end.
     */
    @Test
    void aRunFolderHoldsOneRunAndResumeKeepsItsSettings(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.Run first = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--steps", "400", "--eval-every", "200", "--eval-episodes", "1", "--seed", "3", "--out",
                run.toString(), "--progress", "log");
        assertThat(first.exit()).as(first.err()).isZero();
        String evalCsv = Files.readString(run.resolve("eval.csv"));
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(row -> row.cell(0)).containsExactly("0", "200", "400");
        List<CsvLog.Row> episodes = CsvLog.read(run.resolve("train.csv"));
        // the last progress line shows the episode that ended with the last step
        assertThat(first.out()).contains(String.format(java.util.Locale.ROOT, "last return %.1f",
                Double.parseDouble(episodes.get(episodes.size() - 1).cell(2))));

        Files.delete(run.resolve(RunLock.FILE)); // a copy of the run without its lock file: the refusal leaves none
        TasksCommandTest.Run again = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--steps", "200", "--out", run.toString(), "--progress", "log");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains(run + " already holds a run").contains("--resume --out " + run);
        assertThat(run.resolve(RunLock.FILE)).doesNotExist();
        assertThat(Files.readString(run.resolve("eval.csv"))).as("nothing of the run changed").isEqualTo(evalCsv);
        assertThat(CheckpointFolder.open(run.resolve("checkpoint")).step()).isEqualTo(400);

        Path refused = dir.resolve("refused");
        TasksCommandTest.Run bad = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--envs", "0", "--out", refused.toString(), "--progress", "log");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(refused).as("a run refused by its settings leaves no folder").doesNotExist();

        // no task, seed or trainer settings given: the run's own (seed 3, evaluations every 200 steps, 1 episode)
        TasksCommandTest.Run resumed = TasksCommandTest.run("train", "--steps", "800", "--out", run.toString(),
                "--progress", "log", "--resume");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("at step 400").contains("done: 800 steps");
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(row -> row.cell(0) + "/" + row.cell(3))
                .containsExactly("0/1", "200/1", "400/1", "600/1", "800/1");
        assertThat(Files.readString(run.resolve("config.yaml"))).contains("task: classic/pendulum")
                .contains("seed: 3").contains("eval_freq: 200").contains("eval_episodes: 1").contains("steps: 800");

        TasksCommandTest.Run otherSeed = TasksCommandTest.run("train", "--steps", "1000", "--seed", "5", "--out",
                run.toString(), "--progress", "log", "--resume");
        assertThat(otherSeed.exit()).isEqualTo(2);
        assertThat(otherSeed.err()).contains("was started with seed=3, not 5");
        TasksCommandTest.Run otherTask = TasksCommandTest.run("train", "--task", "dmc/cartpole-balance",
                "--steps", "1000", "--out", run.toString(), "--progress", "log", "--resume");
        assertThat(otherTask.exit()).isEqualTo(2);
        assertThat(otherTask.err()).contains("trains on classic/pendulum, not dmc/cartpole-balance");

        String ended = Files.readString(run.resolve("eval.csv"));
        TasksCommandTest.Run atEnd = TasksCommandTest.run("train", "--task", "pendulum-v1", "--out", run.toString(),
                "--progress", "log", "--resume");
        assertThat(atEnd.exit()).as(atEnd.err()).isZero();
        assertThat(atEnd.out()).contains("has ended: its checkpoint is at step 800 of 800; nothing to do");
        TasksCommandTest.Run fewer = TasksCommandTest.run("train", "--steps", "600", "--out", run.toString(),
                "--progress", "log", "--resume");
        assertThat(fewer.exit()).isEqualTo(2);
        assertThat(fewer.err()).contains("is at step 800 (its checkpoint), past the 600 steps asked for");
        assertThat(Files.readString(run.resolve("eval.csv"))).as("no second row for step 800").isEqualTo(ended);
    }

    @Test
    void resumeRefusesAMixedOrPartialCheckpointAndRecoversFromAnInterruptedSave(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Path checkpoint = run.resolve("checkpoint");
        String[] first = {"train", "--task", "pendulum-v1", "--agent", "random", "--steps", "400", "--eval-every",
            "300", "--eval-episodes", "1", "--out", run.toString(), "--progress", "log"};
        assertThat(TasksCommandTest.run(first).exit()).isZero();
        Path at400 = dir.resolve("at400");
        copyTree(checkpoint, at400);
        String[] resume = {"train", "--task", "pendulum-v1", "--agent", "random", "--steps", "800", "--eval-every",
            "300", "--eval-episodes", "1", "--out", run.toString(), "--progress", "log", "--resume"};
        assertThat(TasksCommandTest.run(resume).exit()).isZero();
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(row -> row.cell(0))
                .containsExactly("0", "400", "600", "800");
        Path at800 = dir.resolve("at800");
        copyTree(checkpoint, at800);

        // the bug report's mix: the agent of step 800 with the trainer state of step 400
        Files.copy(at400.resolve(RunFolder.STATE), checkpoint.resolve(RunFolder.STATE),
                StandardCopyOption.REPLACE_EXISTING);
        TasksCommandTest.Run mixed = TasksCommandTest.run(resume);
        assertThat(mixed.exit()).isNotZero();
        assertThat(mixed.err()).contains("cannot resume the run in " + run)
                .contains(checkpoint.resolve(RunFolder.STATE) + " does not match the checksum");
        assertThat(CsvLog.read(run.resolve("eval.csv"))).as("a refused resume changes no log").hasSize(4);

        // a partial one: the manifest, written last, is missing
        deleteTree(checkpoint);
        copyTree(at800, checkpoint);
        Files.delete(checkpoint.resolve(CheckpointFolder.MANIFEST));
        TasksCommandTest.Run partial = TasksCommandTest.run(resume);
        assertThat(partial.exit()).isNotZero();
        assertThat(partial.err()).contains("has no " + CheckpointFolder.MANIFEST);

        // a save killed between its two renames: checkpoint.old is the whole previous checkpoint, the new
        // folder is a stale .tmp- one; resuming takes the previous checkpoint and removes both leftovers
        deleteTree(checkpoint);
        copyTree(at400, run.resolve("checkpoint.old"));
        copyTree(at800, run.resolve("checkpoint.tmp-0123abcd"));
        TasksCommandTest.Run recovered = TasksCommandTest.run(resume);
        assertThat(recovered.exit()).as(recovered.err()).isZero();
        assertThat(recovered.out()).contains("at step 400").contains("done: 800 steps");
        assertThat(run.resolve("checkpoint.old")).doesNotExist();
        assertThat(run.resolve("checkpoint.tmp-0123abcd")).doesNotExist();
        assertThat(CheckpointFolder.open(checkpoint).step()).isEqualTo(800);
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(row -> row.cell(0))
                .containsExactly("0", "400", "600", "800");
    }

    /**
     * A resumed run writes its config.yaml again: as a new file moved over the old one, so that a run killed while
     * writing it keeps the previous settings (a rewrite in place would leave a part of them). A hard link to the
     * old file sees which: a move leaves it the old content.
     */
    @Test
    void configYamlIsReplacedWholeNeverRewrittenInPlace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run").resolve("config.yaml");
        new RunConfig(Map.of("steps", "400")).write(file);
        Path link = Files.createLink(dir.resolve("link.yaml"), file);
        new RunConfig(Map.of("steps", "800")).write(file);
        assertThat(Files.readString(file)).contains("steps: 800");
        assertThat(Files.readString(link)).contains("steps: 400");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    /** A count too large for the loop is refused, not cut to 32 bits (4294967297 episodes were 1). */
    @Test
    void aCountBeyondThirtyTwoBitsIsRefusedNotCut(@TempDir Path dir) {
        for (String[] option : List.of(new String[] {"--eval-episodes", "4294967297"},
                new String[] {"--set-param", "envs=4294967297"})) {
            TasksCommandTest.Run r = TasksCommandTest.run("train", "--task", "classic/pendulum", "--agent", "random",
                    "--steps", "200", "--out", dir.resolve("run").toString(), "--progress", "log", option[0],
                    option[1]);
            assertThat(r.exit()).as(r.out()).isEqualTo(2);
            assertThat(r.err()).contains("must be a whole number of at most 2147483647, got '4294967297'");
        }
    }

    /** A damaged row in a run's logs (edited by hand, a disk that filled up) is a clear error, and nothing changes. */
    @Test
    void aDamagedLogRowIsAClearErrorThatChangesNothing(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        String[] train = {"train", "--task", "classic/pendulum", "--agent", "random", "--steps", "400", "--eval-every",
            "300", "--eval-episodes", "1", "--out", run.toString(), "--progress", "log"};
        assertThat(TasksCommandTest.run(train).exit()).isZero();
        String[] ended = {"train", "--resume", "--out", run.toString(), "--progress", "log"};
        String[] more = {"train", "--resume", "--out", run.toString(), "--steps", "800", "--progress", "log"};
        for (String csv : List.of("eval.csv", "train.csv")) {
            for (String damage : List.of("garbage\n", "400,12\n", "x,1,2,3,4,5,6\n")) {
                Path file = run.resolve(csv);
                String before = Files.readString(file);
                Files.writeString(file, before + damage);
                String after = Files.readString(file);
                long lines = after.lines().count();
                // a run that has ended reads only eval.csv (for its curve)
                for (String[] args : csv.equals("eval.csv") ? List.<String[]>of(ended, more) : List.<String[]>of(more)) {
                    TasksCommandTest.Run r = TasksCommandTest.run(args);
                    assertThat(r.exit()).as(csv + " + " + damage + r.err()).isEqualTo(2);
                    assertThat(r.err()).contains(file + " is damaged at line " + lines)
                            .contains("delete that line").doesNotContain("Exception");
                    assertThat(Files.readString(file)).isEqualTo(after);
                }
                Files.writeString(file, before);
            }
        }
        assertThat(CheckpointFolder.open(run.resolve("checkpoint")).step()).isEqualTo(400);
        TasksCommandTest.Run repaired = TasksCommandTest.run(more);
        assertThat(repaired.exit()).as(repaired.err()).isZero();
    }

    /**
     * A power loss can cut the logs' last row short (they are flushed, not forced): a torn last row after the
     * checkpoint is dropped on --resume with a notice on stderr, as the rows after the checkpoint are; one that the
     * checkpoint covers, or a damaged row before it, is still refused, the file unchanged.
     */
    @Test
    void aTornLastLogRowAfterTheCheckpointIsDroppedOnResume(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertThat(TasksCommandTest.run("train", "--task", "classic/pendulum", "--agent", "random", "--steps", "400",
                "--eval-every", "300", "--eval-episodes", "1", "--out", run.toString(), "--progress", "log").exit())
                .isZero();
        Path train = run.resolve("train.csv");
        Path eval = run.resolve("eval.csv");
        String trainBefore = Files.readString(train);
        String evalBefore = Files.readString(eval);
        String[] more = {"train", "--resume", "--out", run.toString(), "--steps", "800", "--progress", "log"};

        // covered by the checkpoint (step 400), or after a damaged row: refused, nothing changed
        for (String[] damage : List.of(new String[] {trainBefore + "400,2,-12", "line 4"},
                new String[] {trainBefore.replaceFirst("\n200,1,[^\n]*", "\n200,1,x") + "600,3,-11", "line 2"})) {
            Files.writeString(train, damage[0]);
            TasksCommandTest.Run r = TasksCommandTest.run(more);
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains(train + " is damaged at " + damage[1]).doesNotContain("torn");
            assertThat(Files.readString(train)).isEqualTo(damage[0]);
        }

        // cut mid-row after the checkpoint: no line end, fewer cells than the header (the eval row's step whole)
        Files.writeString(train, trainBefore + "600,3,-110");
        Files.writeString(eval, evalBefore + "700,classic/pend");
        TasksCommandTest.Run resumed = TasksCommandTest.run(more);
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains(train + " ended in a torn row (line 4, '600,3,-110'")
                .contains(eval + " ended in a torn row").contains("after the checkpoint's step 400: dropped");
        assertThat(resumed.out()).doesNotContain("torn");
        assertThat(CsvLog.read(train)).extracting(r -> r.cell(0)).containsExactly("200", "400", "600", "800");
        assertThat(Files.readString(train)).startsWith(trainBefore).doesNotContain("-110\n").endsWith("\n");
        assertThat(CsvLog.read(eval)).extracting(r -> r.cell(0)).doesNotContain("700").contains("400", "800");
    }

    /**
     * The real writer, `tdmpc2j train --resume` in a child JVM, halted (as by kill -9) at each stage of its first
     * save (step 600): what is left is the whole checkpoint of step 400 or the whole one of step 600, and the next
     * --resume continues from it.
     */
    @ParameterizedTest
    @EnumSource(CheckpointFolder.Stage.class)
    void aTrainingKilledWhileSavingResumesFromAWholeCheckpoint(CheckpointFolder.Stage stage, @TempDir Path dir)
            throws Exception {
        Path run = dir.resolve("run");
        Path checkpoint = run.resolve("checkpoint");
        assertThat(TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random", "--steps", "400",
                "--eval-every", "300", "--eval-episodes", "1", "--out", run.toString(), "--progress", "log").exit())
                .isZero();
        String[] resume = {"train", "--task", "pendulum-v1", "--agent", "random", "--steps", "800", "--eval-every",
            "300", "--eval-episodes", "1", "--out", run.toString(), "--progress", "log", "--resume"};
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"),
                "-D" + CheckpointFolder.HALT_PROPERTY + "=" + stage.name(), Main.class.getName()));
        command.addAll(List.of(resume));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isEqualTo(CheckpointFolder.HALT_STATUS);
        assertThat(output).contains("eval at step 600").doesNotContain("done:");

        long expected = stage == CheckpointFolder.Stage.NEW_IN_PLACE ? 600 : 400;
        CheckpointFolder.Manifest whole = CheckpointFolder.open(checkpoint);
        assertThat(whole.step()).isEqualTo(expected);
        assertThat(Files.readString(whole.dir().resolve("random-agent.properties"))).contains("steps=" + expected);
        assertThat(Files.readString(whole.dir().resolve(RunFolder.STATE))).contains("step=" + expected);

        TasksCommandTest.Run again = TasksCommandTest.run(resume);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("at step " + expected).contains("done: 800 steps");
        try (Stream<Path> s = Files.list(run)) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no stale folders left")
                    .noneMatch(n -> n.startsWith("checkpoint."));
        }
        // (a run resumed at a multiple of --eval-every evaluates that step again: a second row for 600 then)
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(row -> row.cell(0))
                .containsSubsequence("0", "400", "600", "800").endsWith("800");
    }

    /**
     * SIGTERM (as Ctrl-C's SIGINT) to a `tdmpc2j train` in a child JVM while the TD-MPC2 agent learns: the run
     * stops before its next step and ends through its normal path, with the exit status of the signal, the last
     * checkpoint kept whole, and no JVM crash report (exiting in the middle of an update could crash in libtorch).
     * The last checkpoint is the one of step 200 or, on a machine that ran the 200 updates to the next evaluation
     * before the signal came, a later one: the line names the one on disk.
     */
    @Test
    @org.junit.jupiter.api.Timeout(600)
    void aSignalStopsTrainingCleanlyKeepingTheLastCheckpoint(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        int exit;
        String output;
        try (ChildRun child = new ChildRun(dir, "eval at step 200", List.of("train", "--task",
                "pendulum-v1", "--preset", "cpu", "--set-param", "seed_steps=50", "--set-param", "batch_size=16",
                "--set-param", "mpc=false",
                "--set-param", "num_samples=16", "--set-param", "iterations=1", "--set-param", "num_elites=4",
                "--set-param", "num_pi_trajs=2", "--steps", "100000", "--eval-every", "200", "--eval-episodes", "1",
                "--out", run.toString(), "--progress", "log"))) {
            // evaluated and saved at the first episode's end
            assertThat(child.await(400)).as(child.output()).isTrue();
            Thread.sleep(1500); // into the updates after the save
            child.terminate();
            exit = child.waitFor(60);
            output = child.output();
        }
        assertThat(exit).as(output).isEqualTo(128 + 15);
        assertThat(output).contains("SIGTERM: stopping before the next step");
        java.util.regex.Matcher stopped = java.util.regex.Pattern.compile("stopped by SIGTERM at step (\\d+): the "
                + "checkpoint of step (\\d+) is kept; --resume goes on from it").matcher(output);
        assertThat(stopped.find()).as(output).isTrue();
        long kept = Long.parseLong(stopped.group(2));
        assertThat(kept).as(output).isGreaterThanOrEqualTo(200).isLessThanOrEqualTo(Long.parseLong(stopped.group(1)));
        assertThat(kept % 200).as(output).isZero();
        assertThat(output).doesNotContain("done:").doesNotContain("fatal error");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("hs_err"));
        }
        assertThat(CheckpointFolder.open(run.resolve("checkpoint")).step()).as(output).isEqualTo(kept);
    }

    /**
     * SIGTERM (as Ctrl-C's SIGINT) to a `tdmpc2j train` in a child JVM while it gets ready, before it trains (its
     * Python worker starting to make its env): the run ends with the exit status of the signal and lets go of its
     * lock, so the folder it made is gone (it stayed, holding the run.lock of a process that was gone).
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalBeforeTrainingLeavesNoLockBehind(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        ChildRun.Ended ended = ChildRun.terminatedOnceThePytestingWorkerStarts(dir, List.of("train",
                "--task", "pytesting/slow", "--agent", "random", "--steps", "20", "--eval-every", "10",
                "--eval-episodes", "1", "--out", run.toString(), "--progress", "log"));
        assertThat(ended.exit()).as(ended.output()).isEqualTo(128 + 15);
        assertThat(ended.output()).contains("SIGTERM: stopping before the next step")
                .contains("stopped by SIGTERM at step 0: no checkpoint was saved yet").doesNotContain("eval at step");
        assertThat(run).doesNotExist();
    }

    /**
     * SIGTERM to a `tdmpc2j train --preset paper --model-size 317` while it makes its agent (its 317M weights drawn:
     * 20 to 30 s on a CPU of two cores): the making is given up at once, and the run ends as one stopped before it
     * trained, its folder gone, its notice saying what the stop gives up while the run gets ready. Before: the
     * notice spoke of an evaluation and a checkpoint, and the run ended once the model was whole, 30 s later.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalWhileTheModelIsMadeGivesTheMakingUp(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        long signalled;
        int exit;
        String output;
        // the warning comes from the run's check, just before its env and its agent are made
        try (ChildRun child = new ChildRun(dir, "ends in the seed phase", List.of("train", "--task",
                "dmc/walker-walk", "--preset", "paper", "--model-size", "317", "--steps", "100", "--out",
                run.toString(), "--progress", "log"))) {
            assertThat(child.await(120)).as(child.output()).isTrue();
            Thread.sleep(3000); // the engine loaded, the weights being drawn
            child.terminate();
            signalled = System.nanoTime();
            exit = child.waitFor(120);
            output = child.output();
        }
        double seconds = (System.nanoTime() - signalled) / 1e9;
        assertThat(exit).as(output).isEqualTo(128 + 15);
        assertThat(output).contains("SIGTERM: stopping before the next step (" + OnlineRun.GETTING_READY + ")")
                .contains("stopped by SIGTERM at step 0: no checkpoint was saved yet")
                .doesNotContain("training tdmpc2 on");
        assertThat(seconds).as(output).isLessThan(10);
        assertThat(run).doesNotExist();
    }

    /**
     * SIGTERM to a `tdmpc2j train` while it makes its envs (its first Python worker started, the first of
     * pytesting/slow-start's two rows being made in three seconds): it stops before the next env, so that the worker
     * of gymnasium/Pendulum-v1's rows never starts, and ends as a run stopped before it trained, its folder gone. It
     * made every env first (seconds each; a run of many Python tasks or --envs N took minutes to heed the signal).
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalWhileTheEnvsAreMadeStopsBeforeTheNextEnv(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        ChildRun.Ended ended = ChildRun.terminatedOnceThePytestingWorkerStarts(dir, List.of("train", "--tasks",
                "pytesting/slow-start,gymnasium/Pendulum-v1", "--envs", "4", "--agent", "random", "--steps", "20",
                "--eval-every", "10", "--eval-episodes", "1", "--out", run.toString(), "--progress", "log"));
        assertThat(ended.exit()).as(ended.output()).isEqualTo(128 + 15);
        assertThat(ended.output()).contains("stopped by SIGTERM at step 0: no checkpoint was saved yet")
                .doesNotContain(PythonTestingProvider.GYMNASIUM_WORKER_STARTED);
        assertThat(run).doesNotExist();
    }

    /**
     * A second SIGTERM while the first one's stop waits for the env being made (pytesting/slow-start: three seconds a
     * row) exits at once, saying so (it exited without a word), with the signal's exit status.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSecondSignalExitsAtOnceAndSaysSo(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path run = dir.resolve("run");
        ChildRun.Ended ended = ChildRun.terminatedTwiceAt(dir, PythonTestingProvider.WORKER_STARTED, List.of("train",
                "--task", "pytesting/slow-start", "--envs", "4", "--agent", "random", "--steps", "20",
                "--eval-every", "10", "--eval-episodes", "1", "--out", run.toString(), "--progress", "log"));
        assertThat(ended.exit()).as(ended.output()).isEqualTo(128 + 15);
        assertThat(ended.output()).contains("send it again to exit at once").contains("SIGTERM again: exiting at once")
                .doesNotContain("stopped by SIGTERM");
    }

    /**
     * A run that the machinery fails on the way (here a test env that fails as a dead Python worker does, on its third
     * training episode, after the checkpoint of step 0) says how to go on from its checkpoint; a mistake in the input
     * does not get that hint.
     */
    @Test
    void aRunFailedByTheMachineryTellsHowToResume(@TempDir Path dir) {
        Path out = dir.resolve("run");
        TasksCommandTest.Run r = trainUntilItFails("broken/dies", out);
        assertThat(r.err()).contains("machinery died").contains("the run's last checkpoint is kept in "
                + out.resolve("checkpoint") + ": the same command with --resume --out " + out + " goes on from it");
        assertThat(CheckpointFolder.open(out.resolve("checkpoint")).step()).isZero();
        TasksCommandTest.Run mistake = TasksCommandTest.run("train", "--task", "broken/dies", "--agent", "random",
                "--resume", "--envs", "0", "--out", out.toString());
        assertThat(mistake.exit()).isEqualTo(2);
        assertThat(mistake.err()).contains("'envs' (--envs) must be positive, got 0")
                .doesNotContain("goes on from it");
    }

    /**
     * A Python error in a suite (a real worker's, on the third training episode) is no mistake in the input: the
     * run's checkpoint is kept and --resume goes on from it, as after a worker that died.
     */
    @Test
    void aRunFailedByAPythonErrorInItsSuiteTellsHowToResume(@TempDir Path dir) {
        Path out = dir.resolve("run");
        TasksCommandTest.Run r = trainUntilItFails("pytesting/faulty", out);
        assertThat(r.err()).contains("Python raised ArithmeticError").contains("faulty env fails at step 25 as asked")
                .contains("the run's last checkpoint is kept in " + out.resolve("checkpoint")
                        + ": the same command with --resume --out " + out + " goes on from it");
        assertThat(CheckpointFolder.open(out.resolve("checkpoint")).step()).isZero();
    }

    /**
     * A NaN from a suite mid-run (a simulation that diverged in one state) keeps the checkpoint and says --resume
     * goes on from it; a result of other sizes than the spec comes again from the same suite, so it gets no hint.
     */
    @Test
    void aRunStoppedByANanSaysHowToResumeButOneStoppedByAMisfitResultDoesNot(@TempDir Path dir) {
        Path out = dir.resolve("nan");
        TasksCommandTest.Run nan = trainUntilItFails("pytesting/diverging", out);
        // the plug-in (its batched env's row) named, as for one env's NaN
        assertThat(nan.err()).contains("pytesting/diverging failed at step 5 of episode 2")
                .contains("plug-in " + PythonTestingProvider.class.getName() + " in ")
                .contains("pytesting/diverging returned observation[2] = NaN at step() for its batched env's row 0")
                .contains("the same command with --resume --out " + out + " goes on from it");
        assertThat(CheckpointFolder.open(out.resolve("checkpoint")).step()).isZero();
        Path misfitOut = dir.resolve("misfit");
        TasksCommandTest.Run misfit = trainUntilItFails("pytesting/misfit", misfitOut);
        assertThat(misfit.err()).contains("pytesting/misfit returned from step (row 0 of a vector env): 4 observation"
                + " values").doesNotContain("--resume");
        assertThat(misfitOut.resolve("checkpoint")).isDirectory();
    }

    /**
     * A MuJoCo simulation that goes unstable in a step mid-run names the task, episode and step, keeps the checkpoint
     * and says --resume goes on from it (the resumed run's agent draws other actions from it); one that goes unstable
     * in a reset gets no hint: the resumed run resets the same episode with the same seed.
     */
    @Test
    void aRunStoppedByAnUnstableSimulationInAStepSaysHowToResumeButNotInAReset(@TempDir Path dir) {
        Path out = dir.resolve("step");
        TasksCommandTest.Run step = trainUntilItFails("broken/unstable", out);
        assertThat(step.err()).contains("broken/unstable failed at step 2 of episode 2 (seed ")
                .contains("the simulation diverged in mj_step")
                .contains("the same command with --resume --out " + out + " goes on from it");
        assertThat(CheckpointFolder.open(out.resolve("checkpoint")).step()).isZero();
        Path resetOut = dir.resolve("reset");
        TasksCommandTest.Run reset = trainUntilItFails("broken/unstable-reset", resetOut);
        assertThat(reset.err()).contains("broken/unstable-reset failed at the reset of episode 2 (seed ")
                .contains("the simulation diverged in mj_forward").doesNotContain("--resume");
        assertThat(resetOut.resolve("checkpoint")).isDirectory();
    }

    /** A plug-in env whose close() throws after a finished run: a warning, and the run's result stands (exit 0). */
    @Test
    void anEnvThatFailsToCloseAfterAFinishedRunIsAWarning(@TempDir Path dir) {
        Path out = dir.resolve("run");
        TasksCommandTest.Run r = TasksCommandTest.run("train", "--task", "broken/close-fails", "--agent", "random",
                "--steps", "40", "--eval-every", "20", "--eval-episodes", "1", "--out", out.toString(),
                "--progress", "log");
        assertThat(r.exit()).as(r.err()).isZero();
        // the warning goes to stderr: stdout is the run's own lines
        assertThat(r.out()).contains("done: 40 steps").doesNotContain("warning");
        assertThat(r.err()).contains("warning: closing the run's training envs failed (what the run saved in " + out
                + " is whole): ").contains("broken/close-fails").contains("double free");
        assertThat(CheckpointFolder.open(out.resolve("checkpoint")).step()).isEqualTo(40);
    }

    /** A worker that dies mid-run: the command's user is told what to run, not the bridge's advice to make an env. */
    @Test
    void aRunWhoseWorkerDiedSaysToRunTheCommandAgainInItsOwnWords(@TempDir Path dir) {
        Path out = dir.resolve("run");
        TasksCommandTest.Run r = trainUntilItFails("pytesting/dying", out);
        assertThat(r.err()).contains("died during step").contains("(exit code 3)")
                .contains("a new worker starts when the command runs again")
                .doesNotContain(WorkerFailedException.NEW_WORKER_ADVICE)
                .contains("the same command with --resume --out " + out + " goes on from it");
    }

    /**
     * Trains a random agent on {@code task} (a test task that fails on the way, after the checkpoint of step 0)
     * into {@code out}, expecting it to fail; a task of the pytesting domain is skipped without its venv.
     */
    private static TasksCommandTest.Run trainUntilItFails(String task, Path out) {
        if (task.startsWith("pytesting/")) {
            PythonTestingProvider.assumeSetUp();
        }
        TasksCommandTest.Run r = TasksCommandTest.run("train", "--task", task, "--agent", "random", "--steps", "1000",
                "--eval-every", "500", "--eval-episodes", "1", "--out", out.toString(), "--progress", "log");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        return r;
    }

    /** The same for offline training: its evaluation env fails as a dead worker does, on its third evaluation. */
    @Test
    void anOfflineRunFailedByTheMachineryTellsHowToResume(@TempDir Path dir) {
        Path data = dir.resolve("data");
        TasksCommandTest.Run collected = TasksCommandTest.run("collect", "--tasks", "broken/dies", "--episodes", "2",
                "--workers", "1", "--out", data.toString());
        assertThat(collected.exit()).as(collected.err()).isZero();
        Path out = dir.resolve("run");
        TasksCommandTest.Run r = TasksCommandTest.run("train", "--data", data.toString(), "--preset", "cpu",
                "--set-param", "batch_size=4", "--steps", "4", "--eval-every", "2", "--eval-episodes", "1",
                "--out", out.toString(), "--progress", "log");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("machinery died").contains("the run's last checkpoint is kept in "
                + out.resolve("checkpoint") + ": the same command with --resume --out " + out + " goes on from it");
        assertThat(CheckpointFolder.open(out.resolve("checkpoint")).step()).isEqualTo(2);
    }

    /** The same for offline training, whose evaluation env is the one that fails to close. */
    @Test
    void anOfflineRunsEnvThatFailsToCloseIsAWarning(@TempDir Path dir) {
        Path data = dir.resolve("data");
        // its episodes are written before the env closes (collect's exit status after that is not this test's)
        TasksCommandTest.run("collect", "--tasks", "broken/close-fails", "--episodes", "2", "--workers", "1", "--out",
                data.toString());
        Path out = dir.resolve("run");
        TasksCommandTest.Run r = TasksCommandTest.run("train", "--data", data.toString(), "--preset", "cpu",
                "--set-param", "batch_size=4", "--steps", "4", "--eval-every", "2", "--eval-episodes", "1",
                "--out", out.toString(), "--progress", "log");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("warning");
        assertThat(r.err()).contains("warning: closing the run's evaluation envs failed (what the run saved in "
                + out + " is whole): ").contains("double free");
        assertThat(CheckpointFolder.open(out.resolve("checkpoint")).step()).isEqualTo(4);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aTimeLimitEndsTheRunAtAnEpisodeEndWithALastEvaluation(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        // 0.0001 minutes: over as soon as the first episode (200 steps of Pendulum-v1) has ended
        TasksCommandTest.Run r = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--steps", "100000", "--eval-every", "50000", "--eval-episodes", "1", "--time-limit", "0.0001",
                "--out", run.toString(), "--progress", "log");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("time limit of 0.0 min reached at step 200").contains("done: 200 steps");
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(row -> row.cell(0)).containsExactly("0", "200");
        assertThat(CsvLog.read(run.resolve("train.csv"))).hasSize(1);
        assertThat(run.resolve("checkpoint").resolve(RunFolder.STATE)).exists();

        TasksCommandTest.Run bad = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--time-limit", "-1", "--out", dir.resolve("bad").toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("time_limit (--time-limit, minutes of wall time) must be positive");
    }

    @Test
    void stepsEndTheRunAtExactlyThatManyStepsEvenMidEpisode(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        // Pendulum-v1 episodes are 200 steps: 300 ends the run in the middle of the second one
        TasksCommandTest.Run r = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--steps", "300", "--eval-every", "1000", "--eval-episodes", "1", "--out", run.toString(),
                "--progress", "log");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("done: 300 steps").doesNotContain("ETA -");
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(row -> row.cell(0)).containsExactly("0", "300");
        assertThat(CsvLog.read(run.resolve("train.csv"))).extracting(row -> row.cell(0)).containsExactly("200");
    }

    @Test
    void theRandomAgentRefusesAnUnknownDeviceAsTdmpc2Does(@TempDir Path dir) {
        for (String agent : new String[] {"random", "tdmpc2"}) {
            TasksCommandTest.Run r = TasksCommandTest.run("train", "--task", "classic/pendulum", "--agent", agent,
                    "--preset", "cpu", "--steps", "400", "--device", "tpu", "--out", dir.resolve(agent).toString());
            assertThat(r.exit()).as(agent + ": " + r.out()).isEqualTo(2);
            assertThat(r.err()).as(agent).contains("device must be cpu, gpu, gpu:N").contains("not 'tpu'");
            assertThat(r.out()).as(agent).doesNotContain("done:");
        }
    }

    @Test
    void wrongChoicesAreClearErrors(@TempDir Path dir) {
        TasksCommandTest.Run both = TasksCommandTest.run("train", "--task", "pendulum-v1", "--set", "mt30");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("choose one of --task ID, --tasks ID,... or --set NAME (online)");
        TasksCommandTest.Run nothing = TasksCommandTest.run("train", "--steps", "10");
        assertThat(nothing.err()).contains("choose --task ID, --tasks ID,... or --set NAME (online)");
        TasksCommandTest.Run noEnvs = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--envs", "0", "--out", dir.resolve("zero").toString());
        assertThat(noEnvs.err()).contains("'envs' (--envs) must be positive, got 0");
        // a count no machine steps: refused before a run folder is made (it stalled making 100000 envs)
        Path tooMany = dir.resolve("many");
        TasksCommandTest.Run manyEnvs = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--envs", "100000", "--out", tooMany.toString());
        assertThat(manyEnvs.exit()).isEqualTo(2);
        assertThat(manyEnvs.err()).contains("'envs' (--envs) is 100000").contains("give --envs 1024 or fewer");
        assertThat(tooMany).doesNotExist();
        // episodes shorter than the horizon: the agent's typed advice at the first step, not "update threw ..."
        TasksCommandTest.Run horizon = TasksCommandTest.run("train", "--task", "pendulum-v1", "--preset", "cpu",
                "--set-param", "horizon=300", "--steps", "400", "--eval-episodes", "1", "--out",
                dir.resolve("horizon").toString(), "--progress", "log");
        assertThat(horizon.exit()).isEqualTo(2);
        assertThat(horizon.err()).contains("horizon=300 is longer than the episodes of classic/pendulum (200 steps)")
                .contains("--set-param horizon=200 or less").doesNotContain("threw");
        TasksCommandTest.Run typo = TasksCommandTest.run("train", "--task", "pendulum-v2", "--agent", "random",
                "--out", dir.toString());
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).contains("unknown task 'pendulum-v2'").contains("gymnasium/Pendulum-v1");
        TasksCommandTest.Run noRun = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--resume", "--out", dir.resolve("none").toString());
        assertThat(noRun.err()).contains("has no checkpoint to resume from");
    }

    /**
     * A run's checkpoint folder (or a folder in it) given as the folder a command writes into is refused, as
     * export --out there is: a file in it would make the checkpoint fail its check. Before, collect --out and
     * train --out RUN/checkpoint wrote their dataset or run into it, after which eval and --resume of the run refused
     * "RUN/checkpoint/dataset.json is not in the checkpoint's manifest.properties". --resume --out given the
     * checkpoint folder names the run's folder to resume.
     */
    @Test
    void aRunsCheckpointFolderIsNoFolderToWriteInto(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.Run first = TasksCommandTest.run("train", "--task", "classic/pendulum", "--agent", "random",
                "--steps", "10", "--eval-every", "1000", "--eval-episodes", "1", "--out", run.toString(),
                "--progress", "log");
        assertThat(first.exit()).as(first.err()).isZero();
        Path checkpoint = run.resolve("checkpoint");
        List<String> files;
        try (Stream<Path> s = Files.list(checkpoint)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        String[][] writers = {
            {"collect", "--tasks", "classic/pendulum", "--episodes", "1", "--out", checkpoint.toString()},
            {"collect", "--tasks", "classic/pendulum", "--episodes", "1", "--out", checkpoint.resolve("data")
                .toString()},
            {"train", "--task", "classic/pendulum", "--agent", "random", "--steps", "10", "--out",
                checkpoint.toString()},
            {"import-data", dir.resolve("chunk_0.pt").toString(), "--set", "mt30", "--out", checkpoint.toString()},
            {"bench", "--tasks", "classic/pendulum", "--agent", "random", "--steps", "10", "--out",
                checkpoint.toString()}};
        for (String[] args : writers) {
            TasksCommandTest.Run r = TasksCommandTest.run(args);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).contains("the checkpoint folder " + checkpoint
                    + (args[args.length - 1].equals(checkpoint.toString()) ? " of the run in " + run : ": a file"))
                    .contains("Write it outside the checkpoint folder").doesNotContain("Exception");
        }
        try (Stream<Path> s = Files.list(checkpoint)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(files);
        }
        assertThat(CheckpointFolder.open(checkpoint).step()).isEqualTo(10);
        TasksCommandTest.Run resume = TasksCommandTest.run("train", "--resume", "--out", checkpoint.toString(),
                "--steps", "20");
        assertThat(resume.exit()).isEqualTo(2);
        assertThat(resume.err()).contains(checkpoint + " has no checkpoint to resume from (no checkpoint/ folder); it "
                + "is the checkpoint folder of the run in " + run + ": resume that with --out " + run);
    }

    @Test
    void fewerEnvsThanTasksAreRaisedToOnePerTaskAndRecordedAsUsed(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.Run r = TasksCommandTest.run("train", "--tasks", "classic/pendulum,dmc/cartpole-balance",
                "--envs", "1", "--agent", "random", "--steps", "10", "--eval-every", "1000", "--eval-episodes", "1",
                "--out", run.toString(), "--progress", "log");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        // a list of tasks is said as how many (the run's name, "multitask", is not a task)
        assertThat(r.out()).contains("training random on 2 tasks for 10 steps with 2 envs")
                .doesNotContain("on multitask");
        assertThat(Files.readAllLines(run.resolve("config.yaml"))).as("the count used, not the 1 given")
                .contains("envs: 2").doesNotContain("envs: 1");
    }

    @Test
    void multitaskOnlineTrainingActsOnNativeAndBridgeTasksInOneBatch(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        // a native task and a Meta-World task through the bridge, one row each, the TD-MPC2 agent planning for both
        // in one batch and learning once the seed steps are done (small settings: a test of the path, not of
        // learning)
        TasksCommandTest.Run r = TasksCommandTest.run("train", "--tasks", "classic/pendulum,metaworld/reach",
                "--envs", "2", "--preset", "cpu", "--set-param", "seed_steps=90", "--set-param", "update_every=10",
                "--set-param", "batch_size=8", "--set-param", "num_samples=16", "--set-param", "iterations=1",
                "--set-param", "num_elites=4", "--set-param", "num_pi_trajs=2", "--steps", "420",
                "--eval-every", "5000", "--eval-episodes", "1", "--out", run.toString(), "--progress", "log");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("with 2 envs").contains("done: 420 steps").contains("eval at step 420");
        List<CsvLog.Row> perTask = CsvLog.read(run.resolve("eval-tasks.csv"));
        assertThat(perTask).extracting(row -> row.cell(0) + " " + row.cell(1)).containsExactly(
                "0 classic/pendulum", "0 metaworld/reach", "420 classic/pendulum", "420 metaworld/reach");
        for (CsvLog.Row row : perTask) {
            assertThat(Double.parseDouble(row.cell(2))).as(row.cell(1)).isFinite();
            assertThat(row.cell(5)).as("random return beside " + row.cell(1)).isNotEmpty();
        }
        assertThat(perTask.get(1).cell(3)).as("Meta-World's success rate").isNotEmpty();
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(row -> row.cell(0)).containsExactly("0", "420");
        // 2 rows x 210 steps (a row sits out one step to reset after an episode): Meta-World's 100-step episodes
        // ended twice, pendulum's 200-step one once
        assertThat(CsvLog.read(run.resolve("train.csv"))).extracting(row -> row.cell(6) + " " + row.cell(3))
                .containsExactlyInAnyOrder("metaworld/reach 100", "metaworld/reach 100", "classic/pendulum 200");
        assertThat(Files.readString(run.resolve("config.yaml"))).contains("envs: 2")
                .contains("classic/pendulum,metaworld/reach");
        assertThat(run.resolve("curves")).isDirectoryContaining("glob:**/classic_pendulum.png")
                .isDirectoryContaining("glob:**/metaworld_reach.png");
        assertThat(run.resolve("checkpoint").resolve(RunFolder.STATE)).exists();
    }

    /**
     * An agent plug-in whose writeState writes a file under a name the run keeps for its own file in the checkpoint
     * is refused, saying so, no checkpoint saved: the run's trainer.properties and task-revisions.properties replaced
     * the agent's file without a word (its state lost), and its manifest.properties failed the save with "already
     * exists", said of the disk.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"trainer.properties", "task-revisions.properties",
        "dataset-episodes.csv", "manifest.properties"})
    void anAgentFileUnderANameTheCheckpointKeepsIsRefused(String name, @TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.withAgentPlugin(dir.resolve("named.jar"), NamedFileAgentProvider.class, () -> {
            TasksCommandTest.Run r = TasksCommandTest.run("train", "--task", "classic/pendulum", "--agent", "named",
                    "--set-param", "file=" + name, "--steps", "200", "--eval-every", "200", "--eval-episodes", "1",
                    "--out", run.toString(), "--progress", "log");
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("error: cannot write the checkpoint " + run.resolve("checkpoint") + ": ")
                    .contains("a file named " + name + ", ")
                    .contains("writeState gives its files other names")
                    .doesNotContain("already exists").doesNotContain("the same command starts it again");
            assertThat(run.resolve("checkpoint")).doesNotExist();
            // another name is the agent's own
            Path other = dir.resolve("other");
            TasksCommandTest.Run ok = TasksCommandTest.run("train", "--task", "classic/pendulum", "--agent", "named",
                    "--set-param", "file=named.properties", "--steps", "200", "--eval-every", "200",
                    "--eval-episodes", "1", "--out", other.toString(), "--progress", "log");
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(other.resolve("checkpoint/named.properties")).hasContent("the agent's own");
        });
    }

    /** An agent plug-in of the tests: the random agent, whose writeState also writes the file {@code file=NAME}. */
    public static final class NamedFileAgentProvider implements io.github.tdmpc2j.spi.agent.AgentProvider {
        @Override
        public String name() {
            return "named";
        }

        @Override
        public io.github.tdmpc2j.spi.agent.Agent create(io.github.tdmpc2j.spi.agent.AgentContext context) {
            String file = context.params().get("file");
            return new RandomDelegate(context) {
                @Override
                public void writeState(Path d) throws IOException {
                    super.writeState(d);
                    Files.writeString(d.resolve(file), "the agent's own");
                }
            };
        }
    }
}
