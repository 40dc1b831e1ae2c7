package io.github.tdmpc2j.tasks.dmc.domains;

import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.make;
import static io.github.tdmpc2j.tasks.dmc.domains.HandBuiltState.rest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.tdmpc2j.tasks.dmc.DmcEnv;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import org.junit.jupiter.api.Test;

/** Fish-swim reward and target observation at hand-built states. */
class FishTest {
    private static final double EPS = 1e-9;

    @Test
    void uprightMouthOnTheTargetEarnsOneAndTheTargetVectorIsZero() {
        try (DmcEnv env = make("dmc/fish-swim")) {
            rest(env);
            DmcPhysics physics = env.physics();
            int target = physics.model().geomId("target");
            // default pose: torso at (0, 0, 0.1), the mouth capsule's centre 0.0745 m ahead along y
            physics.setGeomPos(target, 0, 0);
            physics.setGeomPos(target, 1, 0.0745);
            physics.setGeomPos(target, 2, 0.1);
            physics.forward();
            assertThat(env.reward()).isCloseTo(1.0, within(EPS));
            float[] obs = env.observe();
            assertThat(obs[7]).as("upright").isEqualTo(1f);
            for (int i = 8; i < 11; i++) {
                assertThat((double) obs[i]).as("mouth to target %d", i - 8).isCloseTo(0.0, within(1e-7));
            }
        }
    }

    @Test
    void farTargetUpsideDownEarnsLittle() {
        try (DmcEnv env = make("dmc/fish-swim")) {
            rest(env);
            DmcPhysics physics = env.physics();
            int target = physics.model().geomId("target");
            physics.setGeomPos(target, 0, 0.4);
            physics.setGeomPos(target, 1, 0.4);
            physics.setGeomPos(target, 2, 0.3);
            // quaternion (0, 1, 0, 0): half a turn about x, upside down
            int root = physics.qposAddress("root");
            physics.qpos().put(root + 3, 0).put(root + 4, 1);
            physics.forward();
            assertThat(env.observe()[7]).as("upright").isCloseTo(-1f, within(1e-6f));
            assertThat(env.reward()).isBetween(0.0, 0.01);
        }
    }
}
