package io.github.tdmpc2j.tasks.maniskill;

import static io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes.assertSeededStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.tdmpc2j.bridge.py4j.VenvLayout;
import io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes;
import io.github.tdmpc2j.bridge.py4j.testkit.RandomEpisodes.Trajectory;
import io.github.tdmpc2j.bridge.py4j.testkit.RemotePluginContract;
import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvUnavailableException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import io.github.tdmpc2j.spi.wrappers.EpisodeStatistics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ManiSkill 3.0.1 through the bridge, against the real package in the maniskill venv (CPU simulation). */
class ManiSkillProviderTest extends RemotePluginContract<ManiSkillProvider> {
    /** The step info's copy of ManiSkill's own end-of-episode flag, which ends no episode here. */
    private static final String DONE = "maniskill_done";
    /** Where ManiSkill2's cube-task observations hold the hand (tcp) pose and, in LiftCube-v0's, the cube's pose. */
    private static final int TCP = 25;
    private static final int CUBE = 32;
    /** What {@link #aSeededEpisodeObservesAndScoresAsRecorded} recorded (seed 5, 10 agent steps). */
    private static final float[] LIFT_CUBE_LAST = {
            -0.2095111f, 0.5859485f, -0.030471304f, -1.7745174f, 0.049591187f, 2.3669722f, 0.45733798f,
            3.631143E-5f, 3.8524384E-5f, 0.060977202f, -1.3520356f, -0.022579527f, -0.72414625f,
            -0.047372706f, -0.4843934f, 0.044089615f, -0.063449234f, -0.06637715f, -0.615f, 7.2759576E-11f,
            -1.4901161E-8f, 1.0000001f, 0.0f, 0.0f, 0.0f, 0.028903302f, -0.15338217f, 0.12641644f,
            -0.0076512294f, 0.9995347f, 0.028939754f, 0.0058638016f, 0.06605026f, -0.07477836f,
            0.019999996f, 0.9686638f, 4.5738766E-6f, -1.037793E-6f, -0.24837562f, 0.03714696f, 0.078603804f,
            -0.10641645f};
    private static final double[] LIFT_CUBE_REWARDS = {
            0.4251653552055359, 0.4927830100059509, 0.5293996930122375, 0.8001008629798889,
            0.883954644203186, 0.6996045112609863, 0.7130278944969177, 0.6445127725601196,
            0.7037147879600525, 0.8610804080963135};
    private static final float[] PICK_CUBE_LAST = {
            -0.2095111f, 0.5859485f, -0.030471304f, -1.7745174f, 0.049591187f, 2.3669722f, 0.45733798f,
            3.631143E-5f, 3.8524384E-5f, 0.060977202f, -1.3520356f, -0.022579527f, -0.72414625f,
            -0.047372706f, -0.4843934f, 0.044089615f, -0.063449234f, -0.06637715f, -0.615f, 7.2759576E-11f,
            -1.4901161E-8f, 1.0000001f, 0.0f, 0.0f, 0.0f, 0.028903302f, -0.15338217f, 0.12641644f,
            -0.0076512294f, 0.9995347f, 0.028939754f, 0.0058638016f, -0.07667096f, -0.0671217f, 0.24137582f,
            -0.105574265f, 0.08626047f, 0.114959374f, 0.06605026f, -0.07477836f, 0.019999996f, 0.9686638f,
            4.5738766E-6f, -1.037793E-6f, -0.24837562f, 0.03714696f, 0.078603804f, -0.10641645f,
            -0.14272122f, 0.0076566637f, 0.22137582f};
    private static final double[] PICK_CUBE_REWARDS = {
            0.4251653552055359, 0.4927830100059509, 0.5293996930122375, 0.8001008629798889,
            0.883954644203186, 0.6996045112609863, 0.7130278944969177, 0.6445127725601196,
            0.7037147879600525, 0.8610804080963135};
    private static final float[] STACK_CUBE_LAST = {
            -0.2095111f, 0.5859485f, -0.030471304f, -1.7745174f, 0.049591187f, 2.3669722f, 0.45733798f,
            3.631143E-5f, 3.8524384E-5f, 0.060977202f, -1.3520356f, -0.022579527f, -0.72414625f,
            -0.047372706f, -0.4843934f, 0.044089615f, -0.063449234f, -0.06637715f, -0.615f, 7.2759576E-11f,
            -1.4901161E-8f, 1.0000001f, 0.0f, 0.0f, 0.0f, 0.028903302f, -0.15338217f, 0.12641644f,
            -0.0076512294f, 0.9995347f, 0.028939754f, 0.0058638016f, 0.14754383f, 0.053192656f, 0.01999992f,
            0.9945444f, 2.6655225E-6f, -3.5819664E-6f, 0.10431449f, 0.15007196f, -0.22811948f, 0.01999994f,
            0.20146948f, -6.692197E-6f, -1.7729261E-6f, -0.97949487f, 0.11864053f, 0.20657483f,
            -0.10641652f, 0.12116866f, -0.07473731f, -0.10641651f, 0.002528131f, -0.28131214f, 2.0489097E-8f};
    private static final double[] STACK_CUBE_REWARDS = {
            0.6711995601654053, 0.6633741855621338, 0.6448315382003784, 1.0994664430618286,
            1.487843632698059, 0.9284799098968506, 0.5982359647750854, 0.4258488416671753,
            0.47934889793395996, 0.5734493732452393};

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
        assertThat(lift.episodic()).as("ManiSkill's end at success is dropped, as the reference's was").isFalse();
        assertThat(registry.resolve("pick-ycb").actionSize()).isEqualTo(7);
        assertThat(registry.resolve("turn-faucet").actionSize()).isEqualTo(7);
        // ManiSkill2's observation layout and hand frame since revision 2 (README: Revisions)
        assertThat(provider.tasks()).allSatisfy(t -> assertThat(t.revision()).as(t.id()).isEqualTo(2));
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
    void seededEpisodeOfOneHundredAgentStepsWithSuccessFlag(String alias) {
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
     * The observation is ManiSkill2's (0.4.1, the reference's) for the task, in its order, as the reference's released
     * checkpoints read it: joint positions (9) and velocities (9), the robot's base pose (7), the hand pose (7), then
     * the task's entries; its differences are the differences of the entries they name. ManiSkill 3's own state
     * (36, 42 and 48 floats) leaves out the base pose and pick-cube's hand-to-goal vector and adds a grasp flag.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lift-cube", "pick-cube", "stack-cube"})
    void observesManiSkill2sLayout(String alias) {
        assumeVenv();
        int size = switch (alias) {
            case "lift-cube" -> 42; // LiftCube-v0: tcp_pose, obj_pose, tcp_to_obj_pos
            case "pick-cube" -> 51; // PickCube-v0: tcp_pose, goal_pos, tcp_to_goal_pos, obj_pose, tcp_to_obj_pos,
                                    // obj_to_goal_pos
            default -> 55; // StackCube-v0: tcp_pose, cubeA_pose, cubeB_pose, tcp_to_cubeA_pos, tcp_to_cubeB_pos,
                           // cubeA_to_cubeB_pos
        };
        try (Env env = registry.make(alias)) {
            assertThat(env.spec().observationSize()).isEqualTo(size);
            float[] obs = env.reset(3).observation();
            for (int t = 0; t < 3; t++) {
                assertThat(obs).hasSize(size);
                if (t == 0) {
                    assertThat(Arrays.copyOfRange(obs, 7, 9)).as("gripper fingers, open at the start")
                            .usingComparatorWithPrecision(1e-4f).containsExactly(0.04f, 0.04f);
                }
                assertThat(Arrays.copyOfRange(obs, 18, 25)).as("the robot's base pose")
                        .usingComparatorWithPrecision(1e-6f).containsExactly(-0.615f, 0f, 0f, 1f, 0f, 0f, 0f);
                assertUnit(obs, TCP + 3);
                switch (alias) {
                    case "lift-cube" -> {
                        assertUnit(obs, 35);
                        assertDifference(obs, 39, 32, TCP); // tcp to cube
                    }
                    case "pick-cube" -> {
                        assertDifference(obs, 35, 32, TCP); // tcp to goal
                        assertUnit(obs, 41);
                        assertDifference(obs, 45, 38, TCP); // tcp to cube
                        assertDifference(obs, 48, 32, 38); // cube to goal
                    }
                    default -> {
                        assertUnit(obs, 35);
                        assertUnit(obs, 42);
                        assertDifference(obs, 46, 32, TCP); // tcp to cube A
                        assertDifference(obs, 49, 39, TCP); // tcp to cube B
                        assertDifference(obs, 52, 39, 32); // cube A to cube B
                        assertThat(obs[34]).as("cube A on the table").isCloseTo(0.02f, within(1e-3f));
                    }
                }
                obs = env.step(new float[] {0.5f, -0.5f, 0.5f, 1f}).observation();
            }
        }
    }

