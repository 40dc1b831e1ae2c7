package io.github.tdmpc2j.tasks.dmc.domains;

import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.make;
import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.position;
import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.rest;
import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.velocity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.tdmpc2j.tasks.dmc.DmcEnv;
import org.junit.jupiter.api.Test;

/**
 * Cheetah rewards at hand-built states. With only rootx moving, the centre-of-mass speed is rootx's velocity.
 * Lifted 2 m (rootz = 2) every body is above the 1.2 m jump height. Pitched by -90 degrees about y (rooty) with
 * the torso at 1.3 m, the front foot's frame is 0.49 m above the torso and the back foot's 0.62 m below it.
 */
class CheetahTest {
    private static final double EPS = 1e-9;

    @Test
    void runBackwardsPaysFullyAtEightMetresPerSecondBackwardsAndNothingStandingStill() {
        try (DmcEnv env = make("dmc/cheetah-run-backwards")) {
            rest(env);
            assertThat(env.reward()).isEqualTo(0.0);
            velocity(env, "rootx", -8);
            assertThat(env.reward()).isCloseTo(1.0, within(EPS));
            velocity(env, "rootx", -4);
            assertThat(env.reward()).isCloseTo(0.5, within(EPS));
            velocity(env, "rootx", 10);
            assertThat(env.reward()).isEqualTo(0.0);
        }
        try (DmcEnv env = make("dmc/cheetah-run")) {
            rest(env);
            velocity(env, "rootx", -8);
            assertThat(env.reward()).isEqualTo(0.0);
            velocity(env, "rootx", 10);
            assertThat(env.reward()).isCloseTo(1.0, within(EPS));
        }
    }

    @Test
    void runBackRewardsTheFrontEndUpAtSixMetresPerSecond() {
        try (DmcEnv back = make("dmc/cheetah-run-back"); DmcEnv front = make("dmc/cheetah-run-front")) {
            for (DmcEnv env : new DmcEnv[] {back, front}) {
                rest(env);
                position(env, "rooty", -Math.PI / 2);
                position(env, "rootz", 0.6);
                velocity(env, "rootx", 6);
            }
            assertThat(back.reward()).isCloseTo(1.0, within(EPS));
            // run-front wants the back foot up: at 0.68 m it scores 0.1^((0.52 / 0.6)^2); torso up scores 1
            double footUp = Math.pow(0.1, Math.pow(0.52 / 0.6, 2));
            assertThat(front.reward()).isCloseTo((3 * footUp + 2) / 5, within(1e-6));

            velocity(back, "rootx", 0);
            assertThat(back.reward()).isCloseTo(1.0 / 6, within(EPS));
        }
    }

    @Test
    void jumpPaysForBothEndsHighWithLittleHorizontalMotion() {
        try (DmcEnv env = make("dmc/cheetah-jump")) {
            rest(env);
            double onTheGround = env.reward();
            assertThat(onTheGround).isLessThan(0.3);

            position(env, "rootz", 2);
            assertThat(env.reward()).isCloseTo(1.0, within(EPS));
            velocity(env, "rootx", 1);
            assertThat(env.reward()).isCloseTo(5.0 / 6, within(EPS));
        }
    }

    @Test
    void resetSettlesTheCheetahOnTheGroundAndRestartsTheClock() {
        try (DmcEnv env = make("dmc/cheetah-run")) {
            env.reset(3);
            assertThat(env.physics().data().time()).isEqualTo(0.0);
            // after 200 settling steps the torso rests near its standing height, far below its 0.7 m start + drop
            double torsoHeight = env.physics().xpos().get(3 * env.physics().model().bodyId("torso") + 2);
            assertThat(torsoHeight).isBetween(0.0, 1.0);
        }
    }
}
