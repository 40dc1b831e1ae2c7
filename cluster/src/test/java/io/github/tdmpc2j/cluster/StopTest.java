package io.github.tdmpc2j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.data.DatasetPolicy;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.GivingUp;
import io.github.tdmpc2j.spi.UnknownTaskException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.RandomAgent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job stopped while it runs (the first Ctrl-C of the command that runs it, {@link UnitRunner.Stop}): the units
 * that run hear it and end before their next step, no other unit starts, the results of those that finished
 * arrive, and the run returns once the units that ran have ended, cut short.
 */
class StopTest {
    @Test
    @Timeout(120)
    void aStoppedJobEndsItsRunningUnitsStartsNoOtherAndReturnsOnceTheyEnded(@TempDir Path dir) throws Exception {
        String marks = dir.toString();
        // unit 0 ends at once; 1 and 2 take the two slots of the executor (a JVM of its own, which Spark's stop
        // would kill under them) and work in steps until their job stops (a minute at most); 3 waits for a slot
        UnitFunction<Integer, String> function = unit -> {
            Files.createFile(Path.of(marks, "started-" + unit));
            for (int step = 0; unit != 0 && step < 1200; step++) {
                if (UnitRunner.stopRequested()) {
                    Thread.sleep(3000); // its last step, which the run waits for
                    Files.createFile(Path.of(marks, "stopped-" + unit));
                    return "stopped";
                }
                Thread.sleep(50);
            }
            return "done";
        };
        UnitRunner.Stop stop = new UnitRunner.Stop();
        java.util.concurrent.atomic.AtomicLong requested = new java.util.concurrent.atomic.AtomicLong();
        Thread signal = stopOnceAllExist(stop, requested, dir.resolve("started-1"), dir.resolve("started-2"));
        Map<Integer, String> results = new ConcurrentHashMap<>();
        UnitRunner.run(new ClusterSettings("local-cluster[1,2,1024]", false, 0,
                DistributedCollectTest.LOOPBACK), "stop", List.of(0, 1, 2, 3), null, null, function, (i, unit, r) -> results.put(unit, r), stop);
        double seconds = (System.nanoTime() - requested.get()) / 1e9;
        signal.join();
        assertThat(seconds).as("the units stopped before they ran out their minute").isLessThan(40);
        assertThat(stop.cutShort()).isTrue();
        assertThat(results).containsExactly(Map.entry(0, "done"));
        // they had ended when the run returned: what a unit writes is done before its caller goes on
        assertThat(dir.resolve("stopped-1")).exists();
        assertThat(dir.resolve("stopped-2")).exists();
        assertThat(dir.resolve("started-3")).doesNotExist();
    }

    @Test
    @Timeout(120)
    void aUnitThatFailedBeforeTheStopIsTheJobsOutcome(@TempDir Path dir) {
        String marks = dir.toString();
        // local[2]: unit 0 fails with a typed error its input would repeat; unit 1 ends once 0 has failed (its
        // result then reaches the driver after 0's failure, and the handler asks the stop); unit 2 takes 0's slot
        // and works in steps until the stop
        UnitFunction<Integer, String> function = unit -> {
            if (unit == 0) {
                Files.createFile(Path.of(marks, "failed-0"));
                throw new UnknownTaskException("no such task: unit 0's", List.of());
            }
            if (unit == 1) {
                while (!Files.exists(Path.of(marks, "failed-0"))) {
                    Thread.sleep(20);
                }
                Thread.sleep(500);
                return "done";
            }
            for (int step = 0; step < 1200 && !UnitRunner.stopRequested(); step++) {
                Thread.sleep(50);
            }
            return "stopped";
        };
        UnitRunner.Stop stop = new UnitRunner.Stop();
        Map<Integer, String> results = new ConcurrentHashMap<>();
        assertThatThrownBy(() -> UnitRunner.run(new ClusterSettings("local[2]", false, 0, Map.of()), "stop",
                List.of(0, 1, 2), null, null, function, (i, unit, r) -> {
                    results.put(unit, r);
                    stop.request();
                }, stop))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("unit 0")
                .hasMessageContaining("no such task: unit 0's")
                .hasMessageContaining("UnknownTaskException")
                .hasMessageContaining("then the job was stopped");
        assertThat(stop.cutShort()).isTrue();
        assertThat(results).containsExactly(Map.entry(1, "done"));
    }

