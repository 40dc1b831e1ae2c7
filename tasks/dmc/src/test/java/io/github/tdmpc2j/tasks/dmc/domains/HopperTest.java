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
 * Hopper rewards at hand-built states. In the default pose the leg is straight and the torso's centre of mass is
 * about 0.97 m above the foot's, inside the [0.6, 2] m standing band.
 */
class HopperTest {
    private static final double EPS = 1e-9;

    @Test
    void hopBackwardsPaysFullyAtOneMetrePerSecondBackwardsAndNothingStandingStill() {
        try (DmcEnv env = make("dmc/hopper-hop-backwards")) {
            rest(env);
            assertThat(env.reward()).isEqualTo(0.0);
            velocity(env, "rootx", -1);
            assertThat(env.reward()).isCloseTo(1.0, within(EPS));
            // 0.25 m/s short of -1 is half the margin (0.5): linear 1 - 0.5 * (1 - 0.5) = 0.75
            velocity(env, "rootx", -0.75);
            assertThat(env.reward()).isCloseTo(0.75, within(EPS));
            // the whole margin short: the linear sigmoid's value at the margin, 0.5
            velocity(env, "rootx", -0.5);
            assertThat(env.reward()).isCloseTo(0.5, within(EPS));
            velocity(env, "rootx", 2);
            assertThat(env.reward()).isEqualTo(0.0);
        }
    }

    @Test
    void hopBackwardsPaysNothingWhenFallenOver() {
        try (DmcEnv env = make("dmc/hopper-hop-backwards")) {
            rest(env);
            position(env, "rooty", Math.PI / 2);
            velocity(env, "rootx", -1);
            assertThat(env.reward()).isEqualTo(0.0);
        }
    }

    @Test
    void standPaysForSmallControls() {
        try (DmcEnv env = make("dmc/hopper-stand")) {
            rest(env);
            assertThat(env.reward()).isCloseTo(1.0, within(EPS));
            env.physics().setControl(new float[] {1, 1, 1, 1});
            assertThat(env.reward()).isCloseTo(0.8, within(EPS));
        }
    }
}
