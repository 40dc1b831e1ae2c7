package io.github.tdmpc2j.tasks.dmc.domains;

import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.make;
import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.rest;
import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.rootVelocity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.tdmpc2j.tasks.dmc.DmcEnv;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Dog rewards at hand-built states, its start, its floors and its observation's layout. The default pose touches
 * nothing (the feet hang just above the floor), so there the soles and palms bear no weight: the touch term is 0.9
 * and everything else (heights above 90% of the default's, skull, torso and pelvis level) is 1. Expected numbers
 * are dm_control 1.0.50's, printed by its own {@code dog.Stand}/{@code dog.Move} at the same states.
 */
class DogTest {
    private static final double EPS = 1e-12;
    private static final String[] TASKS = {"dmc/dog-stand", "dmc/dog-walk", "dmc/dog-trot", "dmc/dog-run"};

    @Test
    void standHeightsAndBodyWeightAreDmControls() {
        try (DmcEnv env = make("dmc/dog-walk")) {
            Dog.Move task = (Dog.Move) env.task();
            // dm_control: stand_height [0.373698, 0.42854841], body weight 100.46366448928629
            assertThat(task.standHeight()[0]).isCloseTo(0.9 * 0.41522, within(1e-15));
            assertThat(task.standHeight()[1]).isCloseTo(0.42854841, within(1e-8));
            assertThat(task.bodyWeight()).isCloseTo(100.46366448928629, within(1e-12));
        }
    }

    @Test
    void theDefaultPoseInTheAirPaysTheTouchTermAndStandingStillAFifthOfIt() {
        for (String id : TASKS) {
            try (DmcEnv env = make(id)) {
                rest(env);
                assertThat(env.physics().contactCount()).as(id).isZero();
                assertThat(env.reward()).as(id).isCloseTo(id.endsWith("stand") ? 0.9 : 0.9 * 0.2, within(EPS));
                env.physics().qpos().put(2, 1.4); // a metre higher: the same
                env.physics().forward();
                assertThat(env.reward()).as(id).isCloseTo(id.endsWith("stand") ? 0.9 : 0.9 * 0.2, within(EPS));
            }
        }
    }

    @Test
    void movingForwardPaysBetweenTheSpeedAndTwiceIt() {
        try (DmcEnv env = make("dmc/dog-walk")) {
            rest(env);
            rootVelocity(env, 1.5, 0, 0);
            assertThat(env.reward()).isCloseTo(0.9, within(EPS));
            rootVelocity(env, 0.5, 0, 0); // half way through the 1 m/s margin: (4 * 0.5 + 1) / 5
            assertThat(env.reward()).isCloseTo(0.9 * 0.6, within(EPS));
            rootVelocity(env, 2.5, 0, 0); // 0.5 m/s too fast
            assertThat(env.reward()).isCloseTo(0.9 * 0.6, within(EPS));
            rootVelocity(env, 0, 1.5, 0); // sideways does not count
            assertThat(env.reward()).isCloseTo(0.9 * 0.2, within(EPS));
        }
        try (DmcEnv env = make("dmc/dog-run")) {
            rest(env);
            rootVelocity(env, 4.5, 0, 0); // margin 9: half way, (4 * 0.5 + 1) / 5
            assertThat(env.reward()).isCloseTo(0.9 * 0.6, within(EPS));
            rootVelocity(env, 18, 0, 0);
            assertThat(env.reward()).isCloseTo(0.9, within(EPS));
        }
    }

    @Test
    void forwardIsTheTorsosOwnAndUpsideDownEarnsNothing() {
        try (DmcEnv env = make("dmc/dog-trot")) {
            rest(env);
            DmcPhysics physics = env.physics();
            physics.qpos().put(3, 0).put(6, 1); // turned 180 degrees about z
            rootVelocity(env, -3, 0, 0);
            assertThat(env.reward()).isCloseTo(0.9, within(EPS));
            rootVelocity(env, 3, 0, 0);
            assertThat(env.reward()).isCloseTo(0.9 * 0.2, within(EPS));
            physics.qpos().put(3, 0).put(4, 1).put(6, 0); // upside down: no part is upright
            physics.qpos().put(2, 1.4);
            rootVelocity(env, 3, 0, 0);
            assertThat(env.reward()).isZero();
        }
    }

    @Test
    void lowTorsoOrPelvisPaysLess() {
        try (DmcEnv env = make("dmc/dog-stand")) {
            rest(env);
            DmcPhysics physics = env.physics();
            // lowered level until the torso is at 45% of its default height: half its stand height under, the
            // Gaussian at half the margin is 0.1^(1/4); the pelvis, higher, is lowered by as much
            Dog.Move task = (Dog.Move) env.task();
            double drop = 0.41522 - task.standHeight()[0] / 2;
            physics.qpos().put(2, 0.41522 - drop);
            physics.forward();
            double torso = Math.pow(0.1, 0.25);
            double pelvisShort = task.standHeight()[1] - (0.4761649 - drop);
            double pelvis = Math.exp(Math.log(0.1) * Math.pow(pelvisShort / task.standHeight()[1], 2));
            double touch = touchTerm(physics, task.bodyWeight());
            assertThat(env.reward()).isCloseTo(torso * pelvis * touch, within(1e-6));
            assertThat(env.reward()).isLessThan(0.9 * torso);
        }
    }

    @Test
    void aResetTurnsTheDefaultPoseAboutTheVerticalAndPushesIt() {
        try (DmcEnv env = make("dmc/dog-walk")) {
            Set<Double> azimuths = new HashSet<>();
            for (long seed = 1; seed <= 5; seed++) {
                float[] obs = env.reset(seed).observation();
                DmcPhysics physics = env.physics();
                var qpos = physics.qpos();
                var qpos0 = physics.model().qpos0();
                for (int i = 0; i < qpos.limit(); i++) {
                    if (i < 3 || i > 6) {
                        assertThat(qpos.get(i)).as("seed %d qpos %d", seed, i).isEqualTo(qpos0.get(i));
                    }
                }
                double w = qpos.get(3);
                double z = qpos.get(6);
                assertThat(qpos.get(4)).isZero();
                assertThat(qpos.get(5)).isZero();
                assertThat(w * w + z * z).isCloseTo(1.0, within(1e-15));
                assertThat(w).as("half the azimuth is in [0, pi)").isGreaterThan(-1).isLessThanOrEqualTo(1);
                assertThat(z).isGreaterThanOrEqualTo(0);
                azimuths.add(2 * Math.atan2(z, w));
                var qvel = physics.qvel();
                for (int i = 0; i < qvel.limit(); i++) {
                    if (i != 0 && i != 1 && i != 5) {
                        assertThat(qvel.get(i)).as("seed %d qvel %d", seed, i).isZero();
                    }
                }
                assertThat(qvel.get(0)).isNotZero();
                assertThat(qvel.get(5)).isNotZero();
                var act = physics.data().act();
                double sum = 0;
                for (int i = 0; i < act.limit(); i++) {
                    assertThat(act.get(i)).isBetween(-1.0, 1.0);
                    sum += Math.abs(act.get(i));
                }
                assertThat(sum).as("random activations").isGreaterThan(1);
                assertThat(physics.contactCount()).as("the default pose touches nothing").isZero();
                assertThat(env.reset(seed).observation()).as("same seed, same start").containsExactly(obs);
            }
            assertThat(azimuths).hasSize(5);
        }
    }

    @Test
    void theFloorReachesAsFarAsTheTaskMoves() {
        double[] sizes = {15, 15, 45, 135}; // 15 s at 1 (stand: walk's), 1, 3, 9 m/s
        for (int i = 0; i < TASKS.length; i++) {
            try (DmcEnv env = make(TASKS[i])) {
                DmcPhysics physics = env.physics();
                int floor = physics.model().geomId("floor");
                assertThat(physics.geomSize(floor, 0)).as(TASKS[i]).isEqualTo(sizes[i]);
                assertThat(physics.geomSize(floor, 1)).as(TASKS[i]).isEqualTo(sizes[i]);
            }
        }
    }

    @Test
    void theObservationIsDmControlsDictInOrder() {
        try (DmcEnv env = make("dmc/dog-run")) {
            float[] obs = env.reset(3).observation();
            DmcPhysics physics = env.physics();
            var model = physics.model();
            assertThat(obs).hasSize(223);
            // 73 hinge angles, then their 73 velocities: the first hinge is L_1_extend, the root's qpos is skipped
            assertThat(obs[0]).isEqualTo((float) physics.qpos().get(physics.qposAddress("L_1_extend")));
            assertThat(obs[73]).isEqualTo((float) physics.qvel().get(physics.dofAddress("L_1_extend")));
            int torso = model.bodyId("torso");
            int pelvis = model.bodyId("pelvis");
            assertThat(obs[146]).isEqualTo((float) physics.xpos().get(3 * torso + 2));
            assertThat(obs[147]).isEqualTo((float) physics.xpos().get(3 * pelvis + 2));
            // z projections: skull, torso, pelvis; the torso's zz is its upright cosine
            assertThat(obs[148 + 5]).isEqualTo((float) physics.xmat().get(9 * torso + 8));
            var sensors = physics.sensordata();
            assertThat(obs[160]).isEqualTo((float) sensors.get(physics.sensorAddress("accelerometer")));
            assertThat(obs[169]).isEqualTo((float) sensors.get(physics.sensorAddress("foot_L")));
            assertThat(obs[181]).isEqualTo((float) sensors.get(physics.sensorAddress("palm_L")));
            assertThat(obs[185]).isEqualTo((float) physics.data().act().get(0));
            assertThat(obs[222]).isEqualTo((float) physics.data().act().get(37));
        }
    }

    private static double touchTerm(DmcPhysics physics, double bodyWeight) {
        double touch = 0;
        for (String s : new String[] {"palm_L", "palm_R", "sole_L", "sole_R"}) {
            touch += physics.sensordata().get(physics.sensorAddress(s));
        }
        return touch >= bodyWeight ? 1 : 1 - 0.1 * (bodyWeight - touch) / bodyWeight;
    }
}
