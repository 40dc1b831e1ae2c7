package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.data.DatasetReader;
import io.github.tdmpc2j.mujoco.MjModel;
import io.github.tdmpc2j.spi.EnvProvider;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "How to add a task plug-in" for a task on native MuJoCo, followed as a third party follows it
 * without Maven: the sources and resources under {@code src/test/resources/mujoco-plugin} (a user's project: a
 * block on a rail, its MJCF in the jar) compiled with {@code javac} against the spi and mujoco classes alone, the
 * resources copied into {@code classes/}, packed with {@code jar cf}, and the jar put on TDMPC2J_PLUGINS: the
 * command line lists the task, checks it (one random episode through the standard wrappers, its [-2, 2] control
 * range rescaled) and collects an episode of it.
 */
class MujocoPluginJarTest {
    @Test
    void aNativeMujocoPluginBuiltAsTheReadmeSaysIsListedCheckedAndCollected(@TempDir Path dir) throws Exception {
        Path project = dir.resolve("slide");
        copyTree(Path.of(MujocoPluginJarTest.class.getResource("/mujoco-plugin").toURI()), project);

        String howTo = Files.readString(Path.of("..", "README.md"));
        assertThat(howTo).as("the README's steps this test follows")
                .contains("javac --release 17 -cp $T/spi/target/tdmpc2j-spi-0.1.0-SNAPSHOT.jar -d classes "
                        + "$(find src -name '*.java')")
                .contains("add\n   `$T/bridges/mujoco/target/tdmpc2j-mujoco-0.1.0-SNAPSHOT.jar` to `javac -cp`")
                .contains("`cp -r src/main/resources/. classes/`, then `jar cf your-plugin.jar -C classes .`");

        // step 1, without Maven: javac --release 17 -cp SPI:MUJOCO -d classes $(find src -name '*.java')
        Path classes = Files.createDirectories(project.resolve("classes"));
        List<String> javac = new ArrayList<>(List.of("--release", "17", "-cp",
                location(EnvProvider.class) + File.pathSeparator + location(MjModel.class),
                "-d", classes.toString()));
        try (Stream<Path> files = Files.walk(project.resolve("src"))) {
            files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).forEach(javac::add);
        }
        tool("javac", javac);
        // the service file of step 4 and the MJCF go into classes/, then: jar cf your-plugin.jar -C classes .
        copyTree(project.resolve("src/main/resources"), classes);
        Path jar = project.resolve("slide-plugin.jar");
        tool("jar", List.of("cf", jar.toString(), "-C", classes.toString(), "."));

        // step 5: export TDMPC2J_PLUGINS=path/to/your-plugin.jar
        List<String> warnings = new ArrayList<>();
        ClassLoader plugins = Main.pluginClassLoader(jar.toString(), MujocoPluginJarTest.class.getClassLoader(),
                warnings::add);
        assertThat(warnings).isEmpty();
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(plugins);
        try {
            TasksCommandTest.Run list = TasksCommandTest.run("tasks", "list", "--domain", "slide");
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).containsPattern("slide/center\\s+slide\\s+2\\s+1\\s+50\\s+2\\s+1\\s+ready")
                    .contains("domain slide").contains("a block on a rail");

            TasksCommandTest.Run check = TasksCommandTest.run("tasks", "check", "--domain", "slide");
            assertThat(check.exit()).as(check.out() + check.err()).isZero();
            assertThat(check.out()).contains("1 passed, 0 failed");

            Path data = dir.resolve("data");
            TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks", "slide-center", "--episodes",
                    "1", "--out", data.toString(), "--workers", "1");
            assertThat(collect.exit()).as(collect.err()).isZero();
            assertThat(new DatasetReader(data).readAll()).singleElement()
                    .satisfies(e -> assertThat(e.actions()).hasNumberOfRows(50));
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    /** Runs a JDK tool (javac, jar) as its command line would, failing with what it printed. */
    private static void tool(String name, List<String> args) {
        ToolProvider tool = ToolProvider.findFirst(name).orElseThrow(() -> new AssertionError(
                "the JDK's " + name + " tool (run the tests on a JDK, not a JRE)"));
        StringWriter printed = new StringWriter();
        PrintWriter out = new PrintWriter(printed);
        int rc = tool.run(out, out, args.toArray(String[]::new));
        out.flush();
        assertThat(rc).as(name + " " + String.join(" ", args) + "\n" + printed).isZero();
    }

    /** The jar, or class folder, a class of the project is loaded from. */
    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
