package io.github.tdmpc2j.tasks.dmc.domains;

import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.make;
import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.rest;
import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.velocity;
import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.tdmpc2j.tasks.dmc.DmcEnv;
import org.junit.jupiter.api.Test;

/**
 * Walker rewards at hand-built states. In the default pose the torso stands 1.3 m high (above the 1.2 m stand
 * height) and upright, so the stand part is exactly 1 and the move part decides. The centre-of-mass velocity
 * equals rootx's velocity when only rootx moves.
 */
class WalkerTest {
    private static final double EPS = 1e-9;

    @Test
    void walkBackwardsPaysFullyAtTargetSpeedBackwardsAndASixthStandingStill() {
        try (DmcEnv env = make("dmc/walker-walk-backwards")) {
            rest(env);
            assertThat(env.reward()).isCloseTo(1.0 / 6, within(EPS));
            velocity(env, "rootx", -1.5);
            assertThat(env.reward()).isCloseTo(1.0, within(EPS));
            // 0.25 m/s short of -1 is half the margin (0.5): linear 1 - 0.5 * 0.5 = 0.75
            velocity(env, "rootx", -0.75);
            assertThat(env.reward()).isCloseTo((5 * 0.75 + 1) / 6, within(EPS));
            velocity(env, "rootx", 1.5);
            assertThat(env.reward()).isCloseTo(1.0 / 6, within(EPS));
        }
    }

    @Test
    void runBackwardsNeedsEightMetresPerSecondBackwards() {
        try (DmcEnv env = make("dmc/walker-run-backwards")) {
            rest(env);
            velocity(env, "rootx", -8);
            assertThat(env.reward()).isCloseTo(1.0, within(EPS));
            // 7 m/s short with a margin of 4: linear 1 - 1.75 * 0.5 = 0.125
            velocity(env, "rootx", -1);
            assertThat(env.reward()).isCloseTo((5 * 0.125 + 1) / 6, within(EPS));
            velocity(env, "rootx", 0);
            assertThat(env.reward()).isCloseTo(1.0 / 6, within(EPS));
        }
    }

    @Test
    void forwardWalkIsTheMirrorOfWalkBackwards() {
        try (DmcEnv forward = make("dmc/walker-walk"); DmcEnv backward = make("dmc/walker-walk-backwards")) {
            rest(forward);
            rest(backward);
            velocity(forward, "rootx", 0.8);
            velocity(backward, "rootx", -0.8);
            assertThat(forward.reward()).isCloseTo(backward.reward(), within(EPS)).isBetween(0.2, 0.99);
        }
    }

    @Test
    void lyingDownEarnsLittleEvenAtTargetSpeed() {
        try (DmcEnv env = make("dmc/walker-walk-backwards")) {
            rest(env);
            position(env, "rooty", Math.PI / 2);
            position(env, "rootz", -1.2);
            velocity(env, "rootx", -1);
            // upright = (1 + cos 90deg) / 2 = 0.5; torso 0.1 m high: standing = 0.1^((1.1 / 0.6)^2)
            double standing = Math.pow(0.1, Math.pow(1.1 / 0.6, 2));
            assertThat(env.reward()).isCloseTo((3 * standing + 0.5) / 4, within(1e-6)).isLessThan(0.2);
        }
    }
}
