package io.github.tdmpc2j.tasks.dmc.domains;

import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.make;
import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.rest;
import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.rootVelocity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.tdmpc2j.tasks.dmc.DmcEnv;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import org.junit.jupiter.api.Test;

/**
 * Humanoid rewards at hand-built states, and its observation's egocentric parts. In the default pose the head is
 * 1.69 m high (above the 1.4 m stand height) and the torso upright, so the stand part is exactly 1. The root's
 * first three velocities move every body alike, so they are the centre of mass's velocity.
 */
class HumanoidTest {
    private static final double EPS = 1e-9;

    @Test
    void standingStillPaysFullyForStandAndASixthForWalkAndRun() {
        for (String id : new String[] {"dmc/humanoid-stand", "dmc/humanoid-walk", "dmc/humanoid-run"}) {
            try (DmcEnv env = make(id)) {
                rest(env);
                assertThat(env.reward()).as(id).isCloseTo(id.endsWith("stand") ? 1.0 : 1.0 / 6, within(EPS));
            }
        }
    }

    @Test
    void walkCountsHorizontalSpeedInAnyDirection() {
        try (DmcEnv env = make("dmc/humanoid-walk")) {
            rest(env);
            rootVelocity(env, 0.6, -0.8, 0); // 1 m/s
            assertThat(env.reward()).isCloseTo(1.0, within(EPS));
            rootVelocity(env, 0, 0, 3); // straight up: no horizontal speed
            assertThat(env.reward()).isCloseTo(1.0 / 6, within(EPS));
        }
    }

    @Test
    void runNeedsTenMetresPerSecondAndPaysLinearlyBelow() {
        try (DmcEnv env = make("dmc/humanoid-run")) {
            rest(env);
            rootVelocity(env, -10, 0, 0);
            assertThat(env.reward()).isCloseTo(1.0, within(EPS));
            // 5 m/s short with a margin of 10: linear 1 - 0.5 = 0.5
            rootVelocity(env, 0, 5, 0);
            assertThat(env.reward()).isCloseTo((5 * 0.5 + 1) / 6, within(EPS));
        }
    }

    @Test
    void standPaysLessForMovingAndForFullControls() {
        try (DmcEnv env = make("dmc/humanoid-stand")) {
            rest(env);
            // 2 m/s is the margin: the Gaussian gives 0.1 there; the mean over x and y is (0.1 + 1) / 2
            rootVelocity(env, 2, 0, 0);
            assertThat(env.reward()).isCloseTo(0.55, within(EPS));
            rest(env);
            DmcPhysics physics = env.physics();
            for (int i = 0; i < physics.ctrl().limit(); i++) {
                physics.ctrl().put(i, i % 2 == 0 ? 1 : -1);
            }
            assertThat(env.reward()).isCloseTo(0.8, within(EPS));
        }
    }

    @Test
    void lyingOnTheFloorEarnsNothing() {
        try (DmcEnv env = make("dmc/humanoid-stand")) {
            rest(env);
            DmcPhysics physics = env.physics();
            // turned 90 degrees about y (w = cos 45, y = sin 45) and lowered: head 0.2 m high, torso horizontal
            physics.qpos().put(2, 0.2);
            physics.qpos().put(3, Math.sqrt(0.5));
            physics.qpos().put(5, Math.sqrt(0.5));
            physics.forward();
            // upright: zz = 0, 0.9 short of 0.9 over a linear margin of 1.9; standing: 1.2 m short of 1.4
            assertThat(env.reward()).isLessThan(1e-3);
        }
    }

    @Test
    void aResetStartsFreeOfContactsTurnedAtRandomWhereTheModelPutsTheTorso() {
        try (DmcEnv env = make("dmc/humanoid-walk")) {
            for (long seed = 1; seed <= 5; seed++) {
                float[] obs = env.reset(seed).observation();
                DmcPhysics physics = env.physics();
                assertThat(obs).hasSize(67);
                assertThat(physics.contactCount()).isZero();
                assertThat(physics.qpos().get(0)).isZero();
                assertThat(physics.qpos().get(1)).isZero();
                assertThat(physics.qpos().get(2)).isEqualTo(1.5);
                assertThat(Math.abs(physics.qpos().get(3))).as("a turned torso").isLessThan(0.999);
                // the joint angles come first, the head's height next
                int head = physics.model().bodyId("head");
                assertThat((double) obs[21]).isCloseTo(physics.xpos().get(3 * head + 2), within(1e-6));
                assertThat(env.reset(seed).observation()).as("same seed, same start").containsExactly(obs);
            }
        }
    }

    @Test
    void handsAndFeetAreSeenFromTheTorsoWhateverWayItIsTurned() {
        try (DmcEnv env = make("dmc/humanoid-stand")) {
            env.reset(3); // a random orientation of the root
            DmcPhysics physics = env.physics();
            var qpos0 = physics.model().qpos0();
            for (int i = 7; i < qpos0.limit(); i++) {
                physics.qpos().put(i, qpos0.get(i)); // the default pose, the root still turned
            }
            physics.forward();
            float[] obs = env.observe();
            // left hand: upper arm at (0, 0.17, 0.06), lower arm 0.18 on, hand 0.18 on (model offsets)
            assertThat(slice(obs, 22, 3)).containsExactly(new float[] {0.36f, 0.17f, 0.06f}, within(1e-6f));
            // left foot: thigh at (0, 0.1, -0.04) from the pelvis, shin (0, -0.01, -0.403), foot (0, 0, -0.39);
            // pelvis (0, 0, -0.165) from the lower waist at (-0.01, 0, -0.26), each turned by the quat 1 0 -0.002 0
            float[] leftFoot = slice(obs, 25, 3);
            assertThat(leftFoot[1]).isCloseTo(0.09f, within(1e-5f));
            assertThat(leftFoot[2]).isCloseTo(-1.258f, within(2e-3f));
            // right hand: mirrored left hand
            assertThat(slice(obs, 28, 3)).containsExactly(new float[] {0.36f, -0.17f, 0.06f}, within(1e-6f));
        }
    }


    private static float[] slice(float[] values, int from, int count) {
        float[] out = new float[count];
        System.arraycopy(values, from, out, 0, count);
        return out;
    }
}
