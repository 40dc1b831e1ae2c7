package io.github.tdmpc2j.spi.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.LineEnv;
import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.RandomAgent;
import io.github.tdmpc2j.spi.vector.CompositeVectorEnv;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import io.github.tdmpc2j.spi.vector.SyncVectorEnv;
import io.github.tdmpc2j.spi.vector.ThreadedVectorEnv;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.wrappers.EnvWrapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutTest {
    private static final TaskSpec SHORT = LineEnv.spec("line/short", 2, 1, -1, 1, 4, 1);
    private static final TaskSpec LONG = LineEnv.spec("line/long", 3, 2, -1, 1, 7, 1);
    private static final TaskSpace SPACE = TaskSpace.of(List.of(SHORT, LONG));

    /** rows of the given tasks, goal 3 (episodes can end early with success) */
    private static MultitaskEnv rows(int... tasks) {
        List<Env> envs = new ArrayList<>();
        for (int t : tasks) {
            envs.add(EnvRegistry.wrap(new LineEnv(SPACE.spec(t), 3)));
        }
        return new MultitaskEnv(SPACE, new ThreadedVectorEnv(envs, 2));
    }

    /** Evaluation rows: the training rows, or two per core in all, at most one per episode, at least one per task. */
    @Test
    void evaluationRowsKeepTheCoresBusyUpToOnePerEpisode() {
        TaskSpace one = TaskSpace.of(List.of(SHORT));
        assertThat(Evaluation.rows(one, 3, 1, 2)).containsExactly("line/short", "line/short", "line/short");
        assertThat(Evaluation.rows(one, 10, 1, 2)).hasSize(4);
        assertThat(Evaluation.rows(one, 10, 6, 2)).hasSize(6);
        assertThat(Evaluation.rows(one, 2, 6, 16)).hasSize(2);
        // two tasks on one core: one row each; with 8 training rows per task, 5 episodes: 5 each
        assertThat(Evaluation.rows(SPACE, 3, 1, 1)).containsExactly("line/short", "line/long");
        assertThat(Evaluation.rows(SPACE, 5, 8, 1)).hasSize(10).containsOnly("line/short", "line/long");
    }

    /** Memory goes with the episodes run, not those asked for: `eval --episodes 2147483647` runs, it does not die. */
    @Test
    void anEvaluationOfVeryManyEpisodesRunsAndCanBeStopped() {
        try (Agent agent = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                MultitaskEnv one = rows(0, 1);
                MultitaskEnv many = rows(1, 0, 1, 0, 0)) {
            int[] steps = {0};
            assertThat(Evaluation.run(one, agent, Integer.MAX_VALUE, 100, () -> ++steps[0] > 3000)).isEmpty();
            // past the first allocation, episodes ending out of order keep their places
            List<Evaluation.TaskResult> a = Evaluation.run(one, agent, 1500, 100);
            List<Evaluation.TaskResult> b = Evaluation.run(many, agent, 1500, 100);
            for (int t = 0; t < 2; t++) {
                assertThat(b.get(t).returns()).hasSize(1500).containsExactly(a.get(t).returns());
            }
        }
    }

    @Test
    void anEvaluationDoesNotDependOnTheRowCount() {
        try (Agent agent = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                MultitaskEnv one = rows(0, 1);
                MultitaskEnv many = rows(1, 0, 1, 0, 0)) {
            List<Evaluation.TaskResult> a = Evaluation.run(one, agent, 5, 100);
            List<Evaluation.TaskResult> b = Evaluation.run(many, agent, 5, 100);
            assertThat(a).hasSize(2);
            for (int t = 0; t < 2; t++) {
                assertThat(b.get(t).task()).isEqualTo(t);
                assertThat(b.get(t).returns()).containsExactly(a.get(t).returns());
                assertThat(a.get(t).hasSuccess()).isTrue();
            }
            assertThat(a.get(0).returns()).doesNotHaveDuplicates(); // seeds 100..104
        }
    }

    /**
     * An evaluation tells its watch, after each step, how many of its episodes (all tasks') have ended: for the
     * progress display of a long evaluation, which showed nothing until it ended.
     */
    @Test
    void anEvaluationTellsItsWatchTheEpisodesEndedAfterEachStep() {
        try (Agent agent = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                MultitaskEnv many = rows(1, 0, 1, 0, 0)) {
            List<Evaluation.Status> told = new ArrayList<>();
            List<Evaluation.TaskResult> results = Evaluation.run(many, agent, 5, 100, () -> false, told::add)
                    .orElseThrow();
            long most = 5L * SPACE.spec(0).maxEpisodeSteps() + 5L * SPACE.spec(1).maxEpisodeSteps();
            assertThat(told).isNotEmpty().allSatisfy(t -> {
                assertThat(t.episodes()).isEqualTo(10);
                assertThat(t.maxSteps()).isEqualTo(most);
                assertThat(t.steps()).isBetween(1L, most);
            });
            Evaluation.Status last = told.get(told.size() - 1);
            assertThat(last.ended()).isEqualTo(10);
            for (int i = 1; i < told.size(); i++) {
                assertThat(told.get(i).ended()).isGreaterThanOrEqualTo(told.get(i - 1).ended());
                assertThat(told.get(i).steps()).isGreaterThanOrEqualTo(told.get(i - 1).steps());
            }
            assertThat(told.get(0).ended()).isLessThan(10);
            assertThat(last.steps()).isGreaterThan(told.get(0).steps());
            assertThat(results.stream().mapToInt(Evaluation.TaskResult::episodes).sum()).isEqualTo(10);
        }
    }

    @Test
    void trainingEndsOnTheExactStepAndEvaluatesAtStartEveryPeriodAndEnd() {
        try (Agent agent = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                MultitaskEnv train = rows(0, 1, 0);
                MultitaskEnv eval = rows(0, 1)) {
            List<Long> evaluations = new ArrayList<>();
            List<Long> episodeSteps = new ArrayList<>();
            long[] lastStep = {0};
            OnlineTraining.State end = new OnlineTraining(train, eval, agent,
                    new OnlineTraining.Settings(40, 15, 2, 10, 1000, Double.POSITIVE_INFINITY))
                    .run(new OnlineTraining.Listener() {
                        @Override
                        public void onStep(long step) {
                            assertThat(step).isGreaterThan(lastStep[0]);
                            lastStep[0] = step;
                        }

                        @Override
                        public void onEpisode(Rollout.Finished e, long step, long index, double s,
                                Map<String, Double> m) {
                            episodeSteps.add(step);
                            assertThat(e.length()).isBetween(1, e.task() == 0 ? 4 : 7);
                        }

                        @Override
                        public void onEvaluation(long step, List<Evaluation.TaskResult> results,
                                OnlineTraining.State state, Map<String, Double> m) {
                            evaluations.add(step);
                            assertThat(results).hasSize(2);
                        }
                    });
            assertThat(end.step()).isEqualTo(40);
            assertThat(agent.steps()).isEqualTo(40);
            assertThat(end.episodes()).isEqualTo(episodeSteps.size());
            assertThat(evaluations.get(0)).isZero();
            assertThat(evaluations.get(evaluations.size() - 1)).isEqualTo(40);
            // one evaluation per period of 15 steps, at the first episode end once the period is over (a step
            // count in [15, 30) passed before, also an evaluation mid-episode at step 15)
            List<Long> expected = new ArrayList<>(List.of(0L));
            for (long s : episodeSteps) {
                long last = expected.get(expected.size() - 1);
                if (s < 40 && s / 15 > last / 15) {
                    expected.add(s);
                }
            }
            expected.add(40L);
            assertThat(evaluations).as("episodes ended at %s", episodeSteps).isEqualTo(expected).hasSize(4);
        }
    }

    /** Rows of {@code task} (goal 3) that put every seed they are reset with into {@code seeds}. */
    private static MultitaskEnv recording(List<Long> seeds, int... tasks) {
        List<Env> envs = new ArrayList<>();
        for (int t : tasks) {
            LineEnv line = new LineEnv(SPACE.spec(t), 3);
            envs.add(EnvRegistry.wrap(new EnvWrapper(line) {
                @Override
                public ResetResult reset(long seed) {
                    synchronized (seeds) {
                        seeds.add(seed);
                    }
                    return line.reset(seed);
                }
            }));
        }
        return new MultitaskEnv(SPACE, new ThreadedVectorEnv(envs, 2));
    }

    /**
     * No training episode is reset with an evaluation episode's seed: evaluation scores held-out episodes. The
     * command line's seeds (training from seed x 1000003, evaluation from 1000000 + 1000 x seed) met for seed 1
     * at training episode 997: a run of 1000 episodes (100,000 steps of a 100-step suite, bench's default) trained
     * its last three episodes on exactly the three its final evaluation scored. Here the training seeds run into
     * the evaluation's after 10 episodes; they pass over them, and stay as they were below.
     */
    @Test
    void trainingEpisodesNeverTakeTheEvaluationsSeeds() {
        List<Long> trainSeeds = new ArrayList<>();
        List<Long> evalSeeds = new ArrayList<>();
        try (Agent agent = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                MultitaskEnv train = recording(trainSeeds, 0, 1, 0);
                MultitaskEnv eval = recording(evalSeeds, 0, 1)) {
            OnlineTraining.State end = new OnlineTraining(train, eval, agent,
                    new OnlineTraining.Settings(200, 100, 3, 100, 110, Double.POSITIVE_INFINITY))
                    .run(new OnlineTraining.Listener() { });
            assertThat(end.episodes()).isGreaterThan(40);
            assertThat(evalSeeds).containsOnly(110L, 111L, 112L);
            assertThat(trainSeeds).doesNotHaveDuplicates().doesNotContainAnyElementsOf(evalSeeds)
                    .contains(100L, 109L, 113L, 114L);
        }
    }

    /**
     * A resumed run does not evaluate its checkpoint's step again (that evaluation saved the checkpoint), also at
     * step 0, and one already at its end runs nothing.
     */
    @Test
    void aResumedRunDoesNotEvaluateItsCheckpointsStepAgain() {
        try (Agent agent = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                MultitaskEnv train = rows(0, 1);
                MultitaskEnv eval = rows(0, 1)) {
            OnlineTraining training = new OnlineTraining(train, eval, agent,
                    new OnlineTraining.Settings(40, 15, 2, 10, 1000, Double.POSITIVE_INFINITY));
            List<Long> evaluations = new ArrayList<>();
            OnlineTraining.Listener log = new OnlineTraining.Listener() {
                @Override
                public void onEvaluation(long step, List<Evaluation.TaskResult> results, OnlineTraining.State state,
                        Map<String, Double> m) {
                    evaluations.add(step);
                }
            };
            OnlineTraining.State end = training.resume(new OnlineTraining.State(0, 0, 1.5), log);
            assertThat(end.step()).isEqualTo(40);
            assertThat(evaluations).doesNotContain(0L).hasSize(3).endsWith(40L);
            evaluations.clear();
            OnlineTraining.State again = training.resume(end, log);
            assertThat(again.step()).isEqualTo(40);
            assertThat(again.episodes()).isEqualTo(end.episodes());
            assertThat(evaluations).isEmpty();
        }
    }

    /**
     * A stop asked for while an evaluation runs ends the run before the evaluation's next step: no evaluation is
     * reported (so nothing is saved from it) and the evaluation's remaining steps are not run; the agent is asked to
     * return from updates in progress as well.
     */
    @Test
    void aStopDuringAnEvaluationEndsTheRunBeforeItsNextStep() {
        try (RandomAgent random = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                MultitaskEnv train = rows(0, 1);
                MultitaskEnv eval = rows(0, 1)) {
            OnlineTraining[] training = new OnlineTraining[1];
            int[] evalActs = {0};
            int[] interrupts = {0};
            Agent agent = new ActingAgent(random) {
                @Override
                public float[][] act(float[][] observations, int[] tasks, boolean evaluating) {
                    // the second evaluation (after step 15) is asked to stop at its third step
                    if (evaluating && random.steps() > 0 && ++evalActs[0] == 3) {
                        training[0].requestStop();
                    }
                    return random.act(observations, tasks, evaluating);
                }

                @Override
                public Map<String, Double> observe(io.github.tdmpc2j.spi.agent.Transition[] transitions) {
                    return random.observe(transitions);
                }

                @Override
                public void interruptUpdates() {
                    interrupts[0]++;
                }

                @Override
                public long steps() {
                    return random.steps();
                }
            };
            List<Long> evaluations = new ArrayList<>();
            long[] stoppedAt = {-1};
            training[0] = new OnlineTraining(train, eval, agent,
                    new OnlineTraining.Settings(1000, 15, 20, 10, 1000, Double.POSITIVE_INFINITY));
            OnlineTraining.State end = training[0].run(new OnlineTraining.Listener() {
                @Override
                public void onEvaluation(long step, List<Evaluation.TaskResult> results, OnlineTraining.State state,
                        Map<String, Double> m) {
                    evaluations.add(step);
                }

                @Override
                public void onStopped(long step) {
                    stoppedAt[0] = step;
                }
            });
            assertThat(evaluations).containsExactly(0L);
            assertThat(end.step()).isBetween(15L, 30L).isEqualTo(stoppedAt[0]);
            // 20 episodes of each task on one row each would take 80 or more steps
            assertThat(evalActs[0]).isEqualTo(3);
            assertThat(interrupts[0]).as("the agent's updates in progress are asked to stop too").isEqualTo(1);
        }
    }

    @Test
    void collectingKeepsEachEpisodeWholeAndSeededByItsSchedule() {
        try (Agent agent = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                MultitaskEnv env = rows(1, 1)) {
            Rollout rollout = new Rollout(env, agent, Rollout.Mode.COLLECT);
            rollout.start(EpisodeSchedule.perTask(env.tasks(), 3, (t, e) -> 50 + e, EpisodeSchedule.Skip.NONE));
            List<Rollout.Finished> done = new ArrayList<>();
            while (rollout.active()) {
                done.addAll(rollout.step().finished());
            }
            assertThat(done).extracting(Rollout.Finished::seed).containsExactlyInAnyOrder(50L, 51L, 52L);
            for (Rollout.Finished f : done) {
                var e = f.recorded().episode();
                assertThat(e.length()).isEqualTo(f.length());
                assertThat(e.observations().length).isEqualTo(f.length() + 1);
                assertThat(e.observations()[0]).hasSize(3);
                assertThat(e.observations()[0][0]).isEqualTo(f.seed() % 7);
                assertThat(e.actions()[0][1]).isBetween(-1f, 1f);
                assertThat(e.episodeReturn()).isCloseTo(f.episodeReturn(), org.assertj.core.data.Offset.offset(1e-4));
                assertThat(f.recorded().truncated()[f.length() - 1] || f.recorded().terminated()[f.length() - 1])
                        .isTrue();
            }
        }
    }

    /**
     * A collected episode holds the observations and actions as they were at their step, whatever the agent does with
     * the arrays afterwards: an agent that fills one action array again at every step, and scribbles on the
     * observations it is given (normalising them in place, say), left every recorded action the episode's last one
     * and every recorded observation but the last its scribble.
     */
    @Test
    void aCollectedEpisodeKeepsWhatWasSteppedWhateverTheAgentDoesWithItsArrays() {
        try (RandomAgent random = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                MultitaskEnv env = rows(1)) {
            List<float[]> given = new ArrayList<>();
            List<float[]> returned = new ArrayList<>();
            float[] reused = new float[SPACE.actionSize()];
            Agent agent = new ActingAgent(random) {
                @Override
                public float[][] act(float[][] observations, int[] tasks, boolean evaluating) {
                    float[] a = random.act(observations, tasks, evaluating)[0];
                    given.add(observations[0].clone());
                    java.util.Arrays.fill(observations[0], 99f);
                    System.arraycopy(a, 0, reused, 0, a.length);
                    returned.add(reused.clone());
                    return new float[][] {reused};
                }
            };
            Rollout rollout = new Rollout(env, agent, Rollout.Mode.COLLECT);
            rollout.start(EpisodeSchedule.perTask(env.tasks(), 1, (t, e) -> 56 + e, EpisodeSchedule.Skip.NONE)); // starts at 0
            List<Rollout.Finished> done = new ArrayList<>();
            while (rollout.active()) {
                done.addAll(rollout.step().finished());
            }
            assertThat(done).hasSize(1);
            var e = done.get(0).recorded().episode();
            assertThat(e.length()).isGreaterThan(1).isEqualTo(returned.size());
            for (int t = 0; t < e.length(); t++) {
                assertThat(e.actions()[t]).as("action %d", t).containsExactly(returned.get(t));
                assertThat(e.observations()[t]).as("observation %d", t).containsExactly(given.get(t));
            }
            assertThat(java.util.Arrays.stream(e.actions()).map(java.util.Arrays::toString).distinct().count())
                    .as("the actions differ from step to step").isGreaterThan(1);
        }
    }

    /**
     * A collected episode's actions are those its env took: an agent's entries outside [-1, 1], which the envs clip,
     * are recorded clipped (they were recorded as the agent gave them, 3 where the env moved by 1, and a dataset
     * learnt from said so).
     */
    @Test
    void aCollectedEpisodeRecordsTheActionsTheEnvTookClippedIntoRange() {
        LineEnv line = new LineEnv(LONG, 3);
        try (RandomAgent random = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                MultitaskEnv env = new MultitaskEnv(SPACE, new ThreadedVectorEnv(List.of(EnvRegistry.wrap(line)), 1))) {
            Agent agent = new ActingAgent(random) {
                @Override
                public float[][] act(float[][] observations, int[] tasks, boolean evaluating) {
                    float[] a = random.act(observations, tasks, evaluating)[0];
                    return new float[][] {{3 * a[0], -3f}};
                }
            };
            Rollout rollout = new Rollout(env, agent, Rollout.Mode.COLLECT);
            rollout.start(EpisodeSchedule.perTask(env.tasks(), 1, (t, e) -> 56 + e, EpisodeSchedule.Skip.NONE));
            List<Rollout.Finished> done = new ArrayList<>();
            while (rollout.active()) {
                done.addAll(rollout.step().finished());
            }
            var e = done.get(0).recorded().episode();
            assertThat(e.length()).isEqualTo(line.received.size());
            for (int t = 0; t < e.length(); t++) {
                assertThat(e.actions()[t]).as("action %d", t).containsExactly(line.received.get(t));
                assertThat(e.actions()[t][1]).isEqualTo(-1f);
            }
        }
    }

    /** A typed failure of an env, as a suite's own (MuJoCo's unstable simulation, a plug-in's error) would be. */
    static final class Unstable extends TdmpcException {
        Unstable(String message) {
            super(message);
        }
    }

    /** A row of {@code task} that fails on its reset or on its first step. */
    private static Env failing(TaskSpec task, boolean onReset) {
        LineEnv line = new LineEnv(task, 3);
        return EnvRegistry.wrap(new EnvWrapper(line) {
            @Override
            public ResetResult reset(long seed) {
                if (onReset) {
                    throw new Unstable("the simulation is unstable");
                }
                return line.reset(seed);
            }

            @Override
            public StepResult step(float[] action) {
                throw new Unstable("the simulation is unstable");
            }
        });
    }

    /** An env's typed failure keeps its type and says which task, episode, step and row it came from. */
    @Test
    void anEnvsTypedFailureKeepsItsTypeAndNamesItsTaskEpisodeAndStep() {
        for (boolean composite : new boolean[] {false, true}) {
            List<Env> envs = new ArrayList<>(List.of(EnvRegistry.wrap(new LineEnv(SHORT, 3)),
                    EnvRegistry.wrap(new LineEnv(LONG, 3)), failing(LONG, false)));
            VectorEnv vector = composite
                    ? new CompositeVectorEnv(List.of(new CompositeVectorEnv.Part(new SyncVectorEnv(envs.subList(0, 2)),
                            new int[] {1, 0}), new CompositeVectorEnv.Part(new SyncVectorEnv(envs.subList(2, 3)),
                            new int[] {2})), true)
                    : new ThreadedVectorEnv(envs, 2);
            try (Agent agent = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                    MultitaskEnv env = new MultitaskEnv(SPACE, vector)) {
                Rollout rollout = new Rollout(env, agent, Rollout.Mode.EVALUATE);
                rollout.start(EpisodeSchedule.perTask(env.tasks(), 3, (t, e) -> 50 + e, EpisodeSchedule.Skip.NONE));
                long episode = env.episode(2).episode();
                long seed = env.episode(2).seed();
                assertThatThrownBy(rollout::step).isInstanceOf(Unstable.class)
                        .hasMessage("line/long failed at step 1 of episode " + episode + " (seed " + seed + ", row 2): "
                                + "the simulation is unstable");
            }
        }
        try (Agent agent = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                MultitaskEnv env = new MultitaskEnv(SPACE, new ThreadedVectorEnv(List.of(
                        EnvRegistry.wrap(new LineEnv(SHORT, 3)), failing(LONG, true)), 2))) {
            Rollout rollout = new Rollout(env, agent, Rollout.Mode.EVALUATE);
            assertThatThrownBy(() -> rollout.start(EpisodeSchedule.perTask(env.tasks(), 3, (t, e) -> 70 + e,
                    EpisodeSchedule.Skip.NONE))).isInstanceOf(Unstable.class)
                    .hasMessageStartingWith("line/long failed at the reset of episode 3 (seed 70, row 1): ")
                    .hasMessageEndingWith("the simulation is unstable");
        }
    }

    /**
     * A vector env that refuses the whole call before any row has an episode (a closed one) is named by the tasks of
     * its rows: the context said "an env of  failed", naming none.
     */
    @Test
    void aRefusalBeforeAnyEpisodeNamesTheRowsTasks() {
        try (Agent agent = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1))) {
            MultitaskEnv env = rows(0, 1, 1);
            env.close();
            assertThatThrownBy(() -> Evaluation.run(env, agent, 1, 1)).isInstanceOf(EnvStateException.class)
                    .hasMessageStartingWith("an env of line/short, line/long failed: ")
                    .hasMessageContaining("was closed");
        }
    }

    /** A user's program that passes null gets a typed error saying what to pass, not a bare NullPointerException. */
    @Test
    void anEvaluationOrRolloutOfNullPartsIsATypedError() {
        try (Agent agent = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1)); MultitaskEnv env = rows(0, 1)) {
            assertThatThrownBy(() -> Evaluation.run(null, agent, 2, 0)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("the env is null");
            assertThatThrownBy(() -> Evaluation.run(env, null, 2, 0)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("the agent is null");
            assertThatThrownBy(() -> Evaluation.run(env, agent, 2, 0, null)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("the stop check is null");
            assertThatThrownBy(() -> Evaluation.run(env, agent, 2, 0, () -> false, null))
                    .isInstanceOf(TdmpcException.class).hasMessageContaining("Evaluation.Watch.NONE");
            assertThatThrownBy(() -> Evaluation.run(env, agent, 0, 0)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("episodes must be positive, got 0");
            assertThatThrownBy(() -> new Rollout(env, agent, null)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("the mode is null");
            Rollout rollout = new Rollout(env, agent, Rollout.Mode.EVALUATE);
            assertThatThrownBy(() -> rollout.start(null)).isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("the episode schedule is null");
            // before: NullPointerException 'Cannot load from object array because "this.obs" is null'
            assertThatThrownBy(rollout::step).isInstanceOf(EnvStateException.class)
                    .hasMessage("step() called before start on a rollout of 2 rows: call start(schedule) first "
                            + "(EpisodeSchedule.sequential(seed, 2) for endless episodes on every row)");
            // before: NullPointerException ('space' is null) and ArithmeticException '/ by zero'
            assertThatThrownBy(() -> Evaluation.rows(null, 2, 1)).isInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("the task space is null");
            assertThatThrownBy(() -> Evaluation.rowsPerTask(2, 1, 0)).isInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("an evaluation of 0 tasks has no rows");
            assertThat(Evaluation.run(env, agent, 2, 0)).hasSize(2); // the env is still usable
        }
    }

    /**
     * An agent made for other tasks than the env's rows run is refused when the rollout is made, naming both. Before:
     * act refused the observations at the first step ("pass observations padded to the agent's size"), naming the
     * agent's tasks alone, and an agent of other tasks of the same sizes acted for them without a word.
     */
    @Test
    void anAgentMadeForOtherTasksThanTheEnvsIsRefusedNamingBoth() {
        TaskSpec other = LineEnv.spec("line/other", 3, 2, -1, 1, 7, 1); // line/long's sizes
        TaskSpace shortOnly = TaskSpace.of(List.of(SHORT));
        try (Agent sameSizes = new RandomAgent(AgentContext.of(TaskSpace.of(List.of(SHORT, other)), Map.of(), 1));
                Agent both = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1));
                MultitaskEnv env = rows(0, 1);
                MultitaskEnv shortRows = new MultitaskEnv(shortOnly, new SyncVectorEnv(List.of(
                        EnvRegistry.wrap(new LineEnv(SHORT, 3)))));
                MultitaskEnv shortInWide = new MultitaskEnv(new TaskSpace(List.of(SHORT), 3, 2), new SyncVectorEnv(
                        List.of(EnvRegistry.wrap(new LineEnv(SHORT, 3)))))) {
            assertThatThrownBy(() -> new Rollout(env, sameSizes, Rollout.Mode.EVALUATE))
                    .isInstanceOf(TdmpcException.class)
                    .hasMessage("the agent was made for the tasks 0 line/short, 1 line/other (observations of 3 "
                            + "values, actions of 2 entries), but the env's rows run the tasks 0 line/short, 1 "
                            + "line/long (observations of 3 values, actions of 2 entries): make the agent for the "
                            + "env's space (AgentContext.of(env.space(), params, seed)), or let it act in some of its "
                            + "tasks with SubsetAgent.within(agent, its space, env.space())");
            assertThatThrownBy(() -> Evaluation.run(shortRows, both, 1, 0)).isInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("the agent was made for the tasks 0 line/short, 1 line/long "
                            + "(observations of 3 values, actions of 2 entries), but the env's rows run the task 0 "
                            + "line/short (observations of 2 values, actions of 1 entry): ");
            // in some of its tasks through SubsetAgent, or in a space of its first tasks at its sizes: it acts
            assertThat(Evaluation.run(shortRows, io.github.tdmpc2j.spi.agent.SubsetAgent.within(both, SPACE,
                    shortOnly), 1, 0)).hasSize(1);
            assertThat(Evaluation.run(shortInWide, both, 1, 0)).hasSize(1);
            assertThat(Evaluation.run(env, both, 1, 0)).hasSize(2);
        }
    }

    /**
     * Before: an OnlineTraining of a null env, agent or settings was made, and its run (or requestStop) failed with a
     * NullPointerException; run(null) likewise; Settings' refusals said what was wrong but not what to give.
     */
    @Test
    void anOnlineTrainingOfNullPartsIsATypedError() {
        OnlineTraining.Settings settings = new OnlineTraining.Settings(4, 2, 1, 0, 100, Double.POSITIVE_INFINITY);
        try (Agent agent = new RandomAgent(AgentContext.of(SPACE, Map.of(), 1)); MultitaskEnv train = rows(0, 1);
                MultitaskEnv eval = rows(0, 1)) {
            assertThatThrownBy(() -> new OnlineTraining(null, eval, agent, settings))
                    .isInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("the training env is null: pass the MultitaskEnv of the rows to train on");
            assertThatThrownBy(() -> new OnlineTraining(train, null, agent, settings))
                    .isInstanceOf(TdmpcException.class).hasMessageStartingWith("the evaluation env is null");
            assertThatThrownBy(() -> new OnlineTraining(train, eval, null, settings))
                    .isInstanceOf(TdmpcException.class).hasMessage("the agent is null: pass the agent to train");
            assertThatThrownBy(() -> new OnlineTraining(train, eval, agent, null))
                    .isInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("the settings are null: pass new OnlineTraining.Settings(");
            OnlineTraining training = new OnlineTraining(train, eval, agent, settings);
            assertThatThrownBy(() -> training.run(null)).isInstanceOf(TdmpcException.class)
                    .hasMessage("the listener is null: pass one (new OnlineTraining.Listener() {} to be told nothing)");
            assertThatThrownBy(() -> training.resume(null, new OnlineTraining.Listener() { }))
                    .isInstanceOf(TdmpcException.class).hasMessageStartingWith("the saved state is null");
            assertThat(training.run(new OnlineTraining.Listener() { }).step()).isEqualTo(4); // still usable
        }
        assertThatThrownBy(() -> new OnlineTraining.Settings(0, 2, 1, 0, 100, 1)).isInstanceOf(TdmpcException.class)
                .hasMessage("steps, eval_freq and eval_episodes must be positive (got 0, 2, 1): give each 1 or more");
        assertThatThrownBy(() -> new OnlineTraining.Settings(4, 2, 1, 0, 100, Double.NaN))
                .isInstanceOf(TdmpcException.class).hasMessage("the time limit must be positive, got NaN s: give the "
                        + "seconds the run may take, or Double.POSITIVE_INFINITY for no limit");
    }

    /**
     * An agent for a test: its episodes begun as {@code random} begins them, its {@code act} the test's own, nothing
     * learnt or saved unless the test says otherwise.
     */
    private abstract static class ActingAgent implements Agent {
        private final RandomAgent random;

        ActingAgent(RandomAgent random) {
            this.random = random;
        }

        @Override
        public void beginEpisode(int row, int task, boolean evaluating, long seed) {
            random.beginEpisode(row, task, evaluating, seed);
        }

        @Override
        public Map<String, Double> observe(io.github.tdmpc2j.spi.agent.Transition[] transitions) {
            return Map.of();
        }

        @Override
        public long steps() {
            return 0;
        }

        @Override
        public void writeState(java.nio.file.Path dir) {
        }

        @Override
        public void readState(java.nio.file.Path dir) {
        }

        @Override
        public void close() {
        }
    }
}
