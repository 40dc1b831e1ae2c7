package io.github.tdmpc2j.spi.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.LineEnv;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VectorEnvTest {
    private static List<Env> envs(int n, int maxSteps) {
        List<Env> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(EnvRegistry.wrap(new LineEnv(LineEnv.spec("line/go", 2, 1, -1, 1, maxSteps + i, 1), 1e9)));
        }
        return list;
    }

    @Test
    void nextStepAutoresetIgnoresTheActionAndStartsANewEpisode() {
        try (VectorEnv v = new SyncVectorEnv(envs(2, 2))) {
            float[][] obs = v.reset(10);
            assertThat(obs[0][0]).isEqualTo(10 % 7);
            assertThat(obs[1][0]).isEqualTo(11 % 7);
            float[][] act = {{1}, {1}};
            VectorStepResult r1 = v.step(act);
            assertThat(r1.truncated()).containsExactly(false, false);
            VectorStepResult r2 = v.step(act); // env 0 (limit 2) ends here
            assertThat(r2.truncated()).containsExactly(true, false);
            assertThat(r2.observations()[0][0]).isEqualTo(10 % 7 + 2);
            VectorStepResult r3 = v.step(act); // env 0 resets (seed 10 + 0 + 1*2 = 12), env 1 (limit 3) ends
            assertThat(r3.infos().get(0)).containsEntry(VectorEnv.AUTORESET, true);
            assertThat(r3.rewards()[0]).isZero();
            assertThat(r3.terminated()[0]).isFalse();
            assertThat(r3.truncated()[0]).isFalse();
            assertThat(r3.observations()[0][0]).isEqualTo(12 % 7);
            assertThat(r3.truncated()[1]).isTrue();
            VectorStepResult r4 = v.step(act); // env 0 steps again, env 1 resets with seed 10 + 1 + 1*2 = 13
            assertThat(r4.observations()[0][0]).isEqualTo(12 % 7 + 1);
            assertThat(r4.observations()[1][0]).isEqualTo(13 % 7);
        }
    }

    @Test
    void threadedGivesTheSameResultsAsSync() {
        try (VectorEnv sync = new SyncVectorEnv(envs(4, 5)); VectorEnv threaded = new ThreadedVectorEnv(envs(4, 5), 3)) {
            assertThat(threaded.reset(5)).isDeepEqualTo(sync.reset(5));
            for (int t = 0; t < 20; t++) {
                float[][] act = {{0.1f * t}, {-0.2f}, {0.3f}, {0.05f * t}};
                VectorStepResult a = sync.step(act);
                VectorStepResult b = threaded.step(act);
                assertThat(b.observations()).isDeepEqualTo(a.observations());
                assertThat(b.rewards()).containsExactly(a.rewards());
                assertThat(b.truncated()).containsExactly(a.truncated());
            }
        }
    }

    @Test
    void misuseIsTyped() {
        try (VectorEnv v = new ThreadedVectorEnv(envs(2, 5), 2)) {
            assertThatThrownBy(() -> v.step(new float[][] {{0}, {0}})).isInstanceOf(EnvStateException.class);
            v.reset(0);
            assertThatThrownBy(() -> v.step(new float[][] {{0}})).isInstanceOf(InvalidActionException.class)
                    .hasMessageContaining("needs 2 actions");
            assertThatThrownBy(() -> v.step(new float[][] {{0}, {Float.NaN}})).isInstanceOf(InvalidActionException.class);
        }
    }

    @Test
    void envsOfDifferentSizesCannotShareAVector() {
        List<Env> mixed = List.of(new LineEnv(LineEnv.spec("line/a", 2, 1, -1, 1, 5, 1), 1),
                new LineEnv(LineEnv.spec("line/b", 3, 1, -1, 1, 5, 1), 1));
        assertThatThrownBy(() -> new SyncVectorEnv(mixed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line/b");
    }
}