    @Test
    void aStopBeforeTheJobRunsNothing() {
        UnitRunner.Stop stop = new UnitRunner.Stop();
        stop.request();
        AtomicBoolean ready = new AtomicBoolean();
        for (String master : new String[] {null, "local[2]"}) {
            UnitRunner.run(new ClusterSettings(master, false, 0, Map.of()), "stop", List.of(0, 1),
                    null, () -> ready.set(true), unit -> {
                        throw new IllegalStateException("a unit ran");
                    }, (i, unit, r) -> { }, stop);
            assertThat(stop.cutShort()).as(String.valueOf(master)).isTrue();
            assertThat(ready).as(String.valueOf(master)).isFalse();
        }
    }
    /**
     * An agent plug-in of the tests (listed in this module's test services): the random agent, whose making takes a
     * minute, heeding a stop ({@link GivingUp#check}) every 50 ms as a large model's making does; it marks its
     * start and its end in the folder its setting {@code marks} names.
     */
    public static final class SlowMakingAgentProvider implements AgentProvider {
        @Override
        public String name() {
            return "slow-making";
        }

        @Override
        public Agent create(AgentContext context) {
            Path marks = Path.of(context.params().get("marks"));
            try {
                Files.writeString(marks.resolve("making"), "");
                for (int step = 0; step < 1200; step++) {
                    GivingUp.check();
                    Thread.sleep(50);
                }
                Files.writeString(marks.resolve("made"), "");
            } catch (java.io.IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new RandomAgent(context);
        }
    }

    /**
     * A collection on local[2] stopped while an executor makes its policy (the 317M model's making and checkpoint
     * read take a minute on a CPU): the making is given up, and the run returns within seconds, nothing written.
     * Before: the executor made the whole policy first, the job's cancellation heeded only at the episode's first
     * step.
     */
    @Test
    @Timeout(180)
    void aStoppedCollectionGivesUpThePolicyAnExecutorMakes(@TempDir Path dir) throws Exception {
        Path marks = Files.createDirectories(dir.resolve("marks"));
        UnitRunner.Stop stop = new UnitRunner.Stop();
        java.util.concurrent.atomic.AtomicLong requested = new java.util.concurrent.atomic.AtomicLong();
        Thread signal = stopOnceAllExist(stop, requested, marks.resolve("making"));
        Path out = dir.resolve("dataset");
        DistributedCollect.Job job = new DistributedCollect.Job(List.of("dmc/cartpole-balance"), DatasetPolicy.RANDOM,
                new CollectPolicy("slow-making", null, Map.of("marks", marks.toString())), out.toString(), 1, 3,
                false);
        int written;
        try (EnvRegistry registry = EnvRegistry.discover()) {
            written = DistributedCollect.run(new ClusterSettings("local[2]", false, 0,
                    DistributedCollectTest.LOOPBACK), registry, job, null, stop);
        }
        double seconds = (System.nanoTime() - requested.get()) / 1e9;
        signal.join();
        assertThat(seconds).as("the policy's making given up, not run to its end").isLessThan(20);
        assertThat(marks.resolve("made")).doesNotExist();
        assertThat(written).isZero();
        assertThat(stop.cutShort()).isTrue();
    }

    /**
     * A started thread that requests {@code stop} (as a signal would) once all {@code files} exist, noting the time
     * of the request in {@code requested}.
     */
    private static Thread stopOnceAllExist(UnitRunner.Stop stop, java.util.concurrent.atomic.AtomicLong requested,
            Path... files) {
        Thread signal = new Thread(() -> {
            try {
                while (!java.util.Arrays.stream(files).allMatch(Files::exists)) {
                    Thread.sleep(20);
                }
                requested.set(System.nanoTime());
                stop.request();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        signal.start();
        return signal;
    }
}
