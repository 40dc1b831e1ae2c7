package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A worker that never connects back is stopped after the start-up timeout, with a message that helps. */
class StartupTimeoutTest {
    @Test
    void hungWorkerTimesOutNamingDomainCommandAndLastOutput() throws Exception {
        Path hung = Path.of(StartupTimeoutTest.class.getResource("hung-python.sh").toURI());
        hung.toFile().setExecutable(true);
        WorkerConfig config = new WorkerConfig("hung", List.of("testing"), hung, Duration.ofMillis(1500),
                Duration.ofSeconds(5), Map.of());
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> PythonWorker.start(config)).isInstanceOf(WorkerFailedException.class)
                .hasMessageContaining("[hung]")
                .hasMessageContaining("did not connect within 1.5 s")
                .hasMessageContaining("TDMPC2J_JAVA_OPTS=-Dtdmpc2j.python.startupTimeoutSeconds=SECONDS")
                .hasMessageContaining("hung-python.sh -u -m tdmpc2j_worker")
                .hasMessageContaining("importing something slow...");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
        assertThat(LiveWorkers.count()).isZero();
    }
}
