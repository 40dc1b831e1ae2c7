package io.github.tdmpc2j.tasks.maniskill;

import static io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes.assertSeededStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.bridge.py4j.VenvLayout;
import io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes;
import io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes.Trajectory;
import io.github.tdmpc2j.bridge.py4j.testkit.RemotePluginContract;
import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvUnavailableException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ManiSkill 3.0.1 through the bridge, against the real package in the maniskill venv (CPU simulation). */
class ManiSkillProviderTest extends RemotePluginContract<ManiSkillProvider> {
    ManiSkillProviderTest() {
        super(ManiSkillProvider::new, "maniskill");
    }

    @Test
    void listsTheFiveReferenceTasksInItsSetting() {
        assertThat(provider.tasks()).extracting(TaskSpec::id).containsExactly("maniskill/lift-cube",
                "maniskill/pick-cube", "maniskill/stack-cube", "maniskill/pick-ycb", "maniskill/turn-faucet");
        TaskSpec lift = registry.resolve("lift-cube");
        assertThat(lift.id()).isEqualTo("maniskill/lift-cube");
        assertThat(lift.actionSpace()).isEqualTo(Box.of(4, -1f, 1f));
        assertThat(lift.maxEpisodeSteps()).isEqualTo(100);
        assertThat(lift.actionRepeat()).isEqualTo(2);
        assertThat(lift.successMetric()).isEqualTo(SuccessMetric.SUCCESS);
        assertThat(lift.episodic()).isTrue();
        assertThat(registry.resolve("pick-ycb").actionSize()).isEqualTo(7);
        assertThat(registry.resolve("turn-faucet").actionSize()).isEqualTo(7);
    }

    @Test
    void assetsAreFoundWhereManiSkillLooks(@TempDir Path data) throws Exception {
        ManiSkillAssets assets = new ManiSkillAssets(data, Path.of("/venv/bin/python"));
        Optional<Availability> ycb = assets.missing(ManiSkillAssets.Asset.YCB);
        assertThat(ycb).isPresent();
        assertThat(ycb.get().ready()).isFalse();
        assertThat(ycb.get().reason()).contains("YCB", data.toString());
        assertThat(ycb.get().fixCommand()).isEqualTo("/venv/bin/python -m mani_skill.utils.download_asset ycb -y");

        Path info = data.resolve("assets/mani_skill2_ycb/info_pick_v0.json");
        Files.createDirectories(info.getParent());
        Files.writeString(info, "{}");
        assertThat(assets.missing(ManiSkillAssets.Asset.YCB)).isEmpty();

        Path faucets = data.resolve("partnet_mobility/dataset");
        Files.createDirectories(faucets);
        assertThat(assets.missing(ManiSkillAssets.Asset.FAUCETS)).isPresent(); // an empty folder is not a download
        Files.createDirectories(faucets.resolve("5000"));
        assertThat(assets.missing(ManiSkillAssets.Asset.FAUCETS)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pick-ycb", "turn-faucet"})
    void aTaskWithoutItsDownloadedAssetsIsUnavailableWithTheDownloadCommand(String alias) {
        assumeVenv();
        TaskSpec spec = registry.resolve(alias);
        ManiSkillAssets.Asset asset = ManiSkillTasks.byName(spec.name()).assets().orElseThrow();
        Path python = VenvLayout.fromEnvironment().python("maniskill");
        boolean present = ManiSkillAssets.fromEnvironment(python).missing(asset).isEmpty();
        if (present) { // someone downloaded them: then the task runs
            try (Env env = registry.make(alias)) {
                assertThat(env.reset(1).observation()).hasSize(spec.observationSize());
            }
            return;
        }
        assertThat(provider.availability(spec).ready()).isFalse();
        assertThatThrownBy(() -> registry.make(alias))
                .isInstanceOf(EnvUnavailableException.class)
                .hasMessageContaining(spec.id())
                .hasMessageContaining(python + " -m mani_skill.utils.download_asset " + asset.downloadId + " -y");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lift-cube", "pick-cube", "stack-cube"})
    void seededEpisodeOfAtMostOneHundredAgentStepsWithSuccessFlag(String alias) {
        assumeVenv();
        TaskSpec spec = registry.resolve(alias);
        assertThat(provider.availability(spec).ready()).isTrue();
        try (Env env = registry.make(alias)) {
            assertThat(env.spec()).isEqualTo(spec);
            assertSeededStart(env, 7, true); // another seed: a new cube (and goal) placement

            float[][] trajectory = rollout(env, 7);
            assertThat(rollout(env, 7)).isDeepEqualTo(trajectory);

            env.reset(9);
            assertThatThrownBy(() -> env.step(new float[spec.actionSize() - 1]))
                    .isInstanceOf(InvalidActionException.class);
            assertThatThrownBy(() -> env.step(new float[] {0f, Float.NaN, 0f, 0f}))
                    .isInstanceOf(InvalidActionException.class);
        }
    }

    /**
     * One seeded episode of random actions: it runs the 100 agent steps and is truncated, or ManiSkill ends it
     * earlier because its success flag turned true. Returns the observations.
     */
    private static float[][] rollout(Env env, long seed) {
        Trajectory episode = RandomEpisodes.play(env, seed, 100).assertSuccessFlagged();
        if (episode.last().terminated()) {
            assertThat(episode.last().info().get(StepResult.SUCCESS)).isEqualTo(true);
            assertThat(episode.length()).isLessThanOrEqualTo(100);
        } else {
            episode.assertRanToItsLimit(100);
        }
        return episode.observations();
    }

    @Test
    void liftingTheCubeIsASuccessThatEndsTheEpisode() {
        assumeVenv();
        try (Env env = registry.make("maniskill/lift-cube")) {
            float[] obs = env.reset(21).observation();
            StepResult r = null;
            for (int t = 0; t < 100 && (r == null || !r.done()); t++) {
                // observation: tcp position at 19..21, cube position at 26..28; gripper open (+1) then closed (-1)
                float[] target = new float[3];
                float grip;
                for (int i = 0; i < 3; i++) {
                    target[i] = t < 45 ? obs[26 + i] : obs[19 + i];
                }
                if (t < 25) {
                    target[2] += 0.06f; // above the cube, then down onto it
                }
                if (t >= 55) {
                    target[2] = 0.3f; // lift
                }
                grip = t < 45 ? 1f : -1f;
                float[] action = new float[4];
                for (int i = 0; i < 3; i++) {
                    action[i] = Math.max(-1f, Math.min(1f, 10f * (target[i] - obs[19 + i])));
                }
                action[3] = grip;
                r = env.step(action);
                obs = r.observation();
            }
            assertThat(r.terminated()).as("ManiSkill ends the episode when the cube is lifted").isTrue();
            assertThat(r.info().get(StepResult.SUCCESS)).isEqualTo(true);
            assertThat(obs[28]).isGreaterThanOrEqualTo(0.2f);
        }
    }
}
