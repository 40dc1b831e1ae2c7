package io.github.tdmpc2j.tasks.dmcpython;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdmpc2j.bridge.py4j.RemoteEnv;
import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.EnvUnavailableException;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.UnknownTaskException;
import io.github.tdmpc2j.spi.vector.SyncVectorEnv;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** dm_control's suite through the bridge: against the real dm_control 1.0.50 in the dmc venv. */
class DmcPythonProviderTest {
    private static DmcPythonProvider provider;
    private static EnvRegistry registry;

    @BeforeAll
    static void open() {
        provider = new DmcPythonProvider();
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
    void listsTheMt30DmControlTasksAndTheBigOnesWithoutClaimingBareNames() {
        List<TaskSpec> tasks = provider.tasks();
        assertThat(tasks).hasSize(28);
        assertThat(tasks).allSatisfy(t -> {
            assertThat(t.id()).startsWith("dmc-python/");
            assertThat(t.aliases()).isEmpty();
            assertThat(t.actionRepeat()).isEqualTo(2);
            assertThat(t.maxEpisodeSteps()).isEqualTo(500);
        });
        assertThat(registry.resolve("dmc-python/cartpole-swingup").observationSize()).isEqualTo(5);
        assertThatThrownBy(() -> registry.resolve("cartpole-swingup")).isInstanceOf(UnknownTaskException.class);
    }

    @Test
    void cartpoleSwingupIsReproducibleFromItsSeedAndRunsAThousandSteps() {
        assumeVenv();
        try (Env env = registry.make("dmc-python/cartpole-swingup", EnvOptions.seeded(1))) {
            assertThat(env.spec().actionSpace()).isEqualTo(Box.of(1, -1f, 1f));
            float[] first = env.reset(123).observation();
            float[] again = env.reset(123).observation();
            float[] other = env.reset(124).observation();
            assertThat(first).hasSize(5).containsExactly(again);
            assertThat(other).isNotEqualTo(first);

            SplittableRandom rng = new SplittableRandom(7);
            env.reset(5);
            int episodes = 0;
            int stepsInEpisode = 0;
            double episodeReturn = 0;
            for (int step = 0; step < 1000; step++) {
                StepResult r = env.step(new float[] {(float) (rng.nextDouble() * 2 - 1)});
                assertThat(r.observation()).hasSize(5);
                assertThat(r.reward()).isBetween(0.0, 2.0); // two control steps of a reward in [0, 1]
                assertThat(r.terminated()).isFalse();
                episodeReturn += r.reward();
                stepsInEpisode++;
                if (r.done()) {
                    assertThat(r.truncated()).isTrue();
                    assertThat(stepsInEpisode).isEqualTo(500);
                    assertThat(episodeReturn).isBetween(0.0, 1000.0);
                    episodes++;
                    stepsInEpisode = 0;
                    episodeReturn = 0;
                    env.reset(5 + episodes);
                }
            }
            assertThat(episodes).isEqualTo(2);
        }
    }

    @Test
    void sameSeedsAndActionsGiveTheSameTrajectory() {
        assumeVenv();
        double[] returns = new double[2];
        float[][] finals = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (Env env = registry.make("dmc-python/cartpole-swingup", EnvOptions.seeded(1))) {
                env.reset(9);
                SplittableRandom rng = new SplittableRandom(3);
                StepResult r = null;
                for (int i = 0; i < 50; i++) {
                    r = env.step(new float[] {(float) (rng.nextDouble() * 2 - 1)});
                    returns[run] += r.reward();
                }
                finals[run] = r.observation();
            }
        }
        assertThat(returns[1]).isEqualTo(returns[0]);
        assertThat(finals[1]).containsExactly(finals[0]);
    }

