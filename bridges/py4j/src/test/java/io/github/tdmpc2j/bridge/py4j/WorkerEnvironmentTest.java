package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
                "PYTHONPATH", dir.toString()));
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("STEPPED [1.0, 5.0]");
        assertThat(jvm.exitValue()).isZero();
    }
}
