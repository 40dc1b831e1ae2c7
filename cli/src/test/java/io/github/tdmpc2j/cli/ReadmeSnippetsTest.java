package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.bridge.py4j.VenvLayout;
import io.github.tdmpc2j.spi.EnvRegistry;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code blocks of the top-level README.md run as printed, so that they stay true. */
class ReadmeSnippetsTest {
    private static final Path README = Path.of("..", "README.md");

    /** The README's fenced blocks of one language, in order. */
    static List<String> blocks(String language) throws Exception {
        assertThat(README).as("the project's README (tests run in the module folder)").isRegularFile();
        Matcher m = Pattern.compile("(?ms)^```" + language + "\\n(.*?)^```").matcher(Files.readString(README));
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void thePythonSnippetReadsADatasetThatCollectWrote(@TempDir Path dir) throws Exception {
        Path python = VenvLayout.fromEnvironment().python("dmc");
        Assumptions.assumeTrue(Files.isExecutable(python), "no dmc Python environment at " + python
                + " (./scripts/test makes it)");
        List<String> snippets = blocks("python");
        assertThat(snippets).as("the README's Python blocks").hasSize(1);
        assertThat(snippets.get(0)).contains("\"DIR/dataset.json\"");

        Path data = dir.resolve("data");
        TasksCommandTest.Run r = TasksCommandTest.run("collect", "--tasks", "classic/pendulum",
                "--episodes", "2", "--out", data.toString(), "--workers", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        String script = snippets.get(0).replace("\"DIR/", "\"" + data + "/")
                + "print('read', task['id'], obs.shape, act.shape, rew.shape, done.dtype, cut.dtype, ok.dtype,"
                + " own[0].shape, own[1].shape)\n";
        Path file = dir.resolve("snippet.py");
        Files.writeString(file, script);
        Process p = new ProcessBuilder(python.toString(), file.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.exitValue()).as(printed).isZero();
        // the last file read is classic/pendulum's second episode: 200 steps, observations padded to 3
        assertThat(printed).isEqualTo("read classic/pendulum (201, 3) (200, 1) (200,) bool bool bool (201, 3) (200, 1)");
    }

    @Test
    void theJavaSnippetOfTheEnvironmentApiRuns(@TempDir Path dir) throws Exception {
        List<String> snippets = blocks("java").stream().filter(b -> b.contains("EnvRegistry.discover()"))
                .filter(b -> !b.contains("Evaluation.run")).toList();
        assertThat(snippets).as("the README's environment API block").hasSize(1);
        runSnippet(dir, snippets.get(0));
    }

    @Test
    void theJavaSnippetOfTheRolloutEngineRuns(@TempDir Path dir) throws Exception {
        List<String> snippets = blocks("java").stream().filter(b -> b.contains("Evaluation.run")).toList();
        assertThat(snippets).as("the README's rollout engine block").hasSize(1);
        runSnippet(dir, snippets.get(0));
    }

    /**
     * Compiles the block as a reader uses it, with its own imports only (its {@code import} lines at the top of a
     * class, the rest as a method's body), so that a block missing an import fails, and runs it.
     */
    private static void runSnippet(Path dir, String snippet) throws Exception {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : snippet.split("\n")) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        assertThat(imports).as("the block names its imports").isNotEmpty();
        String source = imports + "public class Snippet {\n    public static void run() {\n" + body + "    }\n}\n";
        Path src = dir.resolve("Snippet.java");
        Files.writeString(src, source);
        String spi = Path.of(EnvRegistry.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK compiler").isNotNull();
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        int status = javac.run(null, null, errors, "-classpath", spi, "-d", dir.toString(), src.toString());
        assertThat(status).as("the snippet compiles against the spi:%n%s", errors.toString(StandardCharsets.UTF_8))
                .isZero();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ReadmeSnippetsTest.class.getClassLoader())) {
            loader.loadClass("Snippet").getMethod("run").invoke(null);
        }
    }
}
