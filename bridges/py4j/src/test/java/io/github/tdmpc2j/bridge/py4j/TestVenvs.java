package io.github.tdmpc2j.bridge.py4j;

import io.github.tdmpc2j.bridge.py4j.testkit.Venvs;
import io.github.tdmpc2j.spi.Availability;
import java.time.Duration;
import java.util.List;

/** Test helper: the venvs that scripts/setup.d/40-python-venvs.sh makes; a test without its venv skips, saying why. */
final class TestVenvs {
    private TestVenvs() {
    }

    static void assumeReady(String domain) {
        String why = VenvLayout.fromEnvironment().whyNotReady(domain, Requirements.of(domain).sha256());
        Venvs.assumeReady(why == null ? Availability.ok() : Availability.unavailable(why, "tdmpc2j setup " + domain));
    }

    /** A worker config for the bridge's own testing suite, in the gymnasium venv (it needs only numpy and py4j). */
    static WorkerConfig testing() {
        assumeReady("gymnasium");
        return WorkerConfig.forDomain("gymnasium", List.of("testing")).withStartupTimeout(Duration.ofSeconds(30));
    }
}
