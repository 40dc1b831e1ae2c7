package io.github.tdmpc2j.tasks.metaworld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdmpc2j.bridge.py4j.RemoteEnv;
import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.UnknownTaskException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Meta-World 3.1.1 through the bridge, against the real package in the metaworld venv. */
class MetaWorldProviderTest {
    private static MetaWorldProvider provider;
    private static EnvRegistry registry;

    @BeforeAll
    static void open() {
        provider = new MetaWorldProvider();
        registry = EnvRegistry.of(List.of(provider));
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    private static void assumeVenv() {
        Availability a = provider.availability();
        if (!a.ready()) {
            System.out.println("SKIPPED: " + a + " (scripts/setup.d/40-python-venvs.sh makes it)");
        }
        assumeTrue(a.ready(), a::toString);
    }

    @Test
    void listsMt50InTheReferenceSetting() {
        List<TaskSpec> tasks = provider.tasks();
        assertThat(tasks).extracting(TaskSpec::id).containsExactlyElementsOf(registry.taskSet("mw50"));
        TaskSpec assembly = registry.resolve("mw-assembly");
        assertThat(assembly.id()).isEqualTo("metaworld/assembly");
        assertThat(assembly.observationSize()).isEqualTo(39);
        assertThat(assembly.actionSpace()).isEqualTo(Box.of(4, -1f, 1f));
        assertThat(assembly.maxEpisodeSteps()).isEqualTo(100);
        assertThat(assembly.actionRepeat()).isEqualTo(2);
        assertThat(assembly.successMetric()).isEqualTo(SuccessMetric.SUCCESS);
        assertThat(assembly.episodic()).isFalse();
        assertThatThrownBy(() -> registry.resolve("metaworld/no-such-task")).isInstanceOf(UnknownTaskException.class);
    }

    @Test
    void missingVenvIsReportedWithTheSetupCommand(@TempDir Path empty) {
        String before = System.getProperty("tdmpc2j.venvs");
        System.setProperty("tdmpc2j.venvs", empty.toString());
        try {
            Availability a = new MetaWorldProvider().availability();
            assertThat(a.ready()).isFalse();
            assertThat(a.fixCommand()).isEqualTo("tdmpc2j setup metaworld");
        } finally {
            if (before == null) {
                System.clearProperty("tdmpc2j.venvs");
            } else {
                System.setProperty("tdmpc2j.venvs", before);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mw-reach", "mw-push", "mw-assembly"})
    void seededEpisodeOfOneHundredAgentStepsWithSuccessFlag(String alias) {
        assumeVenv();
        try (Env env = registry.make(alias)) {
            float[] first = env.reset(7).observation();
            assertThat(first).hasSize(39);
            assertThat(env.reset(7).observation()).containsExactly(first);
            assertThat(env.reset(8).observation()).isNotEqualTo(first); // a new goal and object placement

            float[][] trajectory = rollout(env, 7);
            assertThat(rollout(env, 7)).isDeepEqualTo(trajectory);
        }
    }

    /** One seeded episode of random actions; checks its shape and returns its observations. */
    private static float[][] rollout(Env env, long seed) {
        env.reset(seed);
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] observations = new float[100][];
        StepResult r = null;
        for (int t = 0; t < 100; t++) {
            assertThat(r == null || !r.done()).isTrue();
            float[] action = new float[4];
            for (int i = 0; i < 4; i++) {
                action[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            r = env.step(action);
            observations[t] = r.observation();
            assertThat(r.observation()).hasSize(39);
            for (float x : r.observation()) {
                assertThat(Float.isFinite(x)).isTrue();
            }
            assertThat(Double.isFinite(r.reward())).isTrue();
            assertThat(r.reward()).isBetween(0.0, 20.0); // two env steps, each rewarded in [0, 10]
            assertThat(r.info().get(StepResult.SUCCESS)).isInstanceOf(Boolean.class);
        }
        assertThat(r.truncated()).isTrue();
        assertThat(r.terminated()).isFalse();
        return observations;
    }

    @Test
    void movingTheHandToTheGoalOfReachIsASuccess() {
        assumeVenv();
        try (Env env = registry.make("metaworld/reach")) {
            float[] obs = env.reset(21).observation();
            boolean success = false;
            for (int t = 0; t < 100 && !success; t++) {
                float[] action = new float[4];
                for (int i = 0; i < 3; i++) { // hand position at 0..2, goal position at 36..38
                    action[i] = Math.max(-1f, Math.min(1f, 20f * (obs[36 + i] - obs[i])));
                }
                StepResult r = env.step(action);
                obs = r.observation();
                success = (Boolean) r.info().get(StepResult.SUCCESS);
            }
            assertThat(success).as("reach succeeds when the hand is driven to the goal").isTrue();
        }
    }

    @Test
    void everyListedTaskIsMadeByMetaWorldWithTheListedSpaces() {
        assumeVenv();
        for (TaskSpec listed : provider.tasks()) {
            try (RemoteEnv env = provider.create(listed, EnvOptions.seeded(1))) {
                assertThat(env.spec()).isEqualTo(listed);
                assertThat(env.reset(3).observation()).hasSize(39);
            }
        }
    }
}
