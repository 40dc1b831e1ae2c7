package io.github.tdmpc2j.bridge.py4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import io.github.tdmpc2j.spi.wrappers.EpisodeStatistics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A vector env checked against a reference one (say, a {@code SyncVectorEnv} of the same rows) stepped alike. */
public final class VectorLockstep {
    private VectorLockstep() {
    }

    /**
     * Asserts that step {@code t} gave the same in both, row by row: observations, rewards, both end flags, the
     * episode each row runs, the infos, and the episode statistics of an episode that ended. Returns how many episodes
     * ended in the step.
     */
    public static int assertSameStep(VectorEnv a, VectorEnv b, VectorStepResult x, VectorStepResult y, int t) {
        assertThat(x.size()).as("rows at step %d", t).isEqualTo(y.size());
        int ended = 0;
        for (int i = 0; i < x.size(); i++) {
            String row = "row " + i + " at step " + t;
            assertThat(x.observations()[i]).as(row).isEqualTo(y.observations()[i]);
            assertThat(x.rewards()[i]).as(row).isEqualTo(y.rewards()[i]);
            assertThat(x.terminated()[i]).as(row).isEqualTo(y.terminated()[i]);
            assertThat(x.truncated()[i]).as(row).isEqualTo(y.truncated()[i]);
            assertThat(a.episode(i)).as(row).isEqualTo(b.episode(i));
            Map<String, Object> xi = new HashMap<>(x.infos().get(i));
            Map<String, Object> yi = new HashMap<>(y.infos().get(i));
            EpisodeStatistics xs = (EpisodeStatistics) xi.remove(EpisodeStatistics.INFO_KEY);
            EpisodeStatistics ys = (EpisodeStatistics) yi.remove(EpisodeStatistics.INFO_KEY);
            assertThat(xi).as(row).isEqualTo(yi);
            assertThat(xs == null).as(row).isEqualTo(ys == null);
            if (xs != null) {
                assertThat(List.of(xs.episodeReturn(), xs.length(), String.valueOf(xs.success()))).as(row)
                        .isEqualTo(List.of(ys.episodeReturn(), ys.length(), String.valueOf(ys.success())));
                ended++;
            }
        }
        return ended;
    }
}
