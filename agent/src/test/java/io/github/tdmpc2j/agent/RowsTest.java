package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.Transition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Acting on and learning from several rows (one per env of a vector env) at once. */
class RowsTest {
    static Map<String, String> small(String... keyValues) {
        Map<String, String> p = new HashMap<>(TdmpcAgentTest.SMALL);
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    /** Three tasks of 1, 2 and 3 action dims in a 3-dim unified space. */
    static AgentContext threeTasks(Map<String, String> params) {
        return new AgentContext(List.of(AgentTestSupport.spec("test/a", 3, 1, 50, false),
                AgentTestSupport.spec("test/b", 4, 2, 60, true), AgentTestSupport.spec("test/c", 5, 3, 80, false)),
                5, 3, List.of(new float[] {1, 0, 0}, new float[] {1, 1, 0}, new float[] {1, 1, 1}), params, 3L);
    }

    @Test
    void aBatchOfRowsOfDifferentTasksGetsMaskedActionsAndNullRowsNull() {
        // seed_steps=0: training rows plan from the first step; then policy-only acting (mpc=false); then an agent
        // in its seed phase
        for (Map<String, String> params : List.of(small("seed_steps", "0"), small("seed_steps", "0", "mpc", "false"),
                small("seed_steps", "1000"))) {
            try (TdmpcAgent agent = new TdmpcAgent(threeTasks(params))) {
                Random r = new Random(11);
                int[] tasks = {2, 0, 1, 1};
                for (boolean eval : new boolean[] {false, true, false}) {
                    float[][] obs = {TdmpcAgentTest.randomObs(r, 5), TdmpcAgentTest.randomObs(r, 5), null,
                            TdmpcAgentTest.randomObs(r, 5)};
                    float[][] actions = agent.act(obs, tasks, eval);
                    assertThat(actions.length).isEqualTo(4);
                    assertThat(actions[2]).as("a null row").isNull();
                    for (int row : new int[] {0, 1, 3}) {
                        float[] mask = threeTasks(Map.of()).actionMask(tasks[row]);
                        assertThat(actions[row]).hasSize(3);
                        boolean moved = false;
                        for (int k = 0; k < 3; k++) {
                            assertThat(actions[row][k]).isBetween(-1f, 1f);
                            if (mask[k] == 0) {
                                assertThat(actions[row][k]).as("row %d dim %d (masked)", row, k).isZero();
                            } else {
                                moved |= actions[row][k] != 0;
                            }
                        }
                        assertThat(moved).as("row %d acts on its task's dims", row).isTrue();
                    }
                }
                float[][] none = agent.act(new float[][] {null, null}, new int[] {0, 1}, true);
                assertThat(none.length).isEqualTo(2);
                assertThat(none[0]).isNull();
                assertThat(none[1]).isNull();
                assertThatThrownBy(() -> agent.act(new float[2][5], new int[] {0}, true))
                        .isInstanceOf(TdmpcException.class)
                        .hasMessage("act was given 1 task for 2 rows; give each row's task index");
                assertThatThrownBy(() -> agent.act(new float[][] {new float[5], new float[4]}, new int[] {0, 1},
                        true)).isInstanceOf(TdmpcException.class).hasMessageContaining("row 1");
                assertThatThrownBy(() -> agent.observe(new Transition[] {null, new Transition(0, new float[5],
                        new float[2], 0, new float[5], false, false)})).isInstanceOf(TdmpcException.class)
                        .hasMessageContaining("row 1");
                assertThat(agent.steps()).as("nothing of a refused step is counted").isZero();
            }
        }
    }

    @Test
    void seedPhaseActionsAreDrawnRowByRowInRowOrder() {
        int[] tasks = {2, 0, 1};
        float[][] obs = new float[3][5];
        float[][] batched;
        try (TdmpcAgent agent = new TdmpcAgent(threeTasks(small("seed_steps", "1000")))) {
            batched = agent.act(obs, tasks, false);
        }
        try (TdmpcAgent agent = new TdmpcAgent(threeTasks(small("seed_steps", "1000")))) {
            for (int row = 0; row < 3; row++) {
                float[][] one = new float[3][];
                one[row] = obs[row];
                assertThat(agent.act(one, tasks, false)[row]).as("row %d", row).containsExactly(batched[row]);
            }
        }
    }

    private enum Between { NOTHING, EVAL_EPISODE, NEW_TRAINING_EPISODE }

    /** A training row's third action, with something in between its second and third, same seeds. */
    private static float[] thirdTrainingAction(Between between) {
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(5, 2, small("seed_steps", "0")))) {
            Random r = new Random(5);
            agent.beginEpisode(0, 0, false, 1L);
            agent.act(TdmpcAgentTest.randomObs(r, 5), 0, false);
            agent.act(TdmpcAgentTest.randomObs(r, 5), 0, false);
            float[] last = TdmpcAgentTest.randomObs(r, 5);
            switch (between) {
                case EVAL_EPISODE -> {
                    // an evaluation episode in the same row index, which plans with warm starts of its own
                    agent.beginEpisode(0, 0, true, 2L);
                    for (int t = 0; t < 4; t++) {
                        agent.act(TdmpcAgentTest.randomObs(r, 5), 0, true);
                    }
                }
                case NEW_TRAINING_EPISODE -> agent.beginEpisode(0, 0, false, 3L);
                case NOTHING -> {
                }
            }
            // the same random draws from here on, whatever ran between
            agent.reseed(99);
            return agent.act(last, 0, false);
        }
    }

    @Test
    void evaluationRowsKeepWarmStartsOfTheirOwn() {
        float[] plain = thirdTrainingAction(Between.NOTHING);
        assertThat(thirdTrainingAction(Between.EVAL_EPISODE)).containsExactly(plain);
        // and the warm start matters: starting the training row over changes the plan
        assertThat(thirdTrainingAction(Between.NEW_TRAINING_EPISODE)).isNotEqualTo(plain);
    }

    /** A transition of row {@code row} at step {@code t} of its episode: obs (row, t, ...), next (row, t + 1, ...). */
    private static Transition step(int row, int t, boolean truncated) {
        return new Transition(0, new float[] {row, t, 0, 0, 0}, new float[] {0.5f, -0.5f}, t,
                new float[] {row, t + 1, 0, 0, 0}, false, truncated);
    }

    @Test
    void theBufferHoldsFinishedEpisodesAndSubTrajectoriesStayInTheirRow() {
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(5, 2, small("seed_steps", "100000")))) {
            int[] t = new int[3];
            List<Integer> sizes = new ArrayList<>();
            for (int v = 1; v <= 12; v++) {
                // row 0: episodes of 4 steps; row 1: of 6; row 2: steps every other vector step, never ends
                Transition[] step = {step(0, t[0], v % 4 == 0), step(1, t[1], v % 6 == 0),
                        v % 2 == 1 ? step(2, t[2], false) : null};
                for (int row = 0; row < 3; row++) {
                    if (step[row] != null) {
                        t[row] = step[row].done() ? 0 : t[row] + 1;
                    }
                }
                assertThat(agent.observe(step)).isEmpty();
                sizes.add(agent.bufferSize());
            }
            assertThat(sizes).containsExactly(0, 0, 0, 4, 4, 10, 10, 14, 14, 14, 14, 24);
            // a caller that reuses its arrays for the next step does not change the steps held for a row
            float[] reused = {2, 6, 0, 0, 0};
            agent.observe(new Transition[] {null, null, new Transition(0, reused, new float[] {0.5f, -0.5f}, 6,
                    new float[] {2, 7, 0, 0, 0}, false, false)});
            reused[0] = -1;
            assertThat(agent.steps()).isEqualTo(31);
            // a training row started over before its episode ended: its steps go in as a truncated episode
            agent.beginEpisode(2, 0, false, 1L);
            assertThat(agent.bufferSize()).isEqualTo(31);
            SplittableRandom g = new SplittableRandom(1);
            int h = agent.config().horizon();
            int n = agent.config().batchSize();
            for (int draw = 0; draw < 50; draw++) {
                ReplayBuffer.Batch b = agent.sampleBuffer(g);
                for (int i = 0; i < n; i++) {
                    float row = b.obs()[i * 5];
                    float start = b.obs()[i * 5 + 1];
                    for (int k = 1; k <= h; k++) {
                        int at = (k * n + i) * 5;
                        assertThat(b.obs()[at]).as("row of step %d", k).isEqualTo(row);
                        assertThat(b.obs()[at + 1]).as("time of step %d", k).isEqualTo(start + k);
                    }
                }
            }
        }
    }

    /** Updates run by each of 5 vector steps of 4 rows, episodes of 3 steps, 8 seed steps. */
    private static List<Long> updatesPerVectorStep(int updateEvery) {
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(5, 2, small("seed_steps", "8",
                "update_every", Integer.toString(updateEvery))))) {
            List<Long> counts = new ArrayList<>();
            long before = 0;
            for (int v = 0; v < 5; v++) {
                Map<String, Double> metrics = agent.observe(fourRows(v));
                long now = agent.scheduledUpdates();
                counts.add(now - before);
                assertThat(metrics.isEmpty()).isEqualTo(now == before);
                before = now;
            }
            return counts;
        }
    }

    /**
     * An interrupted catch-up ({@link TdmpcAgent#interruptUpdates}, as a run that stops asks) returns before its next
     * update; what it left stays owed, through a checkpoint too, and runs in the next observe.
     */
    @Test
    void anInterruptedCatchUpLeavesItsUpdatesOwed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Map<String, String> params = small("seed_steps", "8", "update_every", "1");
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(5, 2, params))) {
            for (int v = 0; v < 2; v++) {
                assertThat(agent.observe(fourRows(v))).isEmpty();
            }
            agent.interruptUpdates();
            // the catch-up is due (8 seed steps and 4 more): none runs; the request is used up by that call
            assertThat(agent.observe(fourRows(2))).isEmpty();
            assertThat(agent.scheduledUpdates()).isZero();
            assertThat(agent.observe(fourRows(0))).isNotEmpty();
            assertThat(agent.scheduledUpdates()).as("12 owed and 4 for this step").isEqualTo(16);
            agent.interruptUpdates();
            assertThat(agent.observe(fourRows(1))).isEmpty();
            agent.save(dir);
            try (TdmpcAgent resumed = new TdmpcAgent(AgentTestSupport.single(5, 2, params))) {
                resumed.load(dir);
                assertThat(resumed.observe(fourRows(0))).isNotEmpty();
                assertThat(resumed.scheduledUpdates()).as("4 owed in the checkpoint and 4 for this step")
                        .isEqualTo(8);
            }
            assertThat(agent.observe(fourRows(2))).isNotEmpty();
            assertThat(agent.scheduledUpdates()).isEqualTo(24);
        }
    }

    /** One vector step of 4 rows, at step {@code v % 3} of their 3-step episodes. */
    private static Transition[] fourRows(int v) {
        Transition[] step = new Transition[4];
        for (int row = 0; row < 4; row++) {
            step[row] = step(row, v % 3, v % 3 == 2);
        }
        return step;
    }

    @Test
    void everyRowsStepCountsTowardsTheUpdateSchedule() {
        // steps 4, 8 (seed phase over, but no episode has ended: the catch-up waits), 12 (episodes end: the
        // 8 catch-up updates and one per update_every of steps 9-12 run), 16, 20
        assertThat(updatesPerVectorStep(1)).containsExactly(0L, 0L, 12L, 4L, 4L);
        assertThat(updatesPerVectorStep(2)).containsExactly(0L, 0L, 10L, 2L, 2L);
    }
}
