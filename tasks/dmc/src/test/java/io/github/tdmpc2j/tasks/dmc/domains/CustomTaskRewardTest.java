package io.github.tdmpc2j.tasks.dmc.domains;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.tasks.dmc.DmcEnv;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import io.github.tdmpc2j.tasks.dmc.DmcProvider;
import org.junit.jupiter.api.Test;

/**
 * The TD-MPC2 custom tasks of this helper's domains, rewarded at hand-built states. Expected values follow the
 * reference's formulas: pendulum-spin is tolerance(|w|, [9, inf), margin 4.5, linear, 0.5 at the margin);
 * cup-spin is (1 - in_cup) * (far + 2 fast) / 3 with far = tolerance(distance, [0.5, inf), margin 0.25) and
 * fast = tolerance(speed, [6, inf), margin 3); reacher-three pays 1 while the fingertip touches the target.
 */
class CustomTaskRewardTest {
    private static final DmcProvider PROVIDER = new DmcProvider();

    private static DmcEnv make(String id) {
        DmcEnv env = (DmcEnv) PROVIDER.create(PROVIDER.tasks().stream().filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow(), EnvOptions.defaults());
        env.reset(0);
        return env;
    }

    private static double rewardAt(DmcEnv env, double[] qpos, double[] qvel) {
        DmcPhysics physics = env.physics();
        for (int i = 0; i < qpos.length; i++) {
            physics.qpos().put(i, qpos[i]);
        }
        for (int i = 0; i < qvel.length; i++) {
            physics.qvel().put(i, qvel[i]);
        }
        physics.forward();
        return env.reward();
    }

    @Test
    void pendulumSpinPaysForSpinningFastEitherWay() {
        try (DmcEnv env = make("dmc/pendulum-spin")) {
            assertThat(rewardAt(env, new double[] {0.3}, new double[] {9.5})).isEqualTo(1.0);
            assertThat(rewardAt(env, new double[] {2.0}, new double[] {-12})).isEqualTo(1.0);
            assertThat(rewardAt(env, new double[] {0.0}, new double[] {0})).isEqualTo(0.0);
            assertThat(rewardAt(env, new double[] {0.0}, new double[] {4.5})).isCloseTo(0.5, within(1e-12));
            assertThat(rewardAt(env, new double[] {1.0}, new double[] {-6.75})).isCloseTo(0.75, within(1e-12));
            // upright but still: swing-up would pay, spin does not
            assertThat(rewardAt(env, new double[] {Math.PI}, new double[] {0})).isEqualTo(0.0);
        }
    }

    @Test
    void cupSpinPaysForTheBallFarAndFastOutsideTheCup() {
        try (DmcEnv env = make("dmc/cup-spin")) {
            // qpos: cup_x, cup_z, ball_x, ball_z; the ball body starts 0.4 below the cup body.
            double inCup = rewardAt(env, new double[] {0, 0, 0, 0.35}, new double[] {0, 0, 8, 0});
            assertThat(inCup).as("ball resting in the cup, even when fast").isEqualTo(0.0);
            double farAndFast = rewardAt(env, new double[] {0, 0, 0, -0.2}, new double[] {0, 0, 7, 0});
            assertThat(farAndFast).as("0.55 from the target at 7 m/s").isEqualTo(1.0);
            double farAndStill = rewardAt(env, new double[] {0, 0, 0, -0.2}, new double[] {0, 0, 0, 0});
            assertThat(farAndStill).as("far but still: only the distance third").isCloseTo(1.0 / 3, within(1e-12));
            double halfway = rewardAt(env, new double[] {0, 0, 0, -0.025}, new double[] {0, 0, 3.0, 0});
            // distance 0.375: far = 0.75; speed 3: fast = 0.5
            assertThat(halfway).isCloseTo((0.75 + 2 * 0.5) / 3, within(1e-9));
        }
    }

    @Test
    void cupCatchPaysOnlyInTheCup() {
        try (DmcEnv env = make("dmc/cup-catch")) {
            assertThat(rewardAt(env, new double[] {0, 0, 0, 0.35}, new double[] {0, 0, 0, 0})).isEqualTo(1.0);
            assertThat(rewardAt(env, new double[] {0, 0, 0, -0.2}, new double[] {0, 0, 7, 0})).isEqualTo(0.0);
        }
    }

    @Test
    void reacherThreePaysWhenTheFingertipTouchesTheTarget() {
        try (DmcEnv easy = make("dmc/reacher-three-easy"); DmcEnv hard = make("dmc/reacher-three-hard")) {
            for (DmcEnv env : new DmcEnv[] {easy, hard}) {
                DmcPhysics physics = env.physics();
                int target = physics.model().geomId("target");
                // Straight arm: the fingertip is at x = 3 * 0.09.
                physics.setGeomPos(target, 0, 0.27);
                physics.setGeomPos(target, 1, 0.0);
                assertThat(rewardAt(env, new double[] {0, 0, 0}, new double[] {0, 0, 0})).isEqualTo(1.0);
                physics.setGeomPos(target, 1, 0.2);
                assertThat(rewardAt(env, new double[] {0, 0, 0}, new double[] {0, 0, 0})).isEqualTo(0.0);
            }
            // 0.04 away: inside the easy target radius plus the fingertip (0.05 + 0.01), outside the hard one.
            for (DmcEnv env : new DmcEnv[] {easy, hard}) {
                int target = env.physics().model().geomId("target");
                env.physics().setGeomPos(target, 0, 0.27);
                env.physics().setGeomPos(target, 1, 0.04);
            }
            assertThat(rewardAt(easy, new double[] {0, 0, 0}, new double[] {0, 0, 0})).isEqualTo(1.0);
            assertThat(rewardAt(hard, new double[] {0, 0, 0}, new double[] {0, 0, 0})).isEqualTo(0.0);
            assertThat(easy.observe()).hasSize(8);
        }
    }
}
