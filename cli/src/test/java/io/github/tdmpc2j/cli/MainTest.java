package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    @Test
    void setupRefusesAnUnknownDomainBeforeMakingAnyEnvironment(@TempDir Path venvs) {
        // a typo after a long install used to fail only once that install was done (or had failed)
        String before = System.getProperty("tdmpc2j.venvs");
        String python = System.getProperty("tdmpc2j.python");
        System.setProperty("tdmpc2j.venvs", venvs.toString());
        System.setProperty("tdmpc2j.python", venvs.resolve("no-python-here").toString());
        try {
            TasksCommandTest.Run r = TasksCommandTest.run("setup", "gymnasium", "metaworl");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("no Python requirements for the domain 'metaworl'").contains("metaworld")
                    .doesNotContain("no-python-here");
            assertThat(venvs).isEmptyDirectory();
        } finally {
            restore("tdmpc2j.venvs", before);
            restore("tdmpc2j.python", python);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
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
