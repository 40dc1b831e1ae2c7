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
import java.util.Map;
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

    /**
     * A worker whose env is stuck holding the GIL cannot run its own watch threads: its watchdog process ends it, and
     * the process its env started that detached from it (re-parented away, no longer its descendant).
     */
    @Test
    void aWorkerStuckInAStepEndsWhenItsJvmIsKilledWithWhatItsEnvStarted() throws Exception {
        TestVenvs.testing();
        Path mark = WorkerFailureTest.stepMark();
        Process jvm = startProbe("stuck", Map.of(), List.of("-D" + OrphanProbe.STEP_MARK + "=" + mark));
        long[] pids = readPids(jvm, "WORKER_PID ", "DETACHED_PID ");
        // the probe's step is in flight, holding the GIL: what the worker's own watch threads cannot end
        WorkerFailureTest.awaitStepStarted(mark);
        assertThat(isRunning(pids[0])).isTrue();
        assertThat(isRunning(pids[1])).isTrue();
        jvm.destroyForcibly();
        jvm.waitFor(10, TimeUnit.SECONDS);
        assertThat(waitUntilGone(pids[0], 10_000)).as("worker %d still running 10 s after its JVM was killed", pids[0])
                .isTrue();
        assertThat(waitUntilGone(pids[1], 5_000)).as("detached process %d still running after its worker ended",
                pids[1]).isTrue();
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
        return startProbe(mode, Map.of(), List.of());
    }

    static Process startProbe(String mode, Map<String, String> environment, List<String> jvmOptions)
            throws IOException {
        return probe(mode, environment, jvmOptions).start();
    }

    /**
     * A child JVM to run {@link OrphanProbe} in {@code mode}, with {@code environment} added to this JVM's and
     * {@code jvmOptions}.
     */
    static ProcessBuilder probe(String mode, Map<String, String> environment, List<String> jvmOptions) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        String venvs = System.getProperty("tdmpc2j.venvs");
        if (venvs != null) {
            command.add("-Dtdmpc2j.venvs=" + venvs);
        }
        command.addAll(jvmOptions); // after: a -D given twice takes the last value
        command.add(OrphanProbe.class.getName());
        command.add(mode);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return builder;
    }

    private static long readWorkerPid(Process jvm) throws IOException {
        return readPids(jvm, "WORKER_PID ")[0];
    }

    /** The pids on the probe's lines starting with {@code prefixes}, in that order; its later lines are read away. */
    private static long[] readPids(Process jvm, String... prefixes) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        long[] pids = new long[prefixes.length];
        int found = 0;
        String line;
        while (found < prefixes.length && (line = out.readLine()) != null) {
            if (line.startsWith(prefixes[found])) {
                pids[found] = Long.parseLong(line.substring(prefixes[found].length()).strip());
                found++;
            } else {
                seen.add(line);
            }
        }
        if (found < prefixes.length) {
            throw new AssertionError("the probe JVM ended without printing " + prefixes[found] + ":\n"
                    + String.join("\n", seen));
        }
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
        drain.setDaemon(true);
        drain.start();
        return pids;
    }

    static boolean waitUntilGone(long pid, long millis) throws InterruptedException {
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
