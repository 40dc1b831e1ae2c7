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
 * Quadruped rewards at hand-built states (the default pose: torso level, 0.57 m up), its start, its floors and its
 * sensors' scaling. The velocimeter reads the torso's velocity in the torso's frame, so only the root's own forward
 * velocity pays.
 */
class QuadrupedTest {
    private static final double EPS = 1e-9;

    @Test
    void standingStillPaysHalfAndTheTargetSpeedPaysFully() {
        try (DmcEnv env = make("dmc/quadruped-walk")) {
            rest(env);
            // 0.5 m/s short of 0.5 is the margin, where the linear sigmoid gives 0.5
            assertThat(env.reward()).isCloseTo(0.5, within(EPS));
            rootVelocity(env, 0.5, 0, 0);
            assertThat(env.reward()).isCloseTo(1.0, within(EPS));
            rootVelocity(env, 0, 0.5, 0); // sideways does not count
            assertThat(env.reward()).isCloseTo(0.5, within(EPS));
        }
        try (DmcEnv env = make("dmc/quadruped-run")) {
            rest(env);
            rootVelocity(env, 2.5, 0, 0); // half way to 5 m/s: 1 - 0.5 * 0.5
            assertThat(env.reward()).isCloseTo(0.75, within(EPS));
        }
    }

    @Test
    void forwardIsTheTorsosOwnAndUpsideDownEarnsNothing() {
        try (DmcEnv env = make("dmc/quadruped-walk")) {
            rest(env);
            DmcPhysics physics = env.physics();
            // turned 180 degrees about z: moving along the world's +x is moving backwards
            physics.qpos().put(3, 0).put(6, 1);
            rootVelocity(env, 0.5, 0, 0);
            assertThat(env.reward()).isCloseTo(0.0, within(EPS));
            rootVelocity(env, -0.5, 0, 0);
            assertThat(env.reward()).isCloseTo(1.0, within(EPS));
            // upside down (180 degrees about x) at the target speed along its own x: upright is 0
            physics.qpos().put(3, 0).put(4, 1).put(6, 0);
            rootVelocity(env, 0.5, 0, 0);
            assertThat(env.reward()).isCloseTo(0.0, within(EPS));
        }
    }

    @Test
    void aResetStartsAtTheLowestHeightFreeOfContactsTurnedAtRandom() {
        try (DmcEnv env = make("dmc/quadruped-run")) {
            for (long seed = 1; seed <= 5; seed++) {
                float[] obs = env.reset(seed).observation();
                DmcPhysics physics = env.physics();
                assertThat(obs).hasSize(78);
                assertThat(physics.contactCount()).isZero();
                double z = physics.qpos().get(2);
                assertThat(z).isGreaterThan(0);
                double w = physics.qpos().get(3);
                double x = physics.qpos().get(4);
                double y = physics.qpos().get(5);
                double q = physics.qpos().get(6);
                assertThat(w * w + x * x + y * y + q * q).isCloseTo(1.0, within(1e-12));
                // 1 cm lower, something touches the floor
                physics.qpos().put(2, z - 0.01);
                physics.afterReset();
                assertThat(physics.contactCount()).as("seed %d, 1 cm lower", seed).isPositive();
                assertThat(env.reset(seed).observation()).as("same seed, same start").containsExactly(obs);
            }
        }
    }

    @Test
    void theFloorReachesAsFarAsTheTaskRuns() {
        for (String id : new String[] {"dmc/quadruped-walk", "dmc/quadruped-run"}) {
            try (DmcEnv env = make(id)) {
                DmcPhysics physics = env.physics();
                int floor = physics.model().geomId("floor");
                double expected = id.endsWith("walk") ? 10 : 100; // 20 s at 0.5 or 5 m/s
                assertThat(physics.geomSize(floor, 0)).as(id).isEqualTo(expected);
                assertThat(physics.geomSize(floor, 1)).as(id).isEqualTo(expected);
            }
        }
    }

    @Test
    void toeSensorsAreScaledByTheInverseHyperbolicSine() {
        assertThat(Quadruped.Move.asinh(0)).isZero();
        assertThat(Quadruped.Move.asinh(1)).isCloseTo(0.881373587019543, within(1e-15));
        assertThat(Quadruped.Move.asinh(-1e-10)).isCloseTo(-1e-10, within(1e-25));
        assertThat(Quadruped.Move.asinh(1000)).isCloseTo(7.600902709541988, within(1e-14));
        assertThat(Quadruped.Move.asinh(-250.5)).isCloseTo(-Quadruped.Move.asinh(250.5), within(0.0));
    }
}
