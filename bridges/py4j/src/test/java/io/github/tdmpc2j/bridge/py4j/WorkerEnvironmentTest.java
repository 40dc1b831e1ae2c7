package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What of the user's environment reaches a worker: its venv is what it runs on, whatever the user's shell holds. */
class WorkerEnvironmentTest {
    /**
     * A JVM started from a shell whose PYTHONHOME and PYTHONPATH are set for another Python (here a home that does not
     * exist and a numpy that cannot load) starts its workers on their venvs alone.
     */
    @Test
    void pythonHomeAndPathOfTheUsersShellDoNotReachTheWorker(@TempDir Path dir) throws Exception {
        TestVenvs.testing();
        Files.createDirectories(dir.resolve("numpy"));
        Files.writeString(dir.resolve("numpy/__init__.py"), "raise ImportError('the numpy of another Python')\n");
        Process jvm = NoOrphanTest.startProbe("step", Map.of("PYTHONHOME", dir.resolve("no-such-home").toString(),
                "PYTHONPATH", dir.toString()), List.of());
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("STEPPED [1.0, 5.0]");
        assertThat(jvm.exitValue()).isZero();
    }

    /**
     * A JVM run from a folder holding Python files named as modules the worker imports (a user's {@code numpy.py} or
     * {@code random.py}): the worker does not import them, as {@code python -m} would from its working folder.
     */
    @Test
    void pythonFilesInTheWorkingFolderDoNotShadowTheVenvs(@TempDir Path dir) throws Exception {
        TestVenvs.testing();
        for (String module : List.of("numpy", "random", "py4j")) {
            Files.writeString(dir.resolve(module + ".py"), "raise ImportError('the " + module + ".py of the folder')\n");
        }
        Process jvm = NoOrphanTest.probe("step", Map.of(), List.of()).directory(dir.toFile()).start();
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("STEPPED [1.0, 5.0]");
        assertThat(jvm.exitValue()).isZero();
    }

    /** A venv and a home (where the worker is unpacked, its PYTHONPATH) whose paths hold spaces and non-ASCII letters. */
    @Test
    void venvAndHomeOnPathsWithSpacesAndNonAsciiLetters(@TempDir Path dir) throws Exception {
        TestVenvs.testing();
        Path venvs = Files.createSymbolicLink(dir.resolve("vénvs ü"), VenvLayout.fromEnvironment().root());
        Path home = Files.createDirectories(dir.resolve("hôme ä"));
        Process jvm = NoOrphanTest.startProbe("step", Map.of(), List.of("-D" + VenvLayout.ROOT_PROPERTY + "=" + venvs,
                "-Duser.home=" + home));
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("STEPPED [1.0, 5.0]").contains("PYTHON " + venvs.resolve("gymnasium/bin/python"));
        assertThat(jvm.exitValue()).isZero();
        assertThat(home.resolve(".cache/tdmpc2j/worker")).isDirectory();
    }

    /** Three JVMs of one user starting workers on one venv at once, the first to unpack the worker among them. */
    @Test
    void jvmsSharingAVenvAndAFreshWorkerCacheStartTogether(@TempDir Path home) throws Exception {
        TestVenvs.testing();
        List<Process> jvms = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            jvms.add(NoOrphanTest.startProbe("step", Map.of(), List.of("-Duser.home=" + home,
                    "-D" + VenvLayout.ROOT_PROPERTY + "=" + VenvLayout.fromEnvironment().root())));
        }
        for (Process jvm : jvms) {
            String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains("STEPPED [1.0, 5.0]");
            assertThat(jvm.exitValue()).isZero();
        }
        try (var unpacked = Files.list(home.resolve(".cache/tdmpc2j/worker"))) {
            // one unpacked worker and the lock file its workers hold it with, no folder left half made
            List<String> names = unpacked.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).hasSize(2);
            assertThat(names.get(1)).isEqualTo(names.get(0) + WorkerSources.IN_USE);
        }
    }
}
