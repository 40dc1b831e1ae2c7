package io.github.tdmpc2j.bridge.py4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.bridge.py4j.RemoteEnv;
import io.github.tdmpc2j.bridge.py4j.RemoteEnvProvider;
import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.EnvUnavailableException;
import io.github.tdmpc2j.spi.TaskSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every plug-in whose envs live in a Python worker must do, and the set-up its test needs: one provider and a
 * registry of it for the whole class (closed after), {@link #assumeVenv()} for the tests that need the suite, and the
 * checks common to all such plug-ins. A plug-in's test extends this and adds what is its suite's own.
 *
 * @param <P> the plug-in under test
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RemotePluginContract<P extends RemoteEnvProvider> {
    private final Supplier<P> newProvider;
    private final String venv;
    /** The plug-in under test, shared by the class's tests. */
    protected P provider;
    /** A registry of {@link #provider} alone, as the CLI makes one. */
    protected EnvRegistry registry;

    /**
     * @param newProvider makes an instance of the plug-in under test
     * @param venv        its venv's name, which {@code tdmpc2j setup} takes
     */
    protected RemotePluginContract(Supplier<P> newProvider, String venv) {
        this.newProvider = newProvider;
        this.venv = venv;
    }

    @BeforeAll
    final void openRegistry() {
        provider = newProvider.get();
        registry = EnvRegistry.of(List.of(provider));
    }

    @AfterAll
    final void closeRegistry() {
        registry.close();
    }

    /** Skips the calling test (saying why, and how to make the venv) unless the plug-in's venv is ready. */
    protected final void assumeVenv() {
        Venvs.assumeReady(provider.availability());
    }

    @Test
    void missingVenvIsReportedWithTheSetupCommand(@TempDir Path empty) throws Exception {
        String setup = "tdmpc2j setup " + venv;
        TaskSpec some = provider.tasks().get(0);
        Venvs.withVenvsAt(empty, () -> {
            Availability a = provider.availability();
            assertThat(a.ready()).isFalse();
            assertThat(a.reason()).contains("missing");
            assertThat(a.fixCommand()).isEqualTo(setup);
            assertThat(newProvider.get().availability().fixCommand()).as("a new instance").isEqualTo(setup);
            assertThatThrownBy(() -> registry.make(some.id()))
                    .isInstanceOf(EnvUnavailableException.class).hasMessageContaining(setup);
        });
    }

    /** The plug-in's {@code create} refuses an env whose spaces differ from the listed ones; so each one made is. */
    @Test
    void everyAvailableListedTaskIsMadeWithTheListedSpaces() {
        assumeVenv();
        for (TaskSpec listed : provider.tasks()) {
            if (!provider.availability(listed).ready()) {
                continue;
            }
            try (RemoteEnv env = provider.create(listed, EnvOptions.seeded(1))) {
                assertThat(env.spec()).as(listed.id()).isEqualTo(listed);
                assertThat(env.reset(3).observation()).as(listed.id()).hasSize(listed.observationSize());
            }
        }
    }
}
