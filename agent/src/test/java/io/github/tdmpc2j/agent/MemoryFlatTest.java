package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.agent.Transition;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat over many acts and updates: every per-call NDArray is freed with its scope.
 *
 * <p>Process RSS also moves with things that are not leaks: the Java heap growing or shrinking after the tests that
 * ran before in the same JVM, the JIT's code cache, and malloc keeping freed pages for a while (measured: swings of
 * 140 MB up and back down between two samples). So the test measures native memory as RSS minus the JVM's committed
 * heap and non-heap, samples it after every eighth of the window, and compares the lowest of the last three samples
 * with the lowest of the first three: transient swings only raise single samples, a leak raises every later one. A
 * leak of per-call tensors grows with every call (hundreds of MB per eighth) and would exceed the bound.
 */
class MemoryFlatTest {
    private static final long BOUND_MB = 64;

    @Test
    void nativeMemoryIsFlatOver2000ActsAnd500Updates() throws IOException {
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL))) {
            Random r = new Random(9);
            float[] obs = TdmpcAgentTest.randomObs(r, 5);
            for (int t = 0; t < 300; t++) {
                float[] a = agent.act(obs, 0, false);
                agent.observe(new Transition(0, obs, a, r.nextDouble(), TdmpcAgentTest.randomObs(r, 5), false,
                        t % 100 == 99));
            }
            for (int i = 0; i < 50; i++) {
                agent.update();
                agent.act(obs, 0, i % 2 == 0);
            }
            int arrays = agent.store().manager().getManagedArrays().size();
            List<Long> samples = new ArrayList<>();
            samples.add(nativeKb());
            for (int eighth = 0; eighth < 8; eighth++) {
                for (int i = 0; i < 250; i++) {
                    agent.act(obs, 0, i % 2 == 0);
                    if (i % 4 == 0) {
                        agent.update();
                    }
                }
                samples.add(nativeKb());
            }
            long early = lowest(samples.subList(0, 3));
            long late = lowest(samples.subList(samples.size() - 3, samples.size()));
            System.out.printf("native memory (RSS - JVM committed) by eighth of 2000 acts and 500 updates, MB: %s;"
                    + " lowest of the last three minus lowest of the first three %d MB (bound %d MB)%n",
                    samples.stream().map(kb -> Long.toString(kb / 1024)).toList(), (late - early) / 1024, BOUND_MB);
            assertThat(agent.store().manager().getManagedArrays().size())
                    .as("arrays held by the agent's long-lived manager").isEqualTo(arrays);
            assertThat(late - early).as("native memory growth, KB").isLessThan(BOUND_MB * 1024);
        }
    }

    private static long lowest(List<Long> kb) {
        return kb.stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    /** Resident memory not accounted for by the JVM's committed heap and non-heap areas, in KB. */
    private static long nativeKb() throws IOException {
        System.gc();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long jvmKb = (memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted())
                / 1024;
        return residentKb() - jvmKb;
    }

    private static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
