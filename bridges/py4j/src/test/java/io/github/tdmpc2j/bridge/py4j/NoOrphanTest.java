package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** No worker outlives the JVM that started it, however that JVM ends. */
class NoOrphanTest {
    @Test
    void workerEndsWhenItsJvmIsKilled() throws Exception {
        TestVenvs.testing();
        Process jvm = startProbe("hang");
        long workerPid = readWorkerPid(jvm);
        assertThat(isRunning(workerPid)).isTrue();
        jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs, the worker must notice by itself
        jvm.waitFor(10, TimeUnit.SECONDS);
        assertThat(waitUntilGone(workerPid, 10_000)).as("worker %d still running 10 s after its JVM was killed", workerPid)
                .isTrue();
    }

    /** A worker whose env is stuck holding the GIL cannot run its own watch threads: its watchdog process ends it. */
    @Test
    void aWorkerStuckInAStepEndsWhenItsJvmIsKilled() throws Exception {
        TestVenvs.testing();
        Process jvm = startProbe("stuck");
        long workerPid = readWorkerPid(jvm);
        Thread.sleep(1500); // the probe's step is in flight
        assertThat(isRunning(workerPid)).isTrue();
        jvm.destroyForcibly();
        jvm.waitFor(10, TimeUnit.SECONDS);
        assertThat(waitUntilGone(workerPid, 10_000)).as("worker %d still running 10 s after its JVM was killed", workerPid)
                .isTrue();
    }

    @Test
    void jvmThatNeverClosesItsWorkerStillExitsAndTakesTheWorkerAlong() throws Exception {
        TestVenvs.testing();
        Process jvm = startProbe("return");
        long workerPid = readWorkerPid(jvm);
        assertThat(jvm.waitFor(20, TimeUnit.SECONDS)).as("the JVM exits once main returns").isTrue();
        assertThat(waitUntilGone(workerPid, 10_000)).isTrue();
    }

    @Test
    void closingTheSharedWorkerEndsTheProcess() throws Exception {
        SharedWorker shared = new SharedWorker(TestVenvs.testing());
        long pid = shared.get().pid();
        shared.close();
        assertThat(waitUntilGone(pid, 5_000)).isTrue();
        assertThat(LiveWorkers.count()).isZero();
    }

    private static Process startProbe(String mode) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        String venvs = System.getProperty("tdmpc2j.venvs");
        if (venvs != null) {
            command.add("-Dtdmpc2j.venvs=" + venvs);
        }
        command.add(OrphanProbe.class.getName());
        command.add(mode);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static long readWorkerPid(Process jvm) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("WORKER_PID ")) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return Long.parseLong(line.substring("WORKER_PID ".length()).strip());
            }
            seen.add(line);
        }
        throw new AssertionError("the probe JVM ended without starting a worker:\n" + String.join("\n", seen));
    }

    private static boolean waitUntilGone(long pid, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (!isRunning(pid)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Alive and not a zombie: an orphan's zombie waits for whoever adopted it, but runs nothing. */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
