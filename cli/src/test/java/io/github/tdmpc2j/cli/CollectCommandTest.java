package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.data.DatasetReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
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
