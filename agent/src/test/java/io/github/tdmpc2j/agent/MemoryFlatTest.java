package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.agent.Transition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Native memory stays flat over many acts and updates: every per-call NDArray is freed with its scope. */
class MemoryFlatTest {
    private static final long BOUND_MB = 64;

    @Test
    void residentMemoryIsFlatOver2000ActsAnd500Updates() throws IOException {
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
            System.gc();
            long before = residentKb();
            int arrays = agent.store().manager().getManagedArrays().size();
            for (int i = 0; i < 2000; i++) {
                agent.act(obs, 0, i % 2 == 0);
                if (i % 4 == 0) {
                    agent.update();
                }
            }
            System.gc();
            long after = residentKb();
            System.out.printf("RSS %d MB -> %d MB after 2000 acts and 500 updates (bound +%d MB)%n", before / 1024,
                    after / 1024, BOUND_MB);
            assertThat(agent.store().manager().getManagedArrays().size()).isEqualTo(arrays);
            assertThat(after - before).isLessThan(BOUND_MB * 1024);
        }
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
