package io.github.tdmpc2j.tasks.metaworld;

import static io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes.assertSeededStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes;
import io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes.Trajectory;
import io.github.tdmpc2j.bridge.py4j.testkit.RemotePluginContract;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.UnknownTaskException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Meta-World 3.1.1 through the bridge, against the real package in the metaworld venv. */
class MetaWorldProviderTest extends RemotePluginContract<MetaWorldProvider> {
    MetaWorldProviderTest() {
        super(MetaWorldProvider::new, "metaworld");
    }

    @Test
    void listsMt50InTheReferenceSetting() {
        List<TaskSpec> tasks = provider.tasks();
        assertThat(tasks).extracting(TaskSpec::id).containsExactlyElementsOf(registry.taskSet("mw50"));
        assertThat(tasks).allSatisfy(t -> assertThat(t.observationSize()).as(t.id()).isEqualTo(39));
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

    @ParameterizedTest
    @ValueSource(strings = {"mw-reach", "mw-push", "mw-assembly"})
    void seededEpisodeOfOneHundredAgentStepsWithSuccessFlag(String alias) {
        assumeVenv();
        try (Env env = registry.make(alias)) {
            float[] first = assertSeededStart(env, 7, true); // another seed: a new goal and object placement
            assertThat(first).hasSize(39);

            float[][] trajectory = rollout(env, 7);
            assertThat(rollout(env, 7)).isDeepEqualTo(trajectory);
        }
    }

    @Test
    void anyLongSeedMakesAnEnvAndSeedsDifferingInTheTopBitGiveDifferentEpisodes() {
        assumeVenv();
        // Meta-World's constructor seeds numpy's RandomState, which refused a seed outside [0, 2^32): train --seed -1
        for (long seed : new long[] {-1, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE}) {
            try (Env env = registry.make("metaworld/reach", EnvOptions.seeded(seed))) {
                assertThat(env.reset(seed).observation()).as("seed %d", seed).hasSize(39);
            }
        }
        try (Env env = registry.make("metaworld/reach")) {
            float[] minusOne = env.reset(-1).observation();
            float[] zero = env.reset(0).observation();
            assertThat(env.reset(Long.MAX_VALUE).observation()).as("the goal of seed -1").isNotEqualTo(minusOne);
            assertThat(env.reset(Long.MIN_VALUE).observation()).as("the goal of seed 0").isNotEqualTo(zero);
        }
    }

    /** One seeded episode of random actions; checks its shape and returns its observations. */
    private static float[][] rollout(Env env, long seed) {
        Trajectory episode = RandomEpisodes.play(env, seed, 100).assertRanToItsLimit(100).assertSuccessFlagged();
        assertThat(episode.steps()).allSatisfy(r -> assertThat(r.reward()).isBetween(0.0, 20.0)); // 2 steps in [0, 10]
        return episode.observations();
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
                // Meta-World's own float 0.0 or 1.0, as it is: a bool() in the suite would hide a value that is no flag
                assertThat(r.info().get(StepResult.SUCCESS)).isIn(0.0, 1.0);
                success = r.success().orElseThrow();
            }
            assertThat(success).as("reach succeeds when the hand is driven to the goal").isTrue();
        }
    }

    /**
     * The coffee mug's orientation (entries 7..10, and 25..28 for the previous env step) in the frame the reference's
     * MuJoCo 2 gave the mesh: an upright mug is turned a quarter turn about z there, (0, 0, 0.7071, 0.7071) in
     * Meta-World's (x, y, z, w) order, where MuJoCo 3's own frame reads about (0, 0, 0, 1).
     */
    @ParameterizedTest
    @ValueSource(strings = {"mw-coffee-push", "mw-coffee-pull"})
    void theMugIsObservedInTheFrameTheReferencesMuJoCoGaveIt(String alias) {
        assumeVenv();
        try (Env env = registry.make(alias)) {
            float[] obs = env.reset(7).observation();
            assertThat(Arrays.copyOfRange(obs, 25, 29)).as("the reset repeats its frame as the previous one")
                    .containsExactly(Arrays.copyOfRange(obs, 7, 11));
            for (int t = 0; t <= 10; t++) {
                assertThat(yawDegrees(obs, 7)).as("%s mug yaw at step %d", alias, t).isBetween(70.0, 110.0);
                assertThat(yawDegrees(obs, 25)).as("%s previous mug yaw at step %d", alias, t).isBetween(70.0, 110.0);
                obs = env.step(new float[4]).observation();
            }
        }
    }

    /** The yaw, in degrees, of the (x, y, z, w) quaternion at {@code at}; either sign of the quaternion gives it. */
    private static double yawDegrees(float[] obs, int at) {
        double x = obs[at], y = obs[at + 1], z = obs[at + 2], w = obs[at + 3];
        return Math.toDegrees(Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z)));
    }
}