    @Test
    void wrappedVectorEnvGivesWhatRegistryEnvsGiveOneByOne() {
        assumeVenv();
        TaskSpec cartpole = registry.resolve("dmc-python/cartpole-swingup");
        int n = 2;
        try (VectorEnv batched = registry.makeVector(List.of(cartpole.id(), cartpole.id()),
                List.of(EnvOptions.seeded(4), EnvOptions.seeded(5)), 1);
                VectorEnv reference = new SyncVectorEnv(List.of(
                        registry.make(cartpole.id(), EnvOptions.seeded(4)),
                        registry.make(cartpole.id(), EnvOptions.seeded(5))))) {
            float[][] a = batched.reset(50);
            float[][] b = reference.reset(50);
            for (int i = 0; i < n; i++) {
                assertThat(a[i]).containsExactly(b[i]);
            }
            SplittableRandom rng = new SplittableRandom(8);
            int truncations = 0;
            for (int t = 0; t < 503; t++) {
                float[][] actions = {{(float) (rng.nextDouble() * 2 - 1)}, {(float) (rng.nextDouble() * 2 - 1)}};
                VectorStepResult x = batched.step(actions);
                VectorStepResult y = reference.step(actions);
                for (int i = 0; i < n; i++) {
                    assertThat(x.observations()[i]).as("env %d at step %d", i, t).containsExactly(y.observations()[i]);
                    assertThat(x.rewards()[i]).isEqualTo(y.rewards()[i]);
                    assertThat(x.truncated()[i]).isEqualTo(y.truncated()[i]);
                    if (x.truncated()[i]) {
                        truncations++;
                    }
                }
            }
            assertThat(truncations).isEqualTo(n); // 500 agent steps = 1000 control steps each
        }
    }

    /** The benchmark's DMControl tasks that only this plug-in runs: a whole episode of each kind of body. */
    @ParameterizedTest
    @ValueSource(strings = {"dog-run", "humanoid-walk", "quadruped-run"})
    void theBigBodiesRunWholeEpisodes(String name) {
        assumeVenv();
        try (Env env = registry.make(name, EnvOptions.seeded(3))) {
            assertThat(env.spec().id()).isEqualTo("dmc-python/" + name);
            float[] first = env.reset(11).observation();
            assertThat(first).hasSize(env.spec().observationSize());
            SplittableRandom rng = new SplittableRandom(12);
            int steps = 0;
            double total = 0;
            StepResult r;
            do {
                float[] a = new float[env.spec().actionSize()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (rng.nextDouble() * 2 - 1);
                }
                r = env.step(a);
                steps++;
                total += r.reward();
                // two dm_control steps per agent step, each rewarded in [0, 1]
                assertThat(r.reward()).as("%s step %d", name, steps).isBetween(0.0, 2.0);
                for (float o : r.observation()) {
                    assertThat(Float.isFinite(o)).as("%s observation at step %d", name, steps).isTrue();
                }
            } while (!r.done());
            assertThat(steps).isEqualTo(500);
            assertThat(r.truncated()).isTrue();
            assertThat(total).isBetween(0.0, 1000.0);
            assertThat(env.reset(11).observation()).as("same seed, same start").containsExactly(first);
        }
    }

    @Test
    void everyListedTaskHasTheSpacesDmControlGivesIt() {
        assumeVenv();
        for (TaskSpec task : provider.tasks()) {
            // create() refuses an env whose spaces differ from the listed ones
            try (RemoteEnv env = provider.create(task, EnvOptions.defaults())) {
                assertThat(env.reset(0).observation()).as(task.id()).hasSize(task.observationSize());
            }
        }
    }

    @Test
    void aMissingVenvMakesThePluginUnavailableWithTheFix() throws Exception {
        Path empty = Files.createTempDirectory("no-venvs");
        String before = System.getProperty("tdmpc2j.venvs");
        System.setProperty("tdmpc2j.venvs", empty.toString());
        try {
            Availability a = provider.availability();
            assertThat(a.ready()).isFalse();
            assertThat(a.reason()).contains("missing");
            assertThat(a.fixCommand()).isEqualTo("tdmpc2j setup dmc");
            assertThatThrownBy(() -> registry.make("dmc-python/walker-walk"))
                    .isInstanceOf(EnvUnavailableException.class).hasMessageContaining("tdmpc2j setup dmc");
        } finally {
            if (before == null) {
                System.clearProperty("tdmpc2j.venvs");
            } else {
                System.setProperty("tdmpc2j.venvs", before);
            }
            Files.delete(empty);
        }
    }
}
