package io.github.tdmpc2j.tasks.gymnasium;

import static io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes.assertSeededStart;
import static io.github.tdmpc2j.bridge.py4j.testkit.VectorLockstep.assertSameStep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.bridge.py4j.PythonException;
import io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes;
import io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes.Trajectory;
import io.github.tdmpc2j.bridge.py4j.testkit.RemotePluginContract;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.vector.CompositeVectorEnv;
import io.github.tdmpc2j.spi.vector.SyncVectorEnv;
import io.github.tdmpc2j.spi.vector.ThreadedVectorEnv;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gymnasium 1.4 through the bridge, against the real package in the gymnasium venv. */
class GymnasiumProviderTest extends RemotePluginContract<GymnasiumProvider> {
    GymnasiumProviderTest() {
        super(GymnasiumProvider::new, "gymnasium");
    }

    @BeforeEach
    void needsTheVenv() {
        assumeVenv();
    }

    /** What describe() reads for a listed id; that create() makes each listed spec is checked by the contract. */
    @Test
    void listedSpecsAreTheOnesGymnasiumReports() {
        TaskSpec described = provider.describe("Pendulum-v1");
        assertThat(described.observationSpace()).isEqualTo(
                Box.of(new float[] {-1f, -1f, -8f}, new float[] {1f, 1f, 8f}));
    }

    @Test
    void pendulumRunsAnEpisodeWithTheRegistryWrappers() {
        try (Env env = registry.make("gymnasium/Pendulum-v1")) {
            assertThat(env.spec().actionSpace()).isEqualTo(Box.of(1, -1f, 1f)); // rescaled from [-2, 2]
            assertThat(assertSeededStart(env, 11, false)).hasSize(3);
            Trajectory episode = RandomEpisodes.play(env, 11, new SplittableRandom(1), 1000)
                    .assertRanToItsLimit(200);
            assertThat(episode.steps()).allSatisfy(r -> assertThat(r.reward()).isBetween(-16.3, 0.0)); // its bounds
            assertThat(episode.totalReward()).isLessThan(0);
        }
    }

    @Test
    void anyRegisteredBoxEnvCanBeDescribedAndMade() {
        TaskSpec spec = provider.describe("MountainCarContinuous-v0");
        assertThat(spec.maxEpisodeSteps()).isEqualTo(999);
        assertThatThrownBy(() -> provider.describe("Acrobot-v1")).isInstanceOf(PythonException.class)
                .hasMessageContaining("Discrete action space");
        assertThatThrownBy(() -> provider.describe("NoSuchEnv-v0")).isInstanceOf(PythonException.class)
                .hasMessageContaining("NoSuchEnv");
    }

    @Test
    void theRegistryReachesUnlistedIdsThroughThePlugin() {
        assertThatThrownBy(() -> registry.make("gymnasium/Acrobot-v1")).isInstanceOf(PythonException.class);
        assertThatThrownBy(() -> registry.make("gymnasium/NoSuchEnv-v0")).isInstanceOf(PythonException.class)
                .hasMessageContaining("NoSuchEnv");
    }

    @Test
    void batchedVectorEnvMatchesRegistryWrappedEnvsSteppedOneByOne() {
        TaskSpec pendulum = registry.resolve("gymnasium/Pendulum-v1");
        int n = 4;
        List<EnvOptions> seeds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            seeds.add(EnvOptions.seeded(i));
        }
        try (VectorEnv batched = registry.makeVector(java.util.Collections.nCopies(n, pendulum.id()), seeds, 1)) {
            // the plug-in's batched env (guarded by the registry), not envs made one by one nor a composite
            assertThat(batched).isNotInstanceOf(SyncVectorEnv.class).isNotInstanceOf(ThreadedVectorEnv.class)
                    .isNotInstanceOf(CompositeVectorEnv.class);
            List<Env> single = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                single.add(EnvRegistry.wrap(provider.create(pendulum, EnvOptions.seeded(i))));
            }
            try (VectorEnv reference = new SyncVectorEnv(single)) {
                assertThat(batched.spec(0).actionSpace()).isEqualTo(Box.of(1, -1f, 1f));
                assertThat(batched.reset(100)).isDeepEqualTo(reference.reset(100));
                SplittableRandom rng = new SplittableRandom(5);
                int autoresets = 0;
                for (int t = 0; t < 205; t++) {
                    float[][] actions = new float[n][];
                    for (int i = 0; i < n; i++) {
                        actions[i] = new float[] {(float) (rng.nextDouble() * 2.4 - 1.2)}; // some get clipped
                    }
                    VectorStepResult x = batched.step(actions);
                    assertSameStep(batched, reference, x, reference.step(actions), t); // AUTORESET in the infos too
                    for (int i = 0; i < n; i++) {
                        autoresets += x.infos().get(i).containsKey(VectorEnv.AUTORESET) ? 1 : 0;
                    }
                }
                assertThat(autoresets).isEqualTo(n); // every env ended its 200-step episode once
            }
        }
    }
}