    /**
     * The observations and rewards of a seeded episode of random actions are the ones recorded on ManiSkill 3.0.1 (CPU
     * simulation), so that a change in how the worker gets them from ManiSkill (the env's obs mode, what it reads, in
     * which order, at which point of the step) shows: the observation after 10 agent steps, which sums up the path
     * there (joint positions and velocities, the hand, cube and goal poses), and every step's reward and success flag.
     * Recorded while ManiSkill 3 still built its own state vector at each step (obs mode "state"); the worker has it
     * skip that now (obs mode "none"), which changed none of them. 1e-5 leaves room for another CPU's last bits.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lift-cube", "pick-cube", "stack-cube"})
    void aSeededEpisodeObservesAndScoresAsRecorded(String alias) {
        assumeVenv();
        float[] last = switch (alias) {
            case "lift-cube" -> LIFT_CUBE_LAST;
            case "pick-cube" -> PICK_CUBE_LAST;
            default -> STACK_CUBE_LAST;
        };
        double[] rewards = switch (alias) {
            case "lift-cube" -> LIFT_CUBE_REWARDS;
            case "pick-cube" -> PICK_CUBE_REWARDS;
            default -> STACK_CUBE_REWARDS;
        };
        try (Env env = registry.make(alias)) {
            Trajectory episode = RandomEpisodes.play(env, 5, 10);
            assertThat(episode.length()).isEqualTo(10);
            assertThat(episode.last().observation()).as("the observation after 10 agent steps")
                    .usingComparatorWithPrecision(1e-5f).containsExactly(last);
            for (int t = 0; t < 10; t++) {
                StepResult r = episode.steps().get(t);
                assertThat(r.reward()).as("reward of step %d", t + 1).isCloseTo(rewards[t], within(1e-5));
                assertThat(r.info().get(StepResult.SUCCESS)).as("success at step %d", t + 1).isEqualTo(false);
            }
        }
    }

    private static void assertUnit(float[] obs, int quaternion) {
        double norm = 0;
        for (int i = 0; i < 4; i++) {
            norm += obs[quaternion + i] * obs[quaternion + i];
        }
        assertThat(norm).as("quaternion at %d", quaternion).isCloseTo(1.0, within(1e-5));
    }

    private static void assertDifference(float[] obs, int at, int to, int from) {
        for (int i = 0; i < 3; i++) {
            assertThat(obs[at + i]).as("entry %d: %d - %d", at + i, to + i, from + i)
                    .isCloseTo(obs[to + i] - obs[from + i], within(1e-6f));
        }
    }

    /**
     * The hand moves along its own axes, as ManiSkill2's pd_ee_delta_pos moved it for the reference (its frame "ee"):
     * the hand points down, so +z moves it down and +y towards -y; x is x. ManiSkill 3's default moved it along the
     * base's axes, the other way in y and z.
     */
    @Test
    void theHandMovesAlongItsOwnAxesAsInManiSkill2() {
        assumeVenv();
        try (Env env = registry.make("pick-cube")) {
            float[][] expected = {{1, 0, 0}, {0, -1, 0}, {0, 0, -1}}; // world direction of hand axes x, y, z
            for (int axis = 0; axis < 3; axis++) {
                float[] start = env.reset(4).observation();
                float[] action = new float[4];
                action[axis] = 1f;
                float[] obs = start;
                for (int t = 0; t < 2; t++) {
                    obs = env.step(action).observation();
                }
                float along = (obs[TCP + axis] - start[TCP + axis]) * expected[axis][axis];
                assertThat(along).as("hand axis %d: moved along world axis %d", axis, axis).isGreaterThan(0.04f);
                for (int i = 0; i < 3; i++) {
                    if (i != axis) { // the hand is tilted a little: some motion across, as in ManiSkill2
                        assertThat(Math.abs(obs[TCP + i] - start[TCP + i])).as("hand axis %d, world axis %d", axis, i)
                                .isLessThan(along / 2);
                    }
                }
            }
        }
    }

