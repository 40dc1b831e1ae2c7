package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.data.DatasetReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectCommandTest {
    @Test
    void collectsAndResumes(@TempDir Path dir) {
        Path out = dir.resolve("data");
        TasksCommandTest.Run r = TasksCommandTest.run("collect", "--tasks", "pendulum-v1", "--episodes", "2",
                "--out", out.toString(), "--workers", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 episodes written (0 were already there)");
        assertThat(new DatasetReader(out).readAll()).hasSize(2);

        TasksCommandTest.Run again = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes", "3",
                "--out", out.toString());
        assertThat(again.out()).contains("1 episodes written (2 were already there)");
    }

    @Test
    void badChoicesAreClearErrors(@TempDir Path dir) {
        TasksCommandTest.Run none = TasksCommandTest.run("collect", "--episodes", "1", "--out", dir.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--tasks ID,... or --set NAME");
        TasksCommandTest.Run badPolicy = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes",
                "1", "--out", dir.toString(), "--policy", dir.resolve("nope").toString(), "--agent", "random");
        assertThat(badPolicy.exit()).isEqualTo(2);
        assertThat(badPolicy.err()).contains("neither 'random' nor a checkpoint folder");
    }
}
