package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.rollout.Evaluation;
import io.github.tdmpc2j.spi.rollout.Rollout;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The agent plug-in contract, end to end: an agent compiled separately against the spi alone, packed into a jar
 * with a META-INF/services entry, is found by name and acts, learns, saves and loads in the rollout engine once
 * the jar is on the class path; a broken one stops a run with a {@link PluginException} naming its class and jar.
 */
class AgentPluginJarTest {
    @TempDir
    static Path dir;
    static Path coinJar;
    static Path agentJar;

    @BeforeAll
    static void compile() throws Exception {
        Path classes = PluginJarTest.compileFixtures(dir, "CoinProvider.java", "ConstantAgentProvider.java",
                "BadAgents.java");
        coinJar = PluginJarTest.packJar(dir.resolve("coin-plugin.jar"), classes, "org/example/coin",
                "org.example.coin.CoinProvider\n");
        StringBuilder services = new StringBuilder("org.example.agent.ConstantAgentProvider\n");
        for (String bad : List.of("CreateThrows", "CreateNull", "BeginThrows", "ActThrows", "ActAsserts", "ActNull",
                "ActExtraRow", "ActMissingRow", "ActShort", "ActNaN", "ObserveThrows", "ObserveNull",
                "ObserveNullMetric")) {
            services.append("org.example.agent.BadAgents$").append(bad).append('\n');
        }
        agentJar = PluginJarTest.packJar(dir.resolve("agent-plugin.jar"), classes, "org/example/agent",
                AgentProvider.class, services.toString());
    }

    @Test
    void aJarOnTheClassPathAddsItsAgent(@TempDir Path checkpoint) throws Exception {
        assertThatThrownBy(() -> Agents.find("constant")).isInstanceOf(Agents.UnknownAgentException.class);
        withPlugins(registry -> {
            assertThat(Agents.list()).extracting(AgentProvider::name).contains("constant", "random");
            AgentProvider provider = Agents.find("constant");
            TaskSpace space = TaskSpace.of(List.of(registry.resolve("coin/guess")));
            long observed;
            try (Agent agent = provider.create(AgentContext.of(space, Map.of(), 1));
                    MultitaskEnv rows = MultitaskEnv.make(registry, space, List.of("coin/guess", "coin/guess"), 7)) {
                // it acts +0.5: right at once on an even seed's coin, never on an odd one's (5 steps, no success)
                Evaluation.TaskResult r = Evaluation.run(rows, agent, 4, 100).get(0);
                assertThat(r.returns()).containsExactly(1, 0, 1, 0);
                Rollout train = new Rollout(rows, agent, Rollout.Mode.TRAIN);
                train.start(EpisodeSchedule.sequential(3, rows.numEnvs()));
                for (int i = 0; i < 3; i++) {
                    train.step();
                }
                observed = agent.steps();
                // 3 steps of 2 rows: row 0's first coin (even seed) is guessed at once, so it sits out step 2 to reset
                assertThat(observed).as("transitions observed").isEqualTo(5);
                agent.save(checkpoint);
            }
            try (Agent again = provider.create(AgentContext.of(space, Map.of("value", "-1"), 1))) {
                again.load(checkpoint);
                assertThat(again.steps()).isEqualTo(observed);
                assertThat(again.act(new float[] {0}, 0, true)).containsExactly(-1f);
            }
            try (Agent random = Agents.find("random").create(AgentContext.of(space, Map.of(), 1))) {
                assertThatThrownBy(() -> random.load(checkpoint)).isInstanceOf(CheckpointException.class);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "create-throws   | CreateThrows  | create threw IllegalStateException: no licence for this agent",
        "create-null     | CreateNull    | create returned null",
        "begin-throws    | BeginThrows   | beginEpisode threw IllegalArgumentException: row 0 unexpected",
        "act-throws      | ActThrows     | act threw ArrayIndexOutOfBoundsException: Index 3 out of bounds",
        "act-asserts     | ActAsserts    | act threw AssertionError: policy invariant broken",
        "act-null        | ActNull       | act returned null",
        "act-extra-row   | ActExtraRow   | act returned 2 actions for 1 row; it returns one per row",
        "act-missing-row | ActMissingRow | act returned no action for row 0, which has an observation",
        "act-short       | ActShort      | act returned an action of 0 entries for row 0; the agent's actions have 1",
        "act-nan         | ActNaN        | act returned NaN at entry 0 of row 0's action; actions must be finite",
        "observe-throws  | ObserveThrows | observe threw IllegalStateException: replay buffer full",
        "observe-null    | ObserveNull   | observe returned null",
        "observe-null-metric | ObserveNullMetric | observe returned a metric 'loss' without a value (null)",
    })
    void aBrokenAgentStopsTheRunWithAnErrorNamingThePlugin(String name, String type, String reason) throws Exception {
        withPlugins(registry -> {
            AgentProvider provider = Agents.find(name);
            TaskSpace space = TaskSpace.of(List.of(registry.resolve("coin/guess")));
            try (MultitaskEnv rows = MultitaskEnv.make(registry, space, List.of("coin/guess"), 7)) {
                // without the checks, a missing action left the row waiting forever
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> {
                    long observed;
            try (Agent agent = provider.create(AgentContext.of(space, Map.of(), 1))) {
                        Rollout train = new Rollout(rows, agent, Rollout.Mode.TRAIN);
                        train.start(EpisodeSchedule.sequential(3, 1));
                        for (int i = 0; i < 3; i++) {
                            train.step();
                        }
                    }
                }).isInstanceOf(PluginException.class)
                        .hasMessageStartingWith("plug-in org.example.agent.BadAgents$" + type
                                + " in agent-plugin.jar: agent '" + name + "': ")
                        .hasMessageContaining(reason));
            }
        });
    }

    /** Runs {@code body} with the coin and agent jars on the class path plug-ins are found on. */
    private static void withPlugins(ThrowingConsumer<EnvRegistry> body) throws Exception {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {coinJar.toUri().toURL(), agentJar.toUri().toURL()},
                AgentPluginJarTest.class.getClassLoader());
                EnvRegistry registry = EnvRegistry.discover(loader)) {
            Thread.currentThread().setContextClassLoader(loader);
            body.accept(registry);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    private interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }
}
