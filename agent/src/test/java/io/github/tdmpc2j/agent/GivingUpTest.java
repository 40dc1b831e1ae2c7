package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.GivingUp;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TD-MPC2 agent's making (its weights drawn: tens of seconds for the 317M model on a CPU) and a checkpoint's
 * reading are given up for a stop between tensors ({@link GivingUp}), so that Ctrl-C on a command that gets ready
 * ends it at once. Before: both ran to their end whatever came.
 */
class GivingUpTest {
    /** A stop asked from its {@code n}th question on (unless asks once before the work). */
    private static BooleanSupplier askedFrom(int n) {
        AtomicInteger asked = new AtomicInteger();
        return () -> asked.incrementAndGet() >= n;
    }

    @Test
    void makingTheModelIsGivenUp() {
        assertThat(GivingUp.unless(askedFrom(3), () -> new TdmpcAgent(AgentTestSupport.single(5, 2,
                TdmpcAgentTest.SMALL)))).isEmpty();
        // made whole where nothing stops it
        GivingUp.unless(() -> false, () -> new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL)))
                .orElseThrow().close();
    }

    @Test
    void readingACheckpointIsGivenUp(@TempDir Path dir) {
        Path checkpoint = dir.resolve("checkpoint");
        try (TdmpcAgent a = new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL));
                TdmpcAgent b = new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL))) {
            a.save(checkpoint);
            // past the checksums (a check per file): given up in the reading of the weights
            assertThat(GivingUp.unless(askedFrom(8), () -> b.readState(checkpoint))).isFalse();
            assertThat(GivingUp.unless(() -> false, () -> b.load(checkpoint))).isTrue();
        }
    }
}
