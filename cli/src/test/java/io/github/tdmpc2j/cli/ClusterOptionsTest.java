package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --spark-conf of each command: its help and its checks name the tdmpc2j settings that command uses alone. */
class ClusterOptionsTest {
    /**
     * eval's and collect's help described spark.tdmpc2j.runFolderWaitTimeout (the options' shared text), which only
     * bench uses.
     */
    @Test
    void eachCommandsHelpNamesTheTdmpc2jSettingsItUses() {
        for (String command : new String[] {"eval", "collect"}) {
            TasksCommandTest.Run r = TasksCommandTest.run(command, "--help");
            assertThat(r.exit()).isZero();
            String help = flat(r.out());
            assertThat(help).as(command).contains("spark.tdmpc2j.executorWaitTimeout (how long units may wait")
                    .doesNotContain("runFolderWaitTimeout");
        }
        TasksCommandTest.Run bench = TasksCommandTest.run("bench", "--help");
        assertThat(flat(bench.out()))
                .contains("spark.tdmpc2j.executorWaitTimeout (how long units may wait")
                .contains("spark.tdmpc2j.runFolderWaitTimeout (how long a bench unit run again waits");
    }

    /** Help text on one line, as picocli wraps it (after a dot too). */
    private static String flat(String help) {
        return help.replaceAll("\\s+", " ").replaceAll("\\. (?=[a-z])", ".");
    }

    /** collect took bench's setting and ran without it doing anything. */
    @Test
    void anotherCommandsSettingIsRefused(@TempDir java.nio.file.Path dir) {
        TasksCommandTest.Run r = TasksCommandTest.run("collect", "--tasks", "dmc/cartpole-balance", "--episodes", "1",
                "--out", dir.resolve("data").toString(), "--master", "local[1]", "--spark-conf",
                "spark.tdmpc2j.runFolderWaitTimeout=1h");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: --spark-conf spark.tdmpc2j.runFolderWaitTimeout does nothing in "
                + "collect");
        assertThat(dir.resolve("data")).doesNotExist();
    }
}
