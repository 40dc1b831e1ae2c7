package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The base of the Python plug-ins: its batched envs, made in its worker, given up for a stop. */
class RemoteEnvProviderTest {
    private static final TaskSpec SLOW = new TaskSpec("testing/slow", List.of(), Box.unbounded(3), Box.of(1, -1, 1),
            10, 1, SuccessMetric.RETURN, false);

    /** The bridge's testing suite as a plug-in (in the gymnasium venv), with its env 'slow'. */
    private static final class Testing extends RemoteEnvProvider {
        Testing() {
            super("testing", "gymnasium", "testing");
        }

        @Override
        public List<TaskSpec> tasks() {
            return List.of(SLOW);
        }
    }

    /**
     * The 'sleep' processes the worker started: one per 'slow' env made with child=1, ended by its close (the
     * watchdog's own sleeps are its children, not the worker's).
     */
    private static long sleepers(Testing plugin) {
        return ProcessHandle.of(plugin.worker().peek().pid()).orElseThrow().children()
                .filter(p -> p.info().command().orElse("").endsWith("/sleep")).count();
    }

    /**
     * A stop asked for while the rows' envs are made (a command's Ctrl-C: a suite's env can take seconds to make)
     * is heard before the next row's env: the envs made are closed and the answer is empty (all rows were made).
     */
    @Test
    void aStopIsHeardOnceTheWorkerStartedAndBeforeEachRowsEnvAndClosesTheEnvsMade() {
        TestVenvs.assumeReady("gymnasium");
        List<EnvOptions> options = new ArrayList<>();
        for (int j = 0; j < 3; j++) {
            options.add(new EnvOptions(j, Map.of("child", "1", "seconds", "0")));
        }
        AtomicInteger asked = new AtomicInteger();
        AtomicLong sleepersAtStop = new AtomicLong(-1);
        try (Testing plugin = new Testing()) {
            Optional<VectorEnv> made = plugin.createVector(List.of(SLOW, SLOW, SLOW), options, () -> {
                if (asked.incrementAndGet() < 2) {
                    return false;
                }
                sleepersAtStop.set(sleepers(plugin)); // the first row's env is there
                return true;
            });
            assertThat(made).isEmpty();
            assertThat(asked).hasValue(2); // once the worker started, then before the second row's env
            assertThat(sleepersAtStop).hasValue(1);
            assertThat(sleepers(plugin)).isZero();
        }
    }
    /**
     * A stop asked while a row's env is made (ManiSkill's take seconds; here 'make_seconds' of 5) gives the making up
     * once it has run two seconds ({@link PythonWorker#STOP_GRACE_MS}): the worker, whose call cannot be cut short
     * otherwise, is killed, the answer is empty, and the plug-in's next envs are made in a new worker. Before: the
     * env was made to its end, the stop heard after it.
     */
    @Test
    void aStopWhileARowsEnvIsMadeKillsTheWorkerAndTheNextEnvsStartANewOne() {
        TestVenvs.assumeReady("gymnasium");
        List<EnvOptions> slow = List.of(new EnvOptions(0, Map.of("make_seconds", "5", "seconds", "0")),
                new EnvOptions(1, Map.of("make_seconds", "5", "seconds", "0")));
        try (Testing plugin = new Testing()) {
            long pid = plugin.worker().get().pid();
            long start = System.nanoTime();
            Optional<VectorEnv> made = plugin.createVector(List.of(SLOW, SLOW), slow,
                    () -> System.nanoTime() - start > 1_000_000_000L);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(made).isEmpty();
            assertThat(seconds).as("the first env's making given up, not run to its end").isLessThan(4);
            assertThat(plugin.worker().peek()).isNull();
            // SIGKILL is sent, not waited for: the process is gone moments later (a failure here if not within 5 s)
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join());
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
            try (VectorEnv next = plugin.createVector(List.of(SLOW), List.of(new EnvOptions(2, Map.of("seconds",
                    "0"))), () -> false).orElseThrow()) {
                assertThat(next.numEnvs()).isEqualTo(1);
                assertThat(plugin.worker().peek().pid()).isNotEqualTo(pid);
            }
        }
    }
}
