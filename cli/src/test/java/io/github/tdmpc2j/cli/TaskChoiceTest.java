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
     * A task list with an empty name in it (a comma at its end, at its start, two in a row) is refused by every
     * command that takes one, --set's list of ids too, before anything is made: train, collect, bench and tasks
     * check dropped a comma at the end and ran on the tasks before it, silently.
     */
    @Test
    void aTaskListWithAnEmptyNameIsRefusedByEveryCommandBeforeAnythingIsMade(@TempDir Path dir) throws Exception {
        List<String[]> commands = List.of(
                new String[] {"train", "--agent", "random", "--steps", "10", "--out", dir.resolve("train").toString()},
                new String[] {"collect", "--episodes", "1", "--out", dir.resolve("collect").toString()},
                new String[] {"bench", "--agent", "random", "--steps", "10", "--out", dir.resolve("bench").toString()},
                new String[] {"eval", "--checkpoint", dir.resolve("checkpoint").toString()},
                new String[] {"tasks", "check"});
        List<List<String>> lists = List.of(List.of("classic/pendulum,", "a comma at its end"),
                List.of(",classic/pendulum", "a comma at its start"),
                List.of("classic/pendulum,,dmc/cartpole-balance", "two commas in a row"));
        for (String[] command : commands) {
            String option = command[0].equals("tasks") ? "--task" : "--tasks";
            for (List<String> list : lists) {
                TasksCommandTest.Run r = TasksCommandTest.run(CollectCommandTest.concat(command, option,
                        list.get(0)));
                assertThat(r.exit()).as(command[0] + " " + list.get(0) + ": " + r.out() + r.err()).isEqualTo(2);
                assertThat(r.err()).as(command[0]).contains(option + " " + list.get(0) + " names an empty task ("
                        + list.get(1) + "): give task ids or aliases separated by single commas");
            }
            TasksCommandTest.Run set = TasksCommandTest.run(CollectCommandTest.concat(command, "--set",
                    "classic/pendulum,"));
            assertThat(set.exit()).as(command[0] + " --set: " + set.out() + set.err()).isEqualTo(2);
            assertThat(set.err()).as(command[0]).contains("the task list 'classic/pendulum,' names an empty task "
                    + "(a comma at its end)");
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
            assertThat(r.err()).as(command[0]).contains("choose one of --tasks ID,... or --set NAME, not both");
        }
        try (var made = Files.list(dir)) {
            assertThat(made).as("nothing made").isEmpty();
        }
    }
}
