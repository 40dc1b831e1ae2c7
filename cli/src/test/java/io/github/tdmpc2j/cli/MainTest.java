package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    @Test
    void everySubcommandTakesHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.newCommandLine(), new ArrayList<>(), paths);
        assertThat(paths).extracting(p -> String.join(" ", p))
                .contains("tasks", "tasks list", "tasks check", "train", "eval", "collect", "bench", "setup", "agents");
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            TasksCommandTest.Run r = TasksCommandTest.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(args + ": " + r.err()).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: tdmpc2j " + String.join(" ", path))
                    .contains("-h, --help");
        }
    }

    @Test
    void setupTakesTorchOnlyForTheGpuRuntime() {
        TasksCommandTest.Run r = TasksCommandTest.run("setup", "dmc", "--torch", "/tmp");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--torch is for `setup gpu`");
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> paths) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> path = new ArrayList<>(prefix);
                path.add(name);
                paths.add(path);
                collect(sub, path, paths);
            }
        });
    }
}
