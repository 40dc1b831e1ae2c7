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
     * The task plug-in's {@code pom.xml} block, which a project outside this checkout copies: it names this build's
     * spi (its version), in {@code provided} scope, and the compiler plug-in this build uses, compiling for the
     * release this build does (Maven 3.8's default compiler plug-in ignores {@code maven.compiler.release} and
     * compiles for Java 5, which a JDK 17 refuses).
     */
    @Test
    void thePluginPomBlockNamesThisSpiAndACompilerPluginThatCompilesForJava17() throws Exception {
        Matcher m = Pattern.compile("(?ms)^( *)```xml\\n(.*?)^\\1```").matcher(Files.readString(README));
        assertThat(m.find()).as("the README's pom.xml block of a task plug-in").isTrue();
        String indent = m.group(1);
        String block = m.group(2).replaceAll("(?m)^" + indent, "");
        assertThat(m.find()).as("one xml block").isFalse();
        javax.xml.parsers.DocumentBuilder xml = javax.xml.parsers.DocumentBuilderFactory.newInstance()
                .newDocumentBuilder();
        org.w3c.dom.Document pom = xml.parse(new org.xml.sax.InputSource(new java.io.StringReader(
                "<project>" + block + "</project>")));
        org.w3c.dom.Document parent = xml.parse(Path.of("..", "pom.xml").toFile());
        javax.xml.xpath.XPath path = javax.xml.xpath.XPathFactory.newInstance().newXPath();
        String spi = "/project/dependencies/dependency[artifactId='tdmpc2j-spi']";
        assertThat(path.evaluate(spi + "/groupId", pom)).isEqualTo("io.github.tdmpc2j");
        assertThat(path.evaluate(spi + "/version", pom)).isEqualTo(path.evaluate("/project/version", parent));
        assertThat(path.evaluate(spi + "/scope", pom)).isEqualTo("provided");
        assertThat(path.evaluate("count(/project/dependencies/dependency)", pom)).as("the spi only").isEqualTo("1");
        String compiler = "/project/build/plugins/plugin[artifactId='maven-compiler-plugin']";
        assertThat(path.evaluate(compiler + "/version", pom))
                .isEqualTo(path.evaluate("/project/properties/compiler.plugin.version", parent));
        assertThat(path.evaluate(compiler + "/configuration/release", pom))
                .isEqualTo(path.evaluate("/project/properties/maven.compiler.release", parent)).isEqualTo("17");
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
