package io.github.tdmpc2j.examples.classic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.StepResult;
import org.junit.jupiter.api.Test;

class PendulumEnvTest {
    @Test
    void registryFindsThePluginAndRescalesItsTorque() {
        try (EnvRegistry registry = EnvRegistry.discover(); Env env = registry.make("pendulum-v1")) {
            assertThat(env.spec().id()).isEqualTo("classic/pendulum");
            assertThat(env.spec().actionSpace().hasBounds(-1f, 1f)).isTrue();
            // the agent's 1 is the plug-in's full torque of 2, and its -0.5 a torque of -1: the same step as the
            // plug-in's own env given those (bounds of [-1, 1] alone passed with no rescaling at all)
            PendulumEnv own = new PendulumEnv(ClassicControlProvider.PENDULUM);
            for (float[] agentAndTorque : new float[][] {{1f, 2f}, {-0.5f, -1f}}) {
                own.reset(3);
                float[] want = own.step(new float[] {agentAndTorque[1]}).observation();
                env.reset(3);
                assertThat(env.step(new float[] {agentAndTorque[0]}).observation()).as("action %s", agentAndTorque[0])
                        .containsExactly(want);
            }
            env.reset(3);
            StepResult r = null;
            int steps = 0;
            while (r == null || !r.done()) {
                r = env.step(new float[] {1f});
                steps++;
            }
            assertThat(steps).isEqualTo(200);
            assertThat(r.truncated()).isTrue();
            assertThat(r.terminated()).isFalse();
        }
    }

    @Test
    void hangingStillCostsPiSquaredAndUprightCostsNothing() {
        PendulumEnv env = new PendulumEnv(ClassicControlProvider.PENDULUM);
        env.reset(0);
        // Drive the state by hand through the dynamics: from rest at the bottom, no torque, nothing moves.
        env.setState(Math.PI, 0);
        assertThat(env.step(new float[] {0f}).reward()).isCloseTo(-Math.PI * Math.PI, within(1e-9));
        env.setState(0, 0);
        StepResult up = env.step(new float[] {0f});
        assertThat(up.reward()).isCloseTo(0, within(1e-12));
        assertThat(up.observation()[0]).isEqualTo(1f);
    }

    @Test
    void theSameSeedGivesTheSameEpisode() {
        PendulumEnv a = new PendulumEnv(ClassicControlProvider.PENDULUM);
        PendulumEnv b = new PendulumEnv(ClassicControlProvider.PENDULUM);
        assertThat(a.reset(42).observation()).containsExactly(b.reset(42).observation());
        assertThat(a.reset(43).observation()).isNotEqualTo(b.reset(42).observation());
    }
}
