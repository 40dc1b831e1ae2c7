package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A venv that running workers use is not deleted under them: setup refuses, naming their processes, and a worker
 * does not start on a venv that setup is making again. The venv here is a throw-away one ({@code gym}) that reaches
 * the gymnasium venv's packages through a {@code .pth} file, so that a real worker runs on it.
 */
class VenvInUseTest {
    private static final Requirements NOTHING = new Requirements("gym", "# no packages\n".getBytes());

    /** A venv at {@code root/gym} whose python is the gymnasium venv's interpreter and sees its packages. */
    static WorkerConfig throwAwayVenv(Path root) throws IOException {
        return throwAwayVenv(root, "gym");
    }

    /** As {@link #throwAwayVenv(Path)}, at {@code root/name}, for a worker of domain {@code name}. */
    static WorkerConfig throwAwayVenv(Path root, String name) throws IOException {
        WorkerConfig testing = TestVenvs.testing();
        Path real = testing.python().getParent().getParent();
        Path venv = root.resolve(name);
        Files.createDirectories(venv.resolve("bin"));
        Files.copy(real.resolve("pyvenv.cfg"), venv.resolve("pyvenv.cfg"));
        Files.createSymbolicLink(venv.resolve("bin/python"), testing.python().toRealPath());
        Path realPackages;
        try (Stream<Path> lib = Files.list(real.resolve("lib"))) {
            realPackages = lib.map(p -> p.resolve("site-packages")).filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path packages = Files.createDirectories(venv.resolve("lib").resolve(realPackages.getParent().getFileName())
                .resolve("site-packages"));
        Files.writeString(packages.resolve("gymnasium-venv.pth"), realPackages.toRealPath() + "\n");
        return new WorkerConfig(name, testing.suites(), venv.resolve("bin/python"), testing.startupTimeout(),
                testing.callTimeout(), testing.environment());
    }

    @Test
    void setupForceRefusesAVenvARunningWorkerUsesUntilTheWorkerEnds(@TempDir Path root) throws Exception {
        WorkerConfig config = throwAwayVenv(root);
        PythonSetup setup = new PythonSetup(new VenvLayout(root), "python3");
        try (PythonWorker worker = PythonWorker.start(config)) {
            assertThat(worker.ping()).contains("py4j");
            assertThatThrownBy(() -> setup.remake(NOTHING)).isInstanceOf(SetupException.class)
                    .hasMessageContaining("the Python environment " + root.resolve("gym") + " is in use by pid "
                            + ProcessHandle.current().pid())
                    .hasMessageContaining("this process").hasMessageContaining("stop that process, or wait for it "
                            + "to end, then run `tdmpc2j setup gym --force` again");
            // a plain setup of the venv (its marker is missing: not ready) would delete it as well
            assertThatThrownBy(() -> setup.ensure(NOTHING)).isInstanceOf(SetupException.class)
                    .hasMessageContaining("is in use by").hasMessageContaining("`tdmpc2j setup gym` again");
            assertThat(root.resolve("gym/pyvenv.cfg")).exists();
            assertThat(worker.ping()).contains("py4j"); // its imports still work: nothing was deleted
        }
        PythonSetup.Report remade = setup.remake(NOTHING);
        assertThat(remade.installed()).isTrue();
        assertThat(new VenvLayout(root).isReady("gym", NOTHING.sha256())).isTrue();
    }

    @Test
    void setupNamesAnotherProcessThatUsesTheVenv(@TempDir Path root) throws Exception {
        throwAwayVenv(root);
        Process holder = lock(root.resolve("gym.in-use"), "LOCK_SH");
        try {
            assertThatThrownBy(() -> new PythonSetup(new VenvLayout(root), "/bin/false").remake(NOTHING))
                    .isInstanceOf(SetupException.class)
                    .hasMessageContaining("is in use by pid " + holder.pid() + " (python")
                    .hasMessageNotContaining("this process");
            assertThat(root.resolve("gym/pyvenv.cfg")).exists();
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
    }

    @Test
    void aWorkerDoesNotStartOnAVenvThatSetupIsMakingAgain(@TempDir Path root) throws Exception {
        WorkerConfig config = throwAwayVenv(root);
        Process setup = lock(root.resolve("gym.in-use"), "LOCK_EX");
        try {
            assertThatThrownBy(() -> PythonWorker.start(config)).isInstanceOf(WorkerFailedException.class)
                    .hasMessageContaining("the Python environment " + root.resolve("gym") + " is being made again")
                    .hasMessageContaining("pid " + setup.pid()).hasMessageContaining("wait for it to finish");
        } finally {
            setup.destroyForcibly();
            setup.waitFor();
        }
        // a setup in this JVM: refused without opening the file again (which would drop the setup's lock)
        try (InUse.Exclusive inThisJvm = InUse.tryExclusive(root.resolve("gym.in-use"))) {
            assertThat(inThisJvm).isNotNull();
            assertThatThrownBy(() -> PythonWorker.start(config)).isInstanceOf(WorkerFailedException.class)
                    .hasMessageContaining("is being made again").hasMessageContaining("this process");
            assertThat(InUse.tryExclusive(root.resolve("gym.in-use"))).isNull();
            assertThat(tryLock(root.resolve("gym.in-use"))).as("still locked for other processes").isEqualTo("held");
        }
        try (PythonWorker worker = PythonWorker.start(config)) {
            assertThat(worker.ping()).contains("py4j");
            assertThat(tryLock(root.resolve("gym.in-use"))).isEqualTo("held");
        }
        assertThat(tryLock(root.resolve("gym.in-use"))).as("released when the worker ended").isEqualTo("free");
    }

    @Test
    void aWorkerThatFailsToStartLeavesItsVenvFree(@TempDir Path root) throws Exception {
        WorkerConfig config = throwAwayVenv(root);
        assertThatThrownBy(() -> PythonWorker.start(config, "not-the-token")).isInstanceOf(WorkerFailedException.class);
        assertThat(tryLock(root.resolve("gym.in-use"))).isEqualTo("free");
    }

    /**
     * {@code scripts/setup.d/40-python-venvs.sh}, which makes the venvs without Java, honours the same locks: it does
     * not delete a venv (here one without its marker, which it would make again) while a JVM's worker runs on it,
     * and says which process uses it and what to do.
     */
    @Test
    void theSetupScriptRefusesAVenvARunningWorkerUses(@TempDir Path root) throws Exception {
        WorkerConfig config = throwAwayVenv(root, "gymnasium");
        try (PythonWorker worker = PythonWorker.start(config)) {
            Process script = setupScript(root, "gymnasium");
            String said = new String(script.getInputStream().readAllBytes());
            assertThat(script.waitFor()).as(said).isEqualTo(75);
            assertThat(said).contains("python venv gymnasium: " + root.resolve("gymnasium") + " is in use by pid "
                    + ProcessHandle.current().pid() + " (java)").contains("stop that process, or wait for it to end, "
                    + "then run " + SETUP_SCRIPT + " again").doesNotContain("making");
            assertThat(root.resolve("gymnasium/pyvenv.cfg")).exists();
            assertThat(worker.ping()).contains("py4j");
        }
    }

    /**
     * The script waits for a setup of the venv in progress (which holds {@code DOMAIN.lock}, as {@link PythonSetup}
     * does), and then leaves the venv that setup made.
     */
    @Test
    void theSetupScriptWaitsForASetupInProgressAndKeepsTheVenvItMade(@TempDir Path root) throws Exception {
        throwAwayVenv(root, "gymnasium");
        Process setup = lock(root.resolve("gymnasium.lock"), "LOCK_EX");
        Process script;
        try {
            script = setupScript(root, "gymnasium");
            byte[] waiting = script.getInputStream().readNBytes(("python venv gymnasium: waiting for another setup of "
                    + "it (pid " + setup.pid()).length());
            assertThat(new String(waiting)).isEqualTo("python venv gymnasium: waiting for another setup of it (pid "
                    + setup.pid());
            Files.writeString(root.resolve("gymnasium/.tdmpc2j-ready"), Requirements.of("gymnasium").sha256() + "\n");
        } finally {
            setup.destroyForcibly();
            setup.waitFor();
        }
        String said = new String(script.getInputStream().readAllBytes());
        assertThat(script.waitFor()).as(said).isZero();
        assertThat(said).contains("python venv gymnasium: ready, made meanwhile by another setup");
        assertThat(root.resolve("gymnasium/pyvenv.cfg")).exists();
        assertThat(new VenvLayout(root).isReady("gymnasium", Requirements.of("gymnasium").sha256())).isTrue();
    }

    private static final Path SETUP_SCRIPT = Path.of("../../scripts/setup.d/40-python-venvs.sh").toAbsolutePath()
            .normalize();

    /** The setup script run for {@code domain} on the venvs at {@code root}; its stdout and stderr in one stream. */
    private static Process setupScript(Path root, String domain) throws IOException {
        assertThat(SETUP_SCRIPT).isRegularFile();
        ProcessBuilder builder = new ProcessBuilder("bash", SETUP_SCRIPT.toString(), domain).redirectErrorStream(true);
        builder.environment().put("TDMPC2J_VENVS", root.toString());
        return builder.start();
    }

    /** Whether another process can take {@code file} exclusively now: "free" or "held". */
    static String tryLock(Path file) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import fcntl, sys\n"
                + "f = open(sys.argv[1], 'a+')\n"
                + "try:\n    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')\n"
                + "except OSError:\n    print('held')", file.toString()).redirectErrorStream(true).start();
        return new String(p.getInputStream().readAllBytes()).strip();
    }

    /** Another process holding a POSIX lock ({@code fcntl.LOCK_SH} or {@code LOCK_EX}) on {@code file}. */
    static Process lock(Path file, String kind) throws IOException {
        String script = String.join("\n", "import fcntl, sys, time",
                "f = open(sys.argv[1], 'a+')",
                "fcntl.lockf(f, fcntl." + kind + ")",
                "print('locked', flush=True)",
                "time.sleep(600)");
        Process p = new ProcessBuilder("python3", "-c", script, file.toString()).redirectErrorStream(true).start();
        assertThat(new String(p.getInputStream().readNBytes(7))).isEqualTo("locked\n");
        return p;
    }
}