    /** One seeded episode of random actions: it runs the 100 agent steps and is truncated. Returns the observations. */
    private static float[][] rollout(Env env, long seed) {
        Trajectory episode = RandomEpisodes.play(env, seed, 100).assertRanToItsLimit(100).assertSuccessFlagged();
        assertThat(episode.steps()).allSatisfy(r -> assertThat(r.info().get(DONE)).isInstanceOf(Boolean.class));
        return episode.observations();
    }

    /**
     * The scripted lift of seed 21 lifts the cube at agent step 60, where ManiSkill would end the episode; it runs
     * on to step 100 and, the cube still held, is a success. Letting the cube go at step 70 makes it a failure, as the
     * reference's published results scored it: the success flag of the last step counts, not the first success.
     */
    @Test
    void theEpisodeRunsItsHundredStepsPastTheLiftAndItsLastStepScoresIt() {
        assumeVenv();
        try (Env env = registry.make("maniskill/lift-cube")) {
            Trajectory held = scriptedLift(env, 21, Integer.MAX_VALUE).assertRanToItsLimit(100).assertSuccessFlagged();
            int lifted = firstSuccess(held);
            assertThat(lifted).as("the cube is lifted well before the limit").isBetween(40, 80);
            assertThat(held.steps().get(lifted - 1).info().get(DONE)).as("where ManiSkill ends the episode").isEqualTo(
                    true);
            assertThat(held.last().info().get(StepResult.SUCCESS)).as("still held at step 100").isEqualTo(true);
            assertThat(held.last().observation()[CUBE + 2]).isGreaterThanOrEqualTo(0.2f);
            assertThat(statistics(held)).extracting(EpisodeStatistics::length, EpisodeStatistics::success)
                    .containsExactly(100, true);

            Trajectory dropped = scriptedLift(env, 21, lifted + 10).assertRanToItsLimit(100).assertSuccessFlagged();
            assertThat(firstSuccess(dropped)).as("the same lift until the gripper opens").isEqualTo(lifted);
            assertThat(dropped.last().info().get(StepResult.SUCCESS)).as("the cube fell").isEqualTo(false);
            assertThat(dropped.last().observation()[CUBE + 2]).isLessThan(0.1f);
            assertThat(statistics(dropped)).extracting(EpisodeStatistics::length, EpisodeStatistics::success)
                    .containsExactly(100, false);
            // the returns recorded on ManiSkill 3.0.1 (see aSeededEpisodeObservesAndScoresAsRecorded); 100 steps of
            // contacts steered by the observations: room for another CPU's last bits growing on the way
            assertThat(held.totalReward()).as("return, held").isCloseTo(546.049760222435, within(0.05));
            assertThat(dropped.totalReward()).as("return, let go").isCloseTo(252.91683983802795, within(0.05));
        }
    }

