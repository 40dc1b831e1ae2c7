package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @Test
    void trainsEvaluatesCheckpointsAndResumes(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.Run r = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--steps", "1000", "--eval-every", "400", "--eval-episodes", "2", "--out", run.toString(),
                "--progress", "log", "--set-param", "note=first");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("random policy: mean return").contains("eval at step 400")
                .contains("done: 1000 steps");
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(row -> row[0])
                .containsExactly("0", "400", "800", "1000");
        assertThat(CsvLog.read(run.resolve("train.csv"))).hasSize(5);
        assertThat(Files.size(run.resolve("curve.png"))).isGreaterThan(1000);
        assertThat(Files.readString(run.resolve("config.yaml"))).contains("task: classic/pendulum")
                .contains("note: first").contains("steps: 1000");
        assertThat(run.resolve("checkpoint").resolve(RunFolder.STATE)).exists();
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
        List<String[]> evals = CsvLog.read(run.resolve("eval.csv"));
        assertThat(evals).extracting(row -> row[0]).containsExactly("0", "400", "800", "1000", "1200", "1400");
        assertThat(CsvLog.read(run.resolve("train.csv"))).hasSize(7);
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
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(row -> row[0]).containsExactly("0", "200");
        assertThat(CsvLog.read(run.resolve("train.csv"))).hasSize(1);
        assertThat(run.resolve("checkpoint").resolve(RunFolder.STATE)).exists();

        TasksCommandTest.Run bad = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--time-limit", "-1", "--out", dir.resolve("bad").toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("time_limit (minutes of wall time) must be positive");
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
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(row -> row[0]).containsExactly("0", "300");
        assertThat(CsvLog.read(run.resolve("train.csv"))).extracting(row -> row[0]).containsExactly("200");
    }

    @Test
    void wrongChoicesAreClearErrors(@TempDir Path dir) {
        TasksCommandTest.Run both = TasksCommandTest.run("train", "--task", "pendulum-v1", "--set", "mt30");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("choose --task ID (online) or --data DIR [--set NAME] (offline), not both");
        TasksCommandTest.Run noData = TasksCommandTest.run("train", "--set", "mt30");
        assertThat(noData.err()).contains("needs --data DIR");
        TasksCommandTest.Run typo = TasksCommandTest.run("train", "--task", "pendulum-v2", "--agent", "random",
                "--out", dir.toString());
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).contains("unknown task 'pendulum-v2'").contains("pendulum-v1");
        TasksCommandTest.Run noRun = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--resume", "--out", dir.resolve("none").toString());
        assertThat(noRun.err()).contains("has no checkpoint to resume from");
    }
}
