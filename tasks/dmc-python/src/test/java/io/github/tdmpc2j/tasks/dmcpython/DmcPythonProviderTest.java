package io.github.tdmpc2j.tasks.dmcpython;

import static io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes.assertSeededStart;
import static io.github.tdmpc2j.bridge.py4j.testkit.VectorLockstep.assertSameStep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes;
import io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes.Trajectory;
import io.github.tdmpc2j.bridge.py4j.testkit.RemotePluginContract;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.UnknownTaskException;
import io.github.tdmpc2j.spi.vector.SyncVectorEnv;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** dm_control's suite through the bridge: against the real dm_control 1.0.50 in the dmc venv. */
class DmcPythonProviderTest extends RemotePluginContract<DmcPythonProvider> {
    DmcPythonProviderTest() {
        super(DmcPythonProvider::new, "dmc");
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
            assertThat(assertSeededStart(env, 123, true)).hasSize(5);

            SplittableRandom rng = new SplittableRandom(7);
            for (long seed = 5; seed < 7; seed++) { // two whole episodes in a row
                Trajectory episode = RandomEpisodes.play(env, seed, rng, 1000).assertRanToItsLimit(500);
                // two control steps of a reward in [0, 1]
                assertThat(episode.steps()).allSatisfy(r -> assertThat(r.reward()).isBetween(0.0, 2.0));
                assertThat(episode.totalReward()).isBetween(0.0, 1000.0);
            }
        }
    }

    @Test
    void sameSeedsAndActionsGiveTheSameTrajectory() {
        assumeVenv();
        Trajectory[] runs = new Trajectory[2];
        for (int run = 0; run < 2; run++) {
            try (Env env = registry.make("dmc-python/cartpole-swingup", EnvOptions.seeded(1))) {
                runs[run] = RandomEpisodes.play(env, 9, new SplittableRandom(3), 50);
                assertThat(runs[run].length()).isEqualTo(50);
            }
        }
        assertThat(runs[1].totalReward()).isEqualTo(runs[0].totalReward());
        assertThat(runs[1].last().observation()).containsExactly(runs[0].last().observation());
        assertThat(runs[1].observations()).isDeepEqualTo(runs[0].observations());
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
            assertThat(batched.reset(50)).isDeepEqualTo(reference.reset(50));
            SplittableRandom rng = new SplittableRandom(8);
            int truncations = 0;
            for (int t = 0; t < 503; t++) {
                float[][] actions = {{(float) (rng.nextDouble() * 2 - 1)}, {(float) (rng.nextDouble() * 2 - 1)}};
                VectorStepResult x = batched.step(actions);
                assertSameStep(batched, reference, x, reference.step(actions), t);
                for (int i = 0; i < n; i++) {
                    truncations += x.truncated()[i] ? 1 : 0;
                }
            }
            assertThat(truncations).isEqualTo(n); // 500 agent steps = 1000 control steps each
        }
    }

    /** The benchmark's DMControl tasks outside MT30 (native in tasks/dmc; dm_control's own here): a whole episode of each body. */
    @ParameterizedTest
    @ValueSource(strings = {"dog-run", "humanoid-walk", "quadruped-run"})
    void theBigBodiesRunWholeEpisodes(String name) {
        assumeVenv();
        try (Env env = registry.make("dmc-python/" + name, EnvOptions.seeded(3))) {
            assertThat(env.spec().id()).isEqualTo("dmc-python/" + name);
            Trajectory episode = RandomEpisodes.play(env, 11, new SplittableRandom(12), 1000)
                    .assertRanToItsLimit(500); // observations of the spec's size, all finite, checked at each step
            // two dm_control steps per agent step, each rewarded in [0, 1]
            assertThat(episode.steps()).allSatisfy(r -> assertThat(r.reward()).isBetween(0.0, 2.0));
            assertThat(episode.totalReward()).isBetween(0.0, 1000.0);
            assertThat(env.reset(11).observation()).as("same seed, same start").containsExactly(episode.start());
        }
    }
}