    /**
     * Batched, as training steps its rows (one worker call per step, the action repeated in the worker): both rows run
     * their 100 steps past the lift, and each episode is scored by its last step, the held cube a success, the one let
     * go at step 70 a failure.
     */
    @Test
    void batchedRowsAlsoRunTheirHundredStepsAndAreScoredByTheLast() {
        assumeVenv();
        List<String> rows = List.of("maniskill/lift-cube", "maniskill/lift-cube");
        int[] releaseAt = {Integer.MAX_VALUE, 70};
        try (VectorEnv env = registry.makeVector(rows, List.of(EnvOptions.seeded(1), EnvOptions.seeded(2)), 1)) {
            float[][] obs = env.reset(21); // seeds 21 and 22
            boolean[] lifted = new boolean[2];
            VectorStepResult r = null;
            for (int t = 0; t < 100; t++) {
                r = env.step(new float[][] {liftAction(t, obs[0], releaseAt[0]), liftAction(t, obs[1], releaseAt[1])});
                for (int i = 0; i < 2; i++) {
                    lifted[i] |= Boolean.TRUE.equals(r.infos().get(i).get(StepResult.SUCCESS));
                    assertThat(r.terminated()[i]).as("row %d at step %d", i, t + 1).isFalse();
                    assertThat(r.truncated()[i]).as("row %d at step %d", i, t + 1).isEqualTo(t == 99);
                }
                obs = r.observations();
            }
            assertThat(lifted).as("both lifted the cube").containsExactly(true, true);
            assertThat(r.infos()).extracting(info -> info.get(StepResult.SUCCESS)).containsExactly(true, false);
            assertThat(r.infos()).extracting(info -> ((EpisodeStatistics) info.get(EpisodeStatistics.INFO_KEY))
                    .success()).containsExactly(true, false);
        }
    }

