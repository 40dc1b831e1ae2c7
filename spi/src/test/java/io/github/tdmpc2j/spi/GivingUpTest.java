package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Long work a command does while it gets ready is given up at its next check once a stop is asked. */
class GivingUpTest {
    /** A stop asked from its {@code n}th question on. */
    static BooleanSupplier askedFrom(int n) {
        AtomicInteger asked = new AtomicInteger();
        return () -> asked.incrementAndGet() >= n;
    }

    @Test
    void theWorkStopsAtItsFirstCheckAfterTheStopAndNowhereElse() {
        List<String> done = new ArrayList<>();
        // asked once before the work, then at each check: the third question is the second check
        assertThat(GivingUp.unless(askedFrom(3), () -> {
            GivingUp.check();
            done.add("first");
            GivingUp.check();
            done.add("second");
            return "ended";
        })).isEmpty();
        assertThat(done).containsExactly("first");
        assertThat(GivingUp.unless(() -> false, () -> "ended")).contains("ended");
        assertThat(GivingUp.unless(() -> true, () -> {
            done.add("not begun");
        })).isFalse();
        assertThat(done).containsExactly("first");
        GivingUp.check(); // outside unless: nothing to stop
    }

    @Test
    void anInnerUnlessHeedsTheOuterStopAndLeavesItInPlace() {
        boolean[] outer = {false};
        assertThat(GivingUp.unless(() -> outer[0], () -> {
            outer[0] = true;
            assertThat(GivingUp.unless(() -> false, GivingUp::check)).isFalse();
            GivingUp.check(); // still the outer's
            return "ended";
        })).isEmpty();
    }

    /**
     * Checking a checkpoint's files (hashing a large model's weights: seconds) is given up for a stop. Before: the
     * whole checkpoint was hashed whatever came.
     */
    @Test
    void checkingACheckpointIsGivenUp(@TempDir Path dir) {
        TaskSpace space = TaskSpace.of(List.of(LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1)));
        Path checkpoint = dir.resolve("checkpoint");
        try (Agent random = Agents.find("random").create(AgentContext.of(space, Map.of(), 7))) {
            random.save(checkpoint);
        }
        assertThat(GivingUp.unless(askedFrom(2), () -> CheckpointFolder.open(checkpoint))).isEmpty();
        assertThat(GivingUp.unless(() -> false, () -> CheckpointFolder.open(checkpoint))).isPresent();
    }
}
