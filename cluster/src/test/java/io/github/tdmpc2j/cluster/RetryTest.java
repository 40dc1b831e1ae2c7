package io.github.tdmpc2j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.UnknownTaskException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which failures Spark retries: a unit that failed by accident runs again, a unit whose input is wrong (a typed
 * error) does not, and the job reports its message while the other units' results still arrive.
 */
class RetryTest {
    @Test
    @Timeout(120)
    void aTypedErrorIsNotRetriedAnAccidentIs(@TempDir Path dir) {
        String attempts = dir.resolve("attempts").toString();
        Map<Integer, String> results = new ConcurrentHashMap<>();
        UnitFunction<Integer, String> function = unit -> {
            Path log = Path.of(attempts + "-" + unit);
            Files.writeString(log, "x", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            int attempt = Files.readString(log).length();
            if (unit == 1) {
                throw new UnknownTaskException("no task 'dmc/nothing'; run tdmpc2j tasks list", List.of());
            }
            if (unit == 2 && attempt == 1) {
                throw new IllegalStateException("an accident on the first attempt");
            }
            return "unit " + unit + " attempt " + attempt;
        };
        ClusterSettings settings = new ClusterSettings("local-cluster[1,1,1024]", false, 0,
                DistributedCollectTest.LOOPBACK);
        assertThatThrownBy(() -> UnitRunner.run(settings, "retry", List.of(0, 1, 2), function,
                (i, unit, r) -> results.put(unit, r)))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("unit 1 (on " + UnitRunner.hostName() + "): no task 'dmc/nothing'; run tdmpc2j "
                        + "tasks list")
                .hasMessageContaining("UnknownTaskException").hasMessageContaining("not retried");
        assertThat(results).containsEntry(0, "unit 0 attempt 1").containsEntry(2, "unit 2 attempt 2");
        assertThat(dir.resolve("attempts-1")).hasContent("x");
    }
}