    /** {@link #liftAction} from {@code seed}'s start until the episode ends (100 steps at most). */
    private static Trajectory scriptedLift(Env env, long seed, int releaseAt) {
        float[] start = env.reset(seed).observation();
        float[] obs = start;
        List<StepResult> steps = new ArrayList<>();
        for (int t = 0; t < 100 && (steps.isEmpty() || !steps.get(steps.size() - 1).done()); t++) {
            StepResult r = env.step(liftAction(t, obs, releaseAt));
            steps.add(r);
            obs = r.observation();
        }
        return new Trajectory(start, steps);
    }

    /**
     * A scripted grasp and lift on lift-cube, the action at step {@code t} (from 0) after {@code obs}: gripper open
     * above the cube, down onto it, closed, then up to 0.3 m; the gripper opens again from agent step
     * {@code releaseAt} (from 1) on. The hand moves along its own axes, as ManiSkill2's controller moved it.
     */
    private static float[] liftAction(int t, float[] obs, int releaseAt) {
        // ManiSkill2's LiftCube-v0 layout: tcp position at 25..27 and orientation (w, x, y, z) at 28..31, cube
        // position at 32..34; gripper open (+1) then closed (-1)
        float[] target = new float[3];
        for (int i = 0; i < 3; i++) {
            target[i] = t < 45 ? obs[CUBE + i] : obs[TCP + i];
        }
        if (t < 25) {
            target[2] += 0.06f; // above the cube, then down onto it
        }
        if (t >= 55) {
            target[2] = 0.3f; // lift
        }
        float[] world = new float[3];
        for (int i = 0; i < 3; i++) {
            world[i] = 10f * (target[i] - obs[TCP + i]);
        }
        float[] hand = toHandFrame(obs, world);
        float[] action = new float[4];
        for (int i = 0; i < 3; i++) {
            action[i] = Math.max(-1f, Math.min(1f, hand[i]));
        }
        action[3] = t < 45 || t + 1 >= releaseAt ? 1f : -1f;
        return action;
    }

    /** {@code v} (world axes) along the hand's axes: the hand's orientation at {@code obs[TCP + 3..6]}, inverted. */
    private static float[] toHandFrame(float[] obs, float[] v) {
        double w = obs[TCP + 3], x = -obs[TCP + 4], y = -obs[TCP + 5], z = -obs[TCP + 6]; // the conjugate
        // q v q*, written out: v + 2w (u x v) + 2 u x (u x v) with u = (x, y, z)
        double cx = y * v[2] - z * v[1], cy = z * v[0] - x * v[2], cz = x * v[1] - y * v[0];
        return new float[] {(float) (v[0] + 2 * (w * cx + y * cz - z * cy)),
                (float) (v[1] + 2 * (w * cy + z * cx - x * cz)), (float) (v[2] + 2 * (w * cz + x * cy - y * cx))};
    }

    /** The agent step (from 1) whose success flag is the first true one. */
    private static int firstSuccess(Trajectory episode) {
        for (int t = 0; t < episode.length(); t++) {
            if (Boolean.TRUE.equals(episode.steps().get(t).info().get(StepResult.SUCCESS))) {
                return t + 1;
            }
        }
        throw new AssertionError("no step of the episode has the success flag");
    }

    private static EpisodeStatistics statistics(Trajectory episode) {
        Object statistics = episode.last().info().get(EpisodeStatistics.INFO_KEY);
        assertThat(statistics).as("the episode's statistics on its last step").isInstanceOf(EpisodeStatistics.class);
        return (EpisodeStatistics) statistics;
    }
}
