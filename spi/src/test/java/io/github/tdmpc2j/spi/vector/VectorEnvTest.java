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
import io.github.tdmpc2j.spi.TdmpcException;
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
            assertThatThrownBy(() -> v.step(new float[][] {{0}, {0}})).isInstanceOf(EnvStateException.class)
                    .hasMessage("step() called before reset on a vector env of 2 envs: call reset(seed) (row i starts "
                            + "with seed + i) or reset(schedule) first");
            v.reset(0);
            assertThatThrownBy(() -> v.step(new float[][] {{0}})).isInstanceOf(InvalidActionException.class)
                    .hasMessageContaining("needs 2 actions");
            assertThatThrownBy(() -> v.step(new float[][] {{0}, {Float.NaN}})).isInstanceOf(InvalidActionException.class);
        }
    }

    /**
     * Before: new SyncVectorEnv(null) and a null env in the list: NullPointerException; no envs or 0 threads:
     * IllegalArgumentException 'a vector env needs at least one env' / 'threads must be positive, got 0' (nothing to
     * do); reset(null): NPE 'Cannot invoke "EpisodeSchedule.next(int, int)" because "schedule" is null'; spec(5) and
     * episode(5) of 2 rows: IndexOutOfBoundsException 'Index: 5 Size: 2' and ArrayIndexOutOfBoundsException.
     */
    @Test
    void nullPartsAndRowsOutsideAreTypedErrorsThatSayWhatToPass() {
        assertThatThrownBy(() -> new SyncVectorEnv(null)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("a vector env needs at least one env, got null: pass the envs of its rows");
        assertThatThrownBy(() -> new SyncVectorEnv(List.of())).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("a vector env needs at least one env, got none: pass the envs of its rows");
        List<Env> withNull = envs(2, 5);
        withNull.set(1, null);
        assertThatThrownBy(() -> new SyncVectorEnv(withNull)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("env 1 of the vector env's envs is null: pass an env for each row");
        assertThatThrownBy(() -> new ThreadedVectorEnv(envs(1, 5), 0)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("threads must be positive, got 0: pass how many envs may step at once");
        try (VectorEnv v = new SyncVectorEnv(envs(2, 5))) {
            assertThatThrownBy(() -> v.reset((EpisodeSchedule) null)).isInstanceOf(TdmpcException.class)
                    .hasMessage("the episode schedule is null: pass EpisodeSchedule.sequential(seed, 2) for endless "
                            + "episodes on every row, or reset(seed), which does that");
            v.reset(0);
            assertThatThrownBy(() -> v.spec(5)).isInstanceOf(TdmpcException.class)
                    .hasMessage("row 5 is not one of this vector env's 2 rows: rows are 0 to 1 (numEnvs() counts them)");
            assertThatThrownBy(() -> v.episode(-1)).isInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("row -1 is not one of this vector env's 2 rows");
            assertThat(v.spec(1).id()).isEqualTo("line/go");
            assertThat(v.episode(1)).isNotNull();
        }
    }

    @Test
    void aRefusedActionChangesNoRow() {
        for (boolean threaded : new boolean[] {false, true}) {
            List<Env> refusedEnvs = envs(2, 2);
            java.util.Collections.reverse(refusedEnvs); // row 0 ends after 3 steps, row 1 after 2
            List<Env> twinEnvs = envs(2, 2);
            java.util.Collections.reverse(twinEnvs);
            try (VectorEnv refused = threaded ? new ThreadedVectorEnv(refusedEnvs, 2) : new SyncVectorEnv(refusedEnvs);
                    VectorEnv twin = new SyncVectorEnv(twinEnvs)) {
                refused.reset(3);
                twin.reset(3);
                float[][] act = {{1}, {1}};
                for (int t = 0; t < 2; t++) {
                    refused.step(act);
                    twin.step(act);
                }
                // row 1 resets on this step and row 0 steps: its NaN refuses the whole step
                assertThatThrownBy(() -> refused.step(new float[][] {{Float.NaN}, {1}}))
                        .isInstanceOf(InvalidActionException.class).hasMessageContaining("NaN");
                assertThatThrownBy(() -> refused.step(new float[][] {{1, 2}, {1}}))
                        .isInstanceOf(InvalidActionException.class).hasMessageContaining("has 2 entries");
                VectorStepResult a = refused.step(act);
                VectorStepResult b = twin.step(act);
                assertThat(a.observations()).isDeepEqualTo(b.observations());
                assertThat(a.infos().stream().map(java.util.Map::keySet).toList())
                        .isEqualTo(b.infos().stream().map(java.util.Map::keySet).toList()); // "episode" holds seconds
                assertThat(a.rewards()).containsExactly(b.rewards());
                assertThat(a.infos().get(1)).containsEntry(VectorEnv.AUTORESET, true);
                assertThat(a.truncated()).containsExactly(b.truncated());
            }
        }
    }

    @Test
    void aClosedVectorEnvSaysSo() {
        VectorEnv threaded = new ThreadedVectorEnv(envs(2, 5), 2);
        threaded.reset(0);
        threaded.close();
        threaded.close();
        assertThatThrownBy(() -> threaded.step(new float[][] {{0}, {0}})).isInstanceOf(EnvStateException.class)
                .hasMessageContaining("was closed");
        assertThatThrownBy(() -> threaded.reset(0)).isInstanceOf(EnvStateException.class)
                .hasMessageContaining("was closed");
    }

    @Test
    void aScheduleChoosesEachRowsEpisodesAndLeavesRowsIdle() {
        // 2 rows of one task share its episodes 0..2: row 0 runs 0 and 2, row 1 runs 1 and then idles
        try (VectorEnv v = new SyncVectorEnv(envs(2, 2))) {
            List<Long> seeds = new ArrayList<>();
            float[][] obs = v.reset(EpisodeSchedule.perTask(new int[] {0, 0}, 3, (t, e) -> 100 + e,
                    EpisodeSchedule.Skip.NONE));
            assertThat(obs[0][0]).isEqualTo(100 % 7);
            assertThat(obs[1][0]).isEqualTo(101 % 7);
            assertThat(v.episode(1).episode()).isEqualTo(1);
            float[][] act = {{1}, {1}};
            v.step(act);
            v.step(act); // row 0 (limit 2) ends
            v.step(act); // row 0 resets into episode 2, row 1 (limit 3) ends
            assertThat(v.episode(0).episode()).isEqualTo(2);
            assertThat(v.episode(0).seed()).isEqualTo(102);
            VectorStepResult r = v.step(act); // row 1 has no episode left
            assertThat(v.episode(1)).isNull();
            assertThat(r.observations()[1]).isNull();
            assertThat(r.observations()[0]).isNotNull();
            // a null action leaves a row as it is
            VectorStepResult skipped = v.step(new float[][] {null, null});
            assertThat(skipped.observations()[0]).isNull();
            assertThat(v.step(act).observations()[0][0]).isEqualTo(102 % 7 + 2);
        }
    }

    @Test
    void aScheduleSkipsEpisodesAlreadyDone() {
        try (VectorEnv v = new SyncVectorEnv(envs(1, 1))) {
            v.reset(EpisodeSchedule.perTask(new int[] {0}, 4, (t, e) -> e, (t, e) -> e % 2 == 0));
            assertThat(v.episode(0).episode()).isEqualTo(1);
            v.step(new float[][] {{0}});
            v.step(new float[][] {{0}});
            assertThat(v.episode(0).episode()).isEqualTo(3);
            v.step(new float[][] {{0}});
            v.step(new float[][] {{0}});
            assertThat(v.episode(0)).isNull();
        }
    }

    /** A user's program that passes null gets a typed error saying what to pass, not a bare NullPointerException. */
    @Test
    void aPerTaskScheduleOfNullPartsIsATypedError() {
        assertThatThrownBy(() -> EpisodeSchedule.perTask(null, 3, (t, e) -> e, EpisodeSchedule.Skip.NONE))
                .isInstanceOf(TdmpcException.class).hasMessageContaining("the rows' tasks are null");
        assertThatThrownBy(() -> EpisodeSchedule.perTask(new int[] {0}, 3, null, EpisodeSchedule.Skip.NONE))
                .isInstanceOf(TdmpcException.class).hasMessageContaining("the episode seeds are null");
        assertThatThrownBy(() -> EpisodeSchedule.perTask(new int[] {0}, 3, (t, e) -> e, null))
                .isInstanceOf(TdmpcException.class).hasMessageContaining("EpisodeSchedule.Skip.NONE");
        // before: ArrayIndexOutOfBoundsException 'Index -1 out of bounds for length 1'
        assertThatThrownBy(() -> EpisodeSchedule.perTask(new int[] {0, -1}, 3, (t, e) -> e,
                EpisodeSchedule.Skip.NONE)).isInstanceOf(TdmpcException.class)
                .hasMessage("EpisodeSchedule.perTask was given task -1 for row 1: pass each row's task index, 0 or "
                        + "more (MultitaskEnv.tasks())");
    }

    /**
     * Counts that make no schedule are typed errors saying what to pass; before, they were accepted: sequential's
     * rows of 0 gave every episode of a row one number and seed, perTask's -1 episodes left the rows idle.
     */
    @Test
    void countsThatMakeNoScheduleAreTypedErrors() {
        for (int rows : new int[] {0, -2}) {
            assertThatThrownBy(() -> EpisodeSchedule.sequential(7, rows)).isInstanceOf(TdmpcException.class)
                    .hasMessage("EpisodeSchedule.sequential was given " + rows + " rows: pass the vector env's "
                            + "number of rows, 1 or more (VectorEnv.numEnvs())");
        }
        assertThatThrownBy(() -> EpisodeSchedule.perTask(new int[] {0}, -1, (t, e) -> e, EpisodeSchedule.Skip.NONE))
                .isInstanceOf(TdmpcException.class).hasMessage("EpisodeSchedule.perTask was given -1 episodes per "
                        + "task: pass how many episodes each task runs, 0 or more");
        // no episodes per task: nothing to run, every row idle (as when every episode is skipped)
        assertThat(EpisodeSchedule.perTask(new int[] {0, 0}, 0, (t, e) -> e, EpisodeSchedule.Skip.NONE).next(1, 0))
                .isNull();
        assertThat(EpisodeSchedule.sequential(7, 2).next(1, 1)).isEqualTo(new EpisodeSchedule.Ticket(3, 10));
    }
}
