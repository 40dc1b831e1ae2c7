package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.EnvOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Workers that die, are killed, or are handed the wrong token. */
class WorkerFailureTest {
    /**
     * An env whose worker was closed (an EnvRegistry's close closes its plug-ins' workers) says to make the env
     * from an open registry: the advice of a worker that died, that the next env made starts a new one, is not true
     * of a closed registry, which makes no env.
     */
    @Test
    void anEnvOfAClosedWorkerSaysToMakeItFromAnOpenRegistry() {
        PythonWorker worker = PythonWorker.start(TestVenvs.testing());
        RemoteEnv env;
        try {
            env = PythonWorkerTest.counter(worker, 2, 1, Map.of());
            env.reset(0);
        } finally {
            worker.close();
        }
        assertThatThrownBy(() -> env.step(new float[] {0f})).isInstanceOf(WorkerFailedException.class)
                .hasMessageEndingWith(": the worker was closed (an EnvRegistry's close closes its plug-ins' workers), "
                        + "and its envs with it: make the env again from an open EnvRegistry")
                .hasMessageNotContaining(WorkerFailedException.NEW_WORKER_ADVICE);
    }

    @Test
    void killedWorkerFailsTheCallInFlightFastAndTheNextMakeStartsANewOne() throws Exception {
        Path mark = stepMark();
        try (SharedWorker shared = new SharedWorker(TestVenvs.testing())) {
            PythonWorker first = shared.get();
            RemoteEnv env = RemoteEnv.make(first, "testing", "slow", new EnvOptions(0, Map.of("seconds", "60", "mark", mark.toString())),
                    PythonWorkerTest.specNamed("testing/slow"));
            env.reset(0);
            CompletableFuture<Throwable> inFlight = stepInFlight(env);
            awaitStepStarted(mark);
            long t0 = System.nanoTime();
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(first.pid())).inheritIO().start();
            assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
            Throwable failure = inFlight.get(10, TimeUnit.SECONDS);
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
            assertThat(failure).isInstanceOf(WorkerFailedException.class).hasMessageContaining("[gymnasium]")
                    .hasMessageContaining("died during step").hasMessageContaining("tdmpc2j_worker");

            assertThatThrownBy(() -> env.reset(0)).isInstanceOf(WorkerFailedException.class)
                    .hasMessageContaining("the next env made starts a new worker");

            PythonWorker second = shared.get();
            assertThat(second).isNotSameAs(first);
            assertThat(second.pid()).isNotEqualTo(first.pid());
            try (RemoteEnv fresh = PythonWorkerTest.counter(second, 2, 1, Map.of())) {
                assertThat(fresh.reset(7).observation()).containsExactly(0f, 7f);
            }
        }
    }

    /**
     * An env stuck in a step holding Python's GIL (a C extension that hangs) leaves its worker unable to answer
     * anything: closing the env, then its worker, kills the worker and the processes it started after a short grace,
     * rather than waiting the call timeout.
     */
    @Test
    void closingTheEnvOfAHungWorkerKillsItAfterAShortGraceLeavingNothingBehind() throws Exception {
        Path mark = stepMark();
        PythonWorker worker = PythonWorker.start(TestVenvs.testing().withCallTimeout(Duration.ofSeconds(60)));
        try {
            RemoteEnv env = RemoteEnv.make(worker, "testing", "slow", new EnvOptions(0,
                    Map.of("seconds", "600", "hold_gil", "1", "child", "1", "detached", "1", "mark",
                            mark.toString())),
                    PythonWorkerTest.specNamed("testing/slow"));
            long detached = (Long) env.reset(0).info().get("detached_pid");
            List<ProcessHandle> started = new ArrayList<>(
                    ProcessHandle.of(worker.pid()).orElseThrow().descendants().toList());
            assertThat(started).as("the env's child process").isNotEmpty();
            assertThat(started).as("the detached one is no longer the worker's descendant")
                    .noneMatch(p -> p.pid() == detached);
            started.add(ProcessHandle.of(detached).orElseThrow());
            CompletableFuture<Throwable> inFlight = stepInFlight(env);
            awaitStepStarted(mark);
            long t0 = System.nanoTime();
            env.close();
            double closeSeconds = (System.nanoTime() - t0) / 1e9;
            worker.close();
            double allSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("hung worker: env.close() %.2f s, then worker.close() %.2f s in all%n", closeSeconds,
                    allSeconds);
            long answer = PythonWorker.CLOSE_GRACE.plus(PythonWorker.CLOSE_ANSWER).toSeconds();
            assertThat(closeSeconds).isLessThan(answer + 3);
            assertThat(allSeconds).isLessThan(answer + 4);
            assertThat(inFlight.get(10, TimeUnit.SECONDS)).isInstanceOf(WorkerFailedException.class)
                    .hasMessageContaining("was stopped during step testing/slow (did not answer close within "
                            + answer + " s");
            assertThat(ProcessHandle.of(worker.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            long deadline = System.nanoTime() + 5_000_000_000L; // killed, the child is gone once init has reaped it
            while (started.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(started).noneMatch(ProcessHandle::isAlive);
            assertThat(LiveWorkers.count()).isZero();
        } finally {
            worker.close();
        }
    }

    /**
     * Closing an env while a step of it is in flight on another thread (a worker that still answers) waits for the
     * step: Python's close() never runs beside it (two threads in one env, undefined in MuJoCo-based suites; the slow
     * env's step raises when it sees that). The worker stays up for its other envs.
     */
    @Test
    void closingAnEnvWhileItsStepIsInFlightWaitsForTheStep() throws Exception {
        Path mark = stepMark();
        try (PythonWorker worker = PythonWorker.start(TestVenvs.testing())) {
            RemoteEnv env = RemoteEnv.make(worker, "testing", "slow", new EnvOptions(0, Map.of("seconds", "2", "mark", mark.toString())),
                    PythonWorkerTest.specNamed("testing/slow"));
            env.reset(0);
            CompletableFuture<Throwable> inFlight = stepInFlight(env);
            awaitStepStarted(mark);
            double closeSeconds = secondsToClose(env);
            assertThat(inFlight.get(10, TimeUnit.SECONDS)).as("the step in flight").isNull();
            assertThat(closeSeconds).as("close waited for the step").isGreaterThan(1.0)
                    .isLessThan(PythonWorker.CLOSE_GRACE.toSeconds());
            assertThat(worker.isAlive()).isTrue();
            try (RemoteEnv other = PythonWorkerTest.counter(worker, 2, 1, Map.of())) {
                assertThat(other.reset(3).observation()).containsExactly(0f, 3f);
            }
        }
    }

    /**
     * A step that outlasts the close's grace is no hung worker (it answers the close): the close returns after the
     * grace, the step still returns its result, Python closes the env as the step ends (its child process ends
     * then), and the worker and its other envs run on; it killed the worker, failing every env of it.
     */
    @Test
    void closingAnEnvWhoseStepOutlastsTheGraceLeavesItToCloseAfterTheStepAndTheWorkerRunning() throws Exception {
        Path mark = stepMark();
        try (PythonWorker worker = PythonWorker.start(TestVenvs.testing())) {
            RemoteEnv other = PythonWorkerTest.counter(worker, 2, 1, Map.of());
            other.reset(3);
            List<ProcessHandle> before = descendants(worker);
            RemoteEnv env = RemoteEnv.make(worker, "testing", "slow", new EnvOptions(0,
                    Map.of("seconds", "9", "child", "1", "mark", mark.toString())), PythonWorkerTest.specNamed("testing/slow"));
            List<ProcessHandle> started = descendants(worker).stream().filter(p -> !before.contains(p)).toList();
            assertThat(started).as("the env's child process").hasSize(1);
            env.reset(0);
            CompletableFuture<Throwable> inFlight = stepInFlight(env);
            awaitStepStarted(mark);
            double closeSeconds = secondsToClose(env);
            System.out.printf("close of an env whose step outlasts the grace: %.2f s%n", closeSeconds);
            assertThat(closeSeconds).as("close waited the grace for the step, then returned")
                    .isGreaterThan(PythonWorker.CLOSE_GRACE.toSeconds() - 0.5)
                    .isLessThan(PythonWorker.CLOSE_GRACE.plus(PythonWorker.CLOSE_ANSWER).toSeconds());
            assertThat(worker.isAlive()).isTrue();
            assertThat(other.step(new float[] {1f}).observation()).as("another env of the worker, meanwhile")
                    .containsExactly(1f, 3f);
            assertThat(started).as("not closed while its step runs").allMatch(ProcessHandle::isAlive);
            assertThat(inFlight.get(10, TimeUnit.SECONDS)).as("the step in flight").isNull();
            awaitEnded(started);
            assertThat(started).as("closed as its step ended").noneMatch(ProcessHandle::isAlive);
            assertThat(worker.lastOutput()).noneMatch(line -> line.contains("close() ran while"));
            assertThatThrownBy(() -> env.step(new float[] {0f})).hasMessageContaining("was closed");
            assertThat(other.step(new float[] {1f}).observation()).containsExactly(2f, 3f);
        }
    }

    /**
     * The same for a vector env: its envs share one grace (closing each would wait a grace of its own for the one
     * batched step that holds them all).
     */
    @Test
    void closingAVectorEnvWhoseStepOutlastsTheGraceWaitsOneGraceInAll() throws Exception {
        Path mark = stepMark();
        try (PythonWorker worker = PythonWorker.start(TestVenvs.testing())) {
            List<ProcessHandle> before = descendants(worker);
            List<RemoteEnv> envs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                envs.add(RemoteEnv.make(worker, "testing", "slow", new EnvOptions(0,
                        Map.of("seconds", "3", "child", "1", "mark", mark.toString())), PythonWorkerTest.specNamed("testing/slow")));
            }
            List<ProcessHandle> started = descendants(worker).stream().filter(p -> !before.contains(p)).toList();
            assertThat(started).hasSize(3);
            RemoteVectorEnv vector = RemoteVectorEnv.raw(envs);
            vector.reset(0);
            CompletableFuture<Throwable> inFlight = stepInFlight(vector, 3);
            awaitStepStarted(mark);
            double closeSeconds = secondsToClose(vector);
            System.out.printf("close of a vector env whose batched step outlasts the grace: %.2f s%n", closeSeconds);
            assertThat(closeSeconds).isLessThan(PythonWorker.CLOSE_GRACE.plus(PythonWorker.CLOSE_ANSWER).toSeconds());
            assertThat(inFlight.get(15, TimeUnit.SECONDS)).as("the batched step in flight").isNull();
            awaitEnded(started);
            assertThat(started).as("every env closed as the step ended").noneMatch(ProcessHandle::isAlive);
            assertThat(worker.lastOutput()).noneMatch(line -> line.contains("close() ran while"));
            assertThat(worker.isAlive()).isTrue();
        }
    }

    /** The same for a vector env closed while its batched step (one stepMany holding every row's env) is in flight. */
    @Test
    void closingAVectorEnvWhileItsStepIsInFlightWaitsForTheStep() throws Exception {
        Path mark = stepMark();
        try (PythonWorker worker = PythonWorker.start(TestVenvs.testing())) {
            List<RemoteEnv> envs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                envs.add(RemoteEnv.make(worker, "testing", "slow", new EnvOptions(0, Map.of("seconds", "1", "mark", mark.toString())),
                        PythonWorkerTest.specNamed("testing/slow")));
            }
            RemoteVectorEnv vector = RemoteVectorEnv.raw(envs);
            vector.reset(0);
            CompletableFuture<Throwable> inFlight = stepInFlight(vector, 2);
            awaitStepStarted(mark);
            vector.close();
            assertThat(inFlight.get(10, TimeUnit.SECONDS)).as("the batched step in flight").isNull();
            assertThat(worker.lastOutput()).noneMatch(line -> line.contains("close() ran while"));
            assertThat(worker.isAlive()).isTrue();
        }
    }

    /** The same for a worker closed while a step is in flight: its envs are closed after the step, not beside it. */
    @Test
    void closingAWorkerWhileAStepIsInFlightClosesItsEnvsAfterTheStep() throws Exception {
        Path mark = stepMark();
        PythonWorker worker = PythonWorker.start(TestVenvs.testing());
        try {
            RemoteEnv env = RemoteEnv.make(worker, "testing", "slow", new EnvOptions(0, Map.of("seconds", "2", "mark", mark.toString())),
                    PythonWorkerTest.specNamed("testing/slow"));
            env.reset(0);
            CompletableFuture<Throwable> inFlight = stepInFlight(env);
            awaitStepStarted(mark);
            worker.close();
            // the step either answered before the worker ended or failed saying the worker was closed; never a
            // Python error from a close() beside it
            Throwable failure = inFlight.get(10, TimeUnit.SECONDS);
            if (failure != null) {
                assertThat(failure).isInstanceOf(WorkerFailedException.class).hasMessageContaining("it was closed");
            }
            assertThat(worker.lastOutput()).noneMatch(line -> line.contains("close() ran while"));
            assertThat(ProcessHandle.of(worker.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        } finally {
            worker.close();
        }
    }

    /**
     * A process an env started that detached from the worker (re-parented, as a daemonising simulator server or a
     * multiprocessing helper is) is no longer the worker's descendant; closing the worker still ends it.
     */
    @Test
    void closingAWorkerEndsTheProcessesItsEnvsDetached() throws Exception {
        PythonWorker worker = PythonWorker.start(TestVenvs.testing());
        try {
            RemoteEnv env = RemoteEnv.make(worker, "testing", "slow", new EnvOptions(0,
                    Map.of("seconds", "0", "detached", "1")), PythonWorkerTest.specNamed("testing/slow"));
            long detached = (Long) env.reset(0).info().get("detached_pid");
            assertThat(NoOrphanTest.isRunning(detached)).isTrue();
            assertThat(ProcessHandle.of(worker.pid()).orElseThrow().descendants())
                    .noneMatch(p -> p.pid() == detached);
            worker.close();
            assertThat(NoOrphanTest.waitUntilGone(detached, 5_000)).as("detached process %d still running 5 s after"
                    + " its worker was closed", detached).isTrue();
        } finally {
            worker.close();
        }
    }

    @Test
    void ctrlCOrSigtermToTheProcessGroupLeavesTheWorkerToItsJvm() throws Exception {
        // a terminal's Ctrl-C reaches every process of the foreground group, the worker too; train stops
        // gracefully on it and still steps its envs to the end of the step in flight
        TestVenvs.assumeReady("gymnasium");
        try (PythonWorker worker = PythonWorker.start(WorkerConfig.forDomain("gymnasium", List.of("gymnasium")));
                RemoteEnv env = RemoteEnv.make(worker, "gymnasium", "Pendulum-v1", EnvOptions.seeded(0),
                        PythonWorkerTest.specNamed("gymnasium/Pendulum-v1"))) {
            env.reset(1);
            for (String signal : List.of("-INT", "-TERM")) {
                Process kill = new ProcessBuilder("kill", signal, Long.toString(worker.pid())).inheritIO().start();
                assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
                Thread.sleep(1000);
                assertThat(worker.isAlive()).as("worker alive after SIG%s", signal.substring(1)).isTrue();
                assertThat(env.step(new float[] {0.5f}).observation()).hasSize(3);
            }
            assertThat(worker.lastOutput()).noneMatch(line -> line.contains("KeyboardInterrupt"));
        }
    }

    /**
     * The worker takes no notice of SIGINT and SIGTERM, but the processes its envs start do: a suite that ends its
     * helper with terminate() (SIGTERM) does not wait for it forever.
     */
    @Test
    void processesAnEnvStartsEndOnSigterm() throws Exception {
        try (PythonWorker worker = PythonWorker.start(TestVenvs.testing());
                RemoteEnv env = RemoteEnv.make(worker, "testing", "slow", new EnvOptions(0,
                        Map.of("seconds", "0", "child", "1")), PythonWorkerTest.specNamed("testing/slow"))) {
            ProcessHandle child = ProcessHandle.of(worker.pid()).orElseThrow().children()
                    .filter(p -> p.info().command().orElse("").endsWith("sleep")).findFirst().orElseThrow();
            Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).inheritIO().start();
            assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(NoOrphanTest.waitUntilGone(child.pid(), 5_000)).as("the env's child after SIGTERM").isTrue();
            assertThat(worker.isAlive()).isTrue();
        }
    }

    /** A suite that asks on stdin (whether to download its assets, say) gets no answer at once, not a hang. */
    @Test
    void aSuiteThatPromptsOnStdinFailsAtOnce() {
        try (PythonWorker worker = PythonWorker.start(TestVenvs.testing().withCallTimeout(Duration.ofSeconds(10)))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> RemoteEnv.make(worker, "testing", "prompting", EnvOptions.seeded(0),
                    PythonWorkerTest.specNamed("testing/prompting"))).isInstanceOf(PythonException.class)
                    .hasMessageContaining("EOFError");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
            assertThat(worker.isAlive()).isTrue();
        }
    }

    @Test
    void wrongAuthTokenIsRefused() {
        WorkerConfig config = TestVenvs.testing();
        assertThatThrownBy(() -> PythonWorker.start(config, "not-the-token"))
                .isInstanceOf(WorkerFailedException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("before connecting")
                .hasMessageContaining("`tdmpc2j setup gymnasium --force` makes it again")
                .hasMessageContaining("Authentication");
        assertThat(LiveWorkers.count()).isZero();
    }

    @Test
    void aVenvWithoutItsSuitesPackageSaysHowToRemakeIt() {
        // the gymnasium venv lacks metaworld as a metaworld venv damaged after setup would (its marker says ready)
        WorkerConfig config = WorkerConfig.forDomain("gymnasium", List.of("metaworld"));
        TestVenvs.assumeReady("gymnasium");
        try (PythonWorker worker = PythonWorker.start(config)) {
            assertThatThrownBy(() -> RemoteEnv.make(worker, "metaworld", "reach", EnvOptions.seeded(0),
                    PythonWorkerTest.specNamed("metaworld/reach")))
                    .isInstanceOf(PythonException.class)
                    .hasMessageContaining("No module named 'metaworld'")
                    .hasMessageContaining("`tdmpc2j setup gymnasium --force` makes it again");
            assertThat(worker.isAlive()).isTrue();
        }
    }

    @Test
    void missingVenvSaysWhichCommandFixesIt() {
        WorkerConfig config = TestVenvs.testing();
        WorkerConfig missing = new WorkerConfig("nowhere", config.suites(), java.nio.file.Path.of("/nonexistent/bin/python"),
                config.startupTimeout(), config.callTimeout(), Map.of());
        assertThatThrownBy(() -> PythonWorker.start(missing)).isInstanceOf(WorkerFailedException.class)
                .hasMessageContaining("tdmpc2j setup nowhere");
    }

    private static List<ProcessHandle> descendants(PythonWorker worker) {
        return ProcessHandle.of(worker.pid()).orElseThrow().descendants().toList();
    }

    /** How long {@code closeable}'s close took, in seconds. */
    private static double secondsToClose(AutoCloseable closeable) throws Exception {
        long t0 = System.nanoTime();
        closeable.close();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** A path, not yet a file, that a slow test env (option 'mark') appends to as each of its steps begins. */
    static Path stepMark() throws java.io.IOException {
        Path dir = Files.createTempDirectory("tdmpc2j-step-mark");
        dir.toFile().deleteOnExit(); // after the file, which is registered later
        Path mark = dir.resolve("steps");
        mark.toFile().deleteOnExit();
        return mark;
    }

    /** Waits (up to 30 s) until a step of a slow env marked {@code mark} began in its worker. */
    static void awaitStepStarted(Path mark) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(mark)) {
            assertThat(System.nanoTime()).as("a step began within 30 s (%s)", mark).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** A step of {@code env} on another thread; completes with what it threw (null when it returned). */
    private static CompletableFuture<Throwable> stepInFlight(RemoteEnv env) {
        return inFlight(() -> env.step(new float[] {0f}));
    }

    /** A batched step of {@code vector}'s {@code rows} on another thread, as {@link #stepInFlight(RemoteEnv)}. */
    private static CompletableFuture<Throwable> stepInFlight(RemoteVectorEnv vector, int rows) {
        return inFlight(() -> vector.step(new float[rows][1]));
    }

    private static CompletableFuture<Throwable> inFlight(Runnable step) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                step.run();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }

    /** Waits up to 5 s for {@code processes} to end. */
    private static void awaitEnded(List<ProcessHandle> processes) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
