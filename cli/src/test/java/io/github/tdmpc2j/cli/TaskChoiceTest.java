package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskChoiceTest {
    /**
     * A task --tasks names twice, as itself or by an alias, is refused as --set a,a is, before anything is made:
     * train, collect and bench made it one task, silently (a run of --tasks a,a was named and recorded as a run of
     * a alone), and eval now takes --tasks the same way.
     */
    @Test
    void aTaskNamedTwiceInTasksIsRefusedByEveryCommandBeforeAnythingIsMade(@TempDir Path dir) throws Exception {
        List<String[]> commands = List.of(
                new String[] {"train", "--agent", "random", "--steps", "10", "--out", dir.resolve("train").toString()},
                new String[] {"collect", "--episodes", "1", "--out", dir.resolve("collect").toString()},
                new String[] {"bench", "--agent", "random", "--steps", "10", "--out", dir.resolve("bench").toString()},
                new String[] {"eval", "--checkpoint", dir.resolve("checkpoint").toString()});
        for (String[] command : commands) {
            for (String tasks : List.of("classic/pendulum,classic/pendulum", "classic/pendulum,pendulum-v1")) {
                TasksCommandTest.Run r = TasksCommandTest.run(CollectCommandTest.concat(command, "--tasks", tasks));
                assertThat(r.exit()).as(command[0] + " --tasks " + tasks + ": " + r.out() + r.err()).isEqualTo(2);
                assertThat(r.err()).as(command[0]).contains("--tasks " + tasks + " names classic/pendulum twice (an "
                        + "alias counts as the task it names); give each task once");
            }
        }
        try (var made = Files.list(dir)) {
            assertThat(made).as("nothing made").isEmpty();
        }
    }

    /**
     * --set and --tasks together are refused by collect and bench, before anything is made, as train and eval refuse
     * them: collect and bench took both, a task in both silently made one.
     */
    @Test
    void aSetAndTasksTogetherAreRefusedBeforeAnythingIsMade(@TempDir Path dir) throws Exception {
        List<String[]> commands = List.of(
                new String[] {"collect", "--episodes", "1", "--out", dir.resolve("collect").toString()},
                new String[] {"bench", "--agent", "random", "--steps", "10", "--out", dir.resolve("bench").toString()});
        for (String[] command : commands) {
            TasksCommandTest.Run r = TasksCommandTest.run(CollectCommandTest.concat(command, "--set",
                    "classic/pendulum", "--tasks", "classic/pendulum"));
            assertThat(r.exit()).as(command[0] + ": " + r.out() + r.err()).isEqualTo(2);
            assertThat(r.err()).as(command[0]).contains("choose one of --tasks A,B,... or --set NAME, not both");
        }
        try (var made = Files.list(dir)) {
            assertThat(made).as("nothing made").isEmpty();
        }
    }
}
