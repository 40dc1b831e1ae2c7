package io.github.tdmpc2j.spi.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.LineEnv;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.wrappers.EnvWrapper;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CompositeVectorEnvTest {
    private static final int ROWS = 5;
    private static final int[] ROW_TASKS = {0, 1, 0, 1, 0};

    /** Row i: a line env whose episodes end after 3 + i steps, or earlier when the point reaches 6. */
    private static List<LineEnv> lines() {
        List<LineEnv> list = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            list.add(new LineEnv(LineEnv.spec("line/go" + ROW_TASKS[i], 2, 1, -1, 1, 3 + i, 1), 6));
        }
        return list;
    }

    private static List<Env> wrapped(List<LineEnv> lines, int... rows) {
        List<Env> envs = new ArrayList<>();
        for (int row : rows) {
            envs.add(EnvRegistry.wrap(lines.get(row)));
        }
        return envs;
    }

    /** Rows 1 and 3 in turn, rows 4, 0 and 2 on threads: any subset in any order. */
    private static CompositeVectorEnv composite(List<LineEnv> lines, boolean concurrent) {
        return new CompositeVectorEnv(List.of(
                new CompositeVectorEnv.Part(new SyncVectorEnv(wrapped(lines, 1, 3)), new int[] {1, 3}),
                new CompositeVectorEnv.Part(new ThreadedVectorEnv(wrapped(lines, 4, 0, 2), 2), new int[] {4, 0, 2})),
                concurrent);
    }

    private static EpisodeSchedule schedule() {
        return EpisodeSchedule.perTask(ROW_TASKS, 7, (t, e) -> 1000L * t + 3L * e, (t, e) -> t == 1 && e == 2);
    }

    @Test
    void rowsRunTheSameEpisodesAsInOneVectorEnv() {
        for (boolean concurrent : new boolean[] {true, false}) {
            try (VectorEnv one = new SyncVectorEnv(wrapped(lines(), 0, 1, 2, 3, 4));
                    VectorEnv parts = composite(lines(), concurrent)) {
                assertThat(parts.numEnvs()).isEqualTo(ROWS);
                for (int i = 0; i < ROWS; i++) {
                    assertThat(parts.spec(i)).isEqualTo(one.spec(i));
                }
                assertThat(parts.reset(schedule())).isDeepEqualTo(one.reset(schedule()));
                SplittableRandom rng = new SplittableRandom(3);
                int steps = 0;
                int autoresets = 0;
                while (!one.allIdle()) {
                    float[][] actions = new float[ROWS][];
                    for (int i = 0; i < ROWS; i++) {
                        actions[i] = rng.nextInt(5) == 0 ? null : new float[] {(float) rng.nextDouble(-0.5, 1.5)};
                    }
                    VectorStepResult a = one.step(actions);
                    VectorStepResult b = parts.step(actions);
                    assertThat(b.observations()).isDeepEqualTo(a.observations());
                    assertThat(b.rewards()).containsExactly(a.rewards());
                    assertThat(b.terminated()).containsExactly(a.terminated());
                    assertThat(b.truncated()).containsExactly(a.truncated());
                    for (int i = 0; i < ROWS; i++) {
                        assertThat(parts.episode(i)).isEqualTo(one.episode(i));
                        assertThat(b.infos().get(i).keySet()).isEqualTo(a.infos().get(i).keySet());
                        autoresets += b.infos().get(i).containsKey(VectorEnv.AUTORESET) ? 1 : 0;
                    }
                    steps++;
                }
                assertThat(parts.allIdle()).isTrue();
                assertThat(autoresets).as("episodes started after the reset: 7 + 6 - %d first ones", ROWS)
                        .isEqualTo(7 + 6 - ROWS);
                assertThat(steps).isBetween(10, 200);
            }
        }
    }

    @Test
    void aPartsFailureReachesTheCallerAsItWasThrown() {
        TdmpcException dying = new TdmpcException("the worker died");
        List<LineEnv> lines = lines();
        Env failing = new EnvWrapper(EnvRegistry.wrap(lines.get(3))) {
            @Override
            public StepResult step(float[] action) {
                throw dying;
            }
        };
        try (CompositeVectorEnv v = new CompositeVectorEnv(List.of(
                new CompositeVectorEnv.Part(new SyncVectorEnv(List.of(failing)), new int[] {1}),
                new CompositeVectorEnv.Part(new SyncVectorEnv(wrapped(lines, 0)), new int[] {0})), true)) {
            v.reset(0);
            assertThatThrownBy(() -> v.step(new float[][] {{0.1f}, {0.1f}})).isSameAs(dying);
            assertThatThrownBy(() -> v.step(new float[][] {{0.1f}})).isInstanceOf(InvalidActionException.class)
                    .hasMessageContaining("needs 2 actions");
        }
    }

    @Test
    void aRefusedActionInOnePartChangesNoRowOfAnyPart() {
        for (boolean concurrent : new boolean[] {true, false}) {
            try (VectorEnv one = new SyncVectorEnv(wrapped(lines(), 0, 1, 2, 3, 4));
                    VectorEnv parts = composite(lines(), concurrent)) {
                one.reset(schedule());
                parts.reset(schedule());
                float[][] act = {{0.5f}, {0.5f}, {0.5f}, {0.5f}, {0.5f}};
                for (int t = 0; t < 3; t++) { // row 0 ends after 3 steps
                    one.step(act);
                    parts.step(act);
                }
                float[][] bad = {{0.5f}, {Float.NaN}, {0.5f}, {0.5f}, {0.5f}}; // row 1 is in the first part
                assertThatThrownBy(() -> parts.step(bad)).isInstanceOf(InvalidActionException.class)
                        .hasMessageContaining("NaN");
                for (int t = 0; t < 4; t++) {
                    VectorStepResult a = parts.step(act);
                    VectorStepResult b = one.step(act);
                    assertThat(a.observations()).isDeepEqualTo(b.observations());
                    assertThat(a.infos().stream().map(java.util.Map::keySet).toList())
                        .isEqualTo(b.infos().stream().map(java.util.Map::keySet).toList()); // "episode" holds seconds
                assertThat(a.rewards()).containsExactly(b.rewards());
                }
            }
        }
    }

    @Test
    void aClosedCompositeSaysSo() {
        CompositeVectorEnv v = composite(lines(), true);
        v.reset(schedule());
        v.close();
        assertThatThrownBy(() -> v.step(new float[ROWS][])).isInstanceOf(EnvStateException.class)
                .hasMessageContaining("was closed");
    }

    @Test
    void closesEveryPartAlsoWhenTheRowMapsAreWrong() {
        List<LineEnv> lines = lines();
        composite(lines, true).close();
        assertThat(lines).allMatch(l -> l.closed);

        List<LineEnv> more = lines();
        assertThatThrownBy(() -> new CompositeVectorEnv(List.of(
                new CompositeVectorEnv.Part(new SyncVectorEnv(wrapped(more, 0, 1)), new int[] {0, 1}),
                new CompositeVectorEnv.Part(new SyncVectorEnv(wrapped(more, 2)), new int[] {1})), true))
                .isInstanceOf(TdmpcException.class).hasMessageContaining("names row 1 again: give each global row "
                        + "to one part");
        assertThat(more.subList(0, 3)).allMatch(l -> l.closed);
    }

    /**
     * Before: no parts or a part's row map of another length was an IllegalArgumentException saying nothing to do,
     * null parts a NullPointerException.
     */
    @Test
    void partsThatDoNotMakeAVectorEnvAreTypedErrorsThatSayWhatToPass() {
        assertThatThrownBy(() -> new CompositeVectorEnv(List.of(), true)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("a composite vector env needs at least one part, got none: pass a Part");
        assertThatThrownBy(() -> new CompositeVectorEnv(null, true)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("a composite vector env's parts are null");
        assertThatThrownBy(() -> new CompositeVectorEnv.Part(null, new int[] {0})).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("a composite vector env's part needs its vector env, got null");
        List<LineEnv> lines = lines();
        assertThatThrownBy(() -> new CompositeVectorEnv(List.of(new CompositeVectorEnv.Part(
                new SyncVectorEnv(wrapped(lines, 0, 1)), new int[] {0})), true)).isInstanceOf(TdmpcException.class)
                .hasMessage("part 0 has 2 rows but its row map names 1: give the global row of each of its rows, in "
                        + "its order");
    }
}
