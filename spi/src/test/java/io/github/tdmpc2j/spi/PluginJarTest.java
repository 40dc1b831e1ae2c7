package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plug-in contract, end to end: a task suite compiled separately against the spi alone, packed into a
 * jar with a META-INF/services entry, is found and run by the registry once the jar is on a class path, with
 * no change to the framework.
 */
class PluginJarTest {
    @Test
    void aJarOnTheClassPathAddsItsTasks(@TempDir Path dir) throws Exception {
        Path jar = buildPluginJar(dir);

        try (EnvRegistry without = EnvRegistry.discover(PluginJarTest.class.getClassLoader())) {
            assertThat(without.provider("coin")).isEmpty();
            assertThatThrownBy(() -> without.make("coin/guess")).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("No installed plug-in has the domain 'coin'")
                    .hasMessageContaining("put its jar on the class path");
        }

        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                PluginJarTest.class.getClassLoader());
                EnvRegistry with = EnvRegistry.discover(loader)) {
            assertThat(with.provider("coin")).isPresent();
            assertThat(with.list()).extracting(TaskSpec::id).contains("coin/guess");
            try (Env env = with.make("coin-guess")) {
                env.reset(2); // even seed: the coin shows +1
                StepResult wrong = env.step(new float[] {-0.5f});
                assertThat(wrong.reward()).isZero();
                StepResult right = env.step(new float[] {0.5f});
                assertThat(right.reward()).isEqualTo(1.0);
                assertThat(right.terminated()).isTrue();
                assertThat(right.success()).contains(true);
            }
        }
    }

    /** Compiles the coin fixture against the spi classes and packs it with its service file. */
    static Path buildPluginJar(Path dir) throws IOException {
        Path classes = compileFixtures(dir, "CoinProvider.java");
        return packJar(dir.resolve("coin-plugin.jar"), classes, "org/example/coin", "org.example.coin.CoinProvider\n");
    }

    /**
     * Compiles fixture sources from {@code src/test/resources/plugin-fixture} (each in its {@code package}'s
     * folder) against the spi classes alone; returns the classes folder.
     */
    static Path compileFixtures(Path dir, String... fixtures) throws IOException {
        List<String> args = new ArrayList<>();
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        String spiClasses = Path.of(toUri(EnvProvider.class.getProtectionDomain().getCodeSource().getLocation()))
                .toString();
        args.addAll(List.of("-classpath", spiClasses, "-d", classes.toString()));
        for (String fixture : fixtures) {
            String text;
            try (InputStream in = PluginJarTest.class.getResourceAsStream("/plugin-fixture/" + fixture)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String pkg = text.substring(text.indexOf("package ") + "package ".length(), text.indexOf(';'));
            Path src = dir.resolve("src").resolve(pkg.replace('.', '/')).resolve(fixture);
            Files.createDirectories(src.getParent());
            Files.writeString(src, text);
            args.add(src.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK compiler (run the tests on a JDK, not a JRE)").isNotNull();
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        assertThat(rc).as("fixtures compile").isZero();
        return classes;
    }

    /**
     * A jar of the classes under {@code packageFolder} (none when null) and a service file with this text
     * (none when null).
     */
    static Path packJar(Path jar, Path classes, String packageFolder, String serviceFile) throws IOException {
        return packJar(jar, classes, packageFolder, EnvProvider.class, serviceFile);
    }

    /** As {@link #packJar(Path, Path, String, String)}, with the service file of another service. */
    static Path packJar(Path jar, Path classes, String packageFolder, Class<?> service, String serviceFile)
            throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out)) {
            if (serviceFile != null) {
                jos.putNextEntry(new JarEntry("META-INF/services/" + service.getName()));
                jos.write(serviceFile.getBytes(StandardCharsets.UTF_8));
                jos.closeEntry();
            }
            if (packageFolder != null) {
                try (Stream<Path> files = Files.walk(classes.resolve(packageFolder))) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        jos.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                        jos.write(Files.readAllBytes(f));
                        jos.closeEntry();
                    }
                }
            }
        }
        return jar;
    }

    private static java.net.URI toUri(URL url) {
        try {
            return url.toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

}
