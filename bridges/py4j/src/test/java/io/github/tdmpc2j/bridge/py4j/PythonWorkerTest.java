package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.InvalidEnvOutputException;
import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.PluginException;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.RandomAgent;
import io.github.tdmpc2j.spi.rollout.Rollout;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.wrappers.EpisodeStatistics;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One worker serving the bridge's testing suite: calls, arrays, info and the Python failures that keep it up. */
class PythonWorkerTest {
    private static PythonWorker worker;

    @BeforeAll
    static void start() {
        worker = PythonWorker.start(TestVenvs.testing());
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
    }

    static Function<RemoteSpaces, TaskSpec> specNamed(String id) {
        return s -> new TaskSpec(id, List.of(), s.observation(), s.action(), 1000, 1, SuccessMetric.RETURN, true);
    }

    static RemoteEnv counter(PythonWorker w, int obs, int act, Map<String, String> options) {
        return RemoteEnv.make(w, "testing", "counter-" + obs + "-" + act, new EnvOptions(0, options),
                specNamed("testing/counter"));
    }

    @Test
    void reportsVersionsAndMakesAnEnvWithItsSpaces() {
        assertThat(worker.versions()).contains("python 3.").contains("py4j 0.10.9.9");
        try (RemoteEnv env = counter(worker, 4, 2, Map.of())) {
            assertThat(env.spec().observationSpace()).isEqualTo(Box.unbounded(4));
            assertThat(env.spec().actionSpace()).isEqualTo(Box.of(2, -1f, 1f));
        }
    }

    @Test
    void stepsCarryObservationRewardFlagsAndInfo() {
        try (RemoteEnv env = counter(worker, 3, 2, Map.of("episode", "2"))) {
            assertThat(env.reset(42).observation()).containsExactly(0f, 42f, 0f);
            assertThat(env.reset(42).info()).containsEntry("seed", 42L);
            StepResult first = env.step(new float[] {0.25f, 0.5f});
            assertThat(first.observation()).containsExactly(1f, 42f, 0f);
            assertThat(first.reward()).isEqualTo(0.75);
            assertThat(first.terminated()).isFalse();
            assertThat(first.success()).contains(false);
            StepResult second = env.step(new float[] {1f, 1f});
            assertThat(second.terminated()).isTrue();
            assertThat(second.truncated()).isFalse();
            assertThat(second.success()).contains(true);
        }
    }

    @Test
    void unknownTaskIsAPythonExceptionAndTheWorkerStaysUp() {
        assertThatThrownBy(() -> RemoteEnv.make(worker, "testing", "no-such-env", EnvOptions.defaults(),
                specNamed("testing/x")))
                .isInstanceOf(PythonException.class)
                .hasMessageContaining("gymnasium")
                .hasMessageContaining("unknown testing task 'no-such-env'")
                .satisfies(e -> assertThat(((PythonException) e).pythonType()).isEqualTo("ValueError"));
        assertThatThrownBy(() -> RemoteEnv.make(worker, "dmc", "cartpole-swingup", EnvOptions.defaults(),
                specNamed("testing/x")))
                .isInstanceOf(PythonException.class).hasMessageContaining("serves the suites testing, not 'dmc'");
        assertThat(worker.isAlive()).isTrue();
    }

    @Test
    void wrongActionSizeIsRefusedOnBothSides() {
        try (RemoteEnv env = counter(worker, 3, 2, Map.of())) {
            env.reset(0);
            assertThatThrownBy(() -> env.step(new float[3])).isInstanceOf(InvalidActionException.class)
                    .hasMessageContaining("takes actions of 2 values, got 3");
            assertThatThrownBy(() -> env.step(new float[] {Float.NaN, 0f})).isInstanceOf(InvalidActionException.class);
            // past the Java check, Python refuses too
            assertThatThrownBy(() -> worker.call("step", ep -> ep.step(env.handle(), WorkerEndpoint.encode(new byte[12]))))
                    .isInstanceOf(PythonException.class).hasMessageContaining("action has 3 values but the env takes 2");
            assertThat(env.step(new float[] {0f, 0f}).observation()[0]).isEqualTo(1f);
        }
    }

    @Test
    void pythonExceptionInsideStepCarriesTypeMessageAndTraceback() {
        try (RemoteEnv env = RemoteEnv.make(worker, "testing", "faulty", new EnvOptions(0, Map.of("fail_at", "2")),
                specNamed("testing/faulty"))) {
            env.reset(1);
            env.step(new float[] {0f});
            assertThatThrownBy(() -> env.step(new float[] {0f}))
                    .isInstanceOf(PythonException.class)
                    .hasMessageContaining("ArithmeticError")
                    .hasMessageContaining("faulty env fails at step 2 as asked")
                    .satisfies(e -> {
                        PythonException p = (PythonException) e;
                        assertThat(p.pythonType()).isEqualTo("ArithmeticError");
                        assertThat(p.traceback()).contains("Traceback (most recent call last)").contains("testing.py");
                    });
            // the env counted the failed step in Python: it steps again only after a reset, on both sides
            assertThatThrownBy(() -> env.step(new float[] {0f})).isInstanceOf(EnvStateException.class)
                    .hasMessageContaining("testing/faulty must be reset before it steps again: step testing/faulty"
                            + " failed ([gymnasium] Python raised ArithmeticError");
            assertThatThrownBy(() -> worker.call("step", ep -> ep.step(env.handle(), WorkerEndpoint.encode(new byte[4]))))
                    .isInstanceOf(PythonException.class)
                    .hasMessageContaining("must be reset before it steps again: its step failed");
            env.reset(1);
            assertThat(env.step(new float[] {0f}).observation()[0]).isEqualTo(1f);
        }
    }

    /**
     * A batched call that fails at one row has stepped the rows before it in Python, with no result for Java: the
     * vector env and each env of the call refuse to step until reset, rather than go on one step apart.
     */
    @Test
    void aBatchedStepThatFailsPartWayLeavesEveryEnvOfTheCallNeedingAReset() {
        List<RemoteEnv> envs = List.of(counter(worker, 3, 1, Map.of()), RemoteEnv.make(worker, "testing", "faulty",
                new EnvOptions(0, Map.of("fail_at", "2")), specNamed("testing/faulty")),
                counter(worker, 3, 1, Map.of()));
        try (RemoteVectorEnv vector = RemoteVectorEnv.raw(envs)) {
            vector.reset(0);
            float[][] actions = {{0f}, {0f}, {0f}};
            assertThat(vector.step(actions).observations()[0][0]).isEqualTo(1f);
            assertThatThrownBy(() -> vector.step(actions)).isInstanceOf(PythonException.class)
                    .hasMessageContaining("faulty env fails at step 2")
                    .satisfies(e -> assertThat(((PythonException) e).row()).as("the row marked").isEqualTo(1));
            // row 0 stepped in Python (its counter is at 2) but Java never saw that step
            assertThatThrownBy(() -> vector.step(actions)).isInstanceOf(EnvStateException.class)
                    .hasMessageContaining("must be reset before it steps again: step 3 envs of testing/counter,"
                            + " testing/faulty failed at row 1 (testing/faulty) ([gymnasium] Python raised"
                            + " ArithmeticError");
            assertThatThrownBy(() -> envs.get(0).step(new float[] {0f})).isInstanceOf(EnvStateException.class)
                    .hasMessageContaining("testing/counter must be reset before it steps again: a vector env's step 3"
                            + " envs");
            assertThatThrownBy(() -> envs.get(2).step(new float[] {0f})).isInstanceOf(EnvStateException.class);
            for (RemoteEnv env : envs) { // Python refuses them too, past Java's checks
                assertThatThrownBy(() -> worker.call("step", ep -> ep.step(env.handle(),
                        WorkerEndpoint.encode(new byte[4])))).isInstanceOf(PythonException.class)
                        .hasMessageContaining("must be reset before it steps again: a batched call of 3 envs with it"
                                + " failed at row 1");
            }
            // a reset puts every row in step again: all count from 1
            vector.reset(0);
            VectorStepResult after = vector.step(actions);
            for (int i = 0; i < 3; i++) {
                assertThat(after.observations()[i][0]).as("row %d", i).isEqualTo(1f);
            }
            assertThat(envs.get(0).reset(5).observation()[0]).isZero();
            assertThat(envs.get(0).step(new float[] {0f}).observation()[0]).isEqualTo(1f);
        }
        assertThat(worker.isAlive()).isTrue();
    }

    @Test
    void vectorEnvStepsAllEnvsInOneCallWithNextStepAutoreset() {
        List<RemoteEnv> envs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            envs.add(counter(worker, 2, 1, Map.of("episode", "2")));
        }
        try (RemoteVectorEnv vector = RemoteVectorEnv.raw(envs)) {
            assertThatThrownBy(() -> vector.step(new float[3][1])).isInstanceOf(EnvStateException.class);
            float[][] first = vector.reset(10);
            for (int i = 0; i < 3; i++) {
                assertThat(first[i]).containsExactly(0f, 10f + i);
            }
            float[][] actions = {{0.5f}, {1f}, {-1f}};
            VectorStepResult one = vector.step(actions);
            assertThat(one.rewards()).containsExactly(0.5, 1.0, -1.0);
            assertThat(one.terminated()).containsExactly(false, false, false);
            VectorStepResult two = vector.step(actions);
            assertThat(two.terminated()).containsExactly(true, true, true);
            assertThat(two.observations()[2]).containsExactly(2f, 12f);
            VectorStepResult reset = vector.step(actions);
            for (int i = 0; i < 3; i++) {
                assertThat(reset.observations()[i]).containsExactly(0f, 13f + i); // seed + i + 1 * numEnvs
                assertThat(reset.rewards()[i]).isZero();
                assertThat(reset.infos().get(i)).containsEntry(VectorEnv.AUTORESET, true);
            }
            assertThat(vector.step(actions).observations()[0]).containsExactly(1f, 13f);
            assertThatThrownBy(() -> vector.step(new float[][] {{0f}, {0f, 1f}, {0f}}))
                    .isInstanceOf(InvalidActionException.class);
        }
    }

    @Test
    void vectorEnvStepsEnvsOfDifferentSizesInOneCall() {
        List<RemoteEnv> envs = List.of(counter(worker, 2, 1, Map.of()), counter(worker, 4, 3, Map.of()),
                counter(worker, 3, 2, Map.of()));
        try (RemoteVectorEnv vector = RemoteVectorEnv.raw(envs)) {
            float[][] first = vector.reset(10);
            assertThat(first[0]).containsExactly(0f, 10f);
            assertThat(first[1]).containsExactly(0f, 11f, 0f, 0f);
            assertThat(first[2]).containsExactly(0f, 12f, 0f);
            long calls = worker.calls();
            VectorStepResult one = vector.step(new float[][] {{0.5f}, {1f, 2f, 3f}, {-1f, 0.25f}});
            assertThat(worker.calls() - calls).isEqualTo(1);
            assertThat(one.rewards()).containsExactly(0.5, 6.0, -0.75); // each env's reward: the sum of its action
            VectorStepResult two = vector.step(new float[][] {{0.5f}, null, {-1f, 0.25f}}); // row 1 sits out
            assertThat(two.observations()[1]).isNull();
            assertThat(two.rewards()).containsExactly(0.5, 0.0, -0.75);
            VectorStepResult three = vector.step(new float[][] {{0.5f}, {1f, 1f, 1f}, {1f, 1f}});
            assertThat(three.observations()[0][0]).isEqualTo(3f);
            assertThat(three.observations()[1]).containsExactly(2f, 11f, 0f, 0f);
            assertThat(three.rewards()).containsExactly(0.5, 3.0, 2.0);
        }
    }

    /** A wrapped vector env rescales actions from [-1, 1] as RescaleAction does, refusing what it refuses. */
    @Test
    void aWrappedVectorEnvRefusesAnUnboundedActionSpaceAsRescaleActionDoes() {
        List<RemoteEnv> envs = List.of(RemoteEnv.make(worker, "testing", "counter-3-1", EnvOptions.defaults(),
                s -> new TaskSpec("testing/free", List.of(), s.observation(), Box.unbounded(1), 1000, 1,
                        SuccessMetric.RETURN, true)));
        try {
            assertThatThrownBy(() -> RemoteVectorEnv.wrapped(envs)).isInstanceOf(PluginException.class)
                    .hasMessageStartingWith("testing/free has the unbounded action space Box(-Infinity, Infinity, "
                            + "[1]): action entry 0 lies in [-Infinity, Infinity]; ")
                    .hasMessageContaining("the plug-in must give finite ones");
        } finally {
            envs.get(0).close();
        }
    }

    /**
     * A plug-in that puts no env, envs of two workers, or wrapped envs of two action repeats in one vector env is
     * told so with a PluginException that says what to do (it was an untyped IllegalArgumentException).
     */
    @Test
    void aVectorEnvOfNoEnvsOfTwoWorkersOrOfTwoRepeatsIsAPluginMistake() {
        assertThatThrownBy(() -> RemoteVectorEnv.raw(List.of())).isInstanceOf(PluginException.class)
                .hasMessageContaining("needs at least one env");
        try (PythonWorker other = PythonWorker.start(TestVenvs.testing())) {
            List<RemoteEnv> envs = List.of(counter(worker, 3, 1, Map.of()), counter(other, 3, 1, Map.of()));
            try {
                assertThatThrownBy(() -> RemoteVectorEnv.raw(envs)).isInstanceOf(PluginException.class)
                        .hasMessageContaining("must live in one Python worker")
                        .hasMessageContaining("CompositeVectorEnv joins them");
            } finally {
                envs.forEach(RemoteEnv::close);
            }
        }
        List<RemoteEnv> envs = List.of(counter(worker, 3, 1, Map.of()), RemoteEnv.make(worker, "testing",
                "counter-3-1", EnvOptions.defaults(), s -> new TaskSpec("testing/twice", List.of(), s.observation(),
                        s.action(), 1000, 2, SuccessMetric.RETURN, true)));
        try {
            assertThatThrownBy(() -> RemoteVectorEnv.wrapped(envs)).isInstanceOf(PluginException.class)
                    .hasMessageContaining("share one action repeat").hasMessageContaining("testing/twice 2 "
                            + "times").hasMessageContaining("put them in different vector envs");
        } finally {
            envs.forEach(RemoteEnv::close);
        }
    }

    @Test
    void aFailedVectorCallNamesEveryTaskOfItsRows() {
        List<RemoteEnv> envs = List.of(counter(worker, 3, 1, Map.of()), RemoteEnv.make(worker, "testing", "faulty",
                new EnvOptions(0, Map.of("fail_at", "1")), specNamed("testing/faulty")));
        try (RemoteVectorEnv vector = RemoteVectorEnv.raw(envs)) {
            vector.reset(0);
            assertThatThrownBy(() -> vector.step(new float[][] {{0f}, {0f}})).isInstanceOf(PythonException.class)
                    .hasMessageContaining("in step 2 envs of testing/counter, testing/faulty");
        }
    }

    @Test
    void aResultOfOtherSizesThanTheSpecIsRefusedNamingTheTaskAndWhatCame() {
        for (String[] c : new String[][] {{"obs+1", "1", "from step: 4 observation values, 1 reward"},
                {"reward-pair", "1", "from step: 3 observation values, 2 rewards"},
                {"flag-pair", "1",
                        "from step: 3 observation values, 1 reward, 2 terminated flags and 1 truncated flag"},
                {"obs+1", "0", "from reset: 4 observation values;"}}) {
            try (RemoteEnv env = counter(worker, 3, 1, Map.of("wrong", c[0], "wrong_at", c[1]))) {
                assertThatThrownBy(() -> {
                    env.reset(0);
                    env.step(new float[] {0f});
                }).as(c[0]).isInstanceOf(InvalidEnvOutputException.class)
                        .hasMessageContaining("testing/counter returned " + c[2])
                        .hasMessageContaining("its spec has 3 observation values, one reward and one flag of each")
                        .hasMessageContaining("a defect of the suite or its plug-in (gymnasium)");
            }
        }
        assertThat(worker.isAlive()).isTrue();
    }

    @Test
    void aRowOfAnotherObservationSizeIsRefusedRatherThanShiftingTheRowsAfterIt() {
        List<RemoteEnv> envs = List.of(counter(worker, 3, 1, Map.of()),
                counter(worker, 3, 1, Map.of("wrong", "obs+1", "wrong_at", "2")), counter(worker, 3, 1, Map.of()));
        try (RemoteVectorEnv vector = RemoteVectorEnv.raw(envs)) {
            vector.reset(0);
            vector.step(new float[][] {{0f}, {0f}, {0f}});
            assertThatThrownBy(() -> vector.step(new float[][] {{0f}, {0f}, {0f}}))
                    .isInstanceOf(InvalidEnvOutputException.class)
                    .hasMessageContaining("testing/counter returned from step (row 1 of a vector env): 4 observation"
                            + " values");
            // rows 0 and 2 stepped in Python but their results were not read: the vector env needs a reset
            assertThatThrownBy(() -> vector.step(new float[][] {{0f}, {0f}, {0f}}))
                    .isInstanceOf(EnvStateException.class).hasMessageContaining("must be reset before it steps again");
        }
    }

    @Test
    void aNanOrInfinityFromASuiteStopsTheRolloutNamingTaskStepAndEntries() {
        for (String[] c : new String[][] {{"nan-obs", "3", "returned observation[2] = NaN at step 3 of episode"},
                {"inf-reward", "2", "returned reward = -Infinity at step 2 of episode"},
                {"nan-obs", "0", "returned observation[2] = NaN at the reset of episode"}}) {
            List<RemoteEnv> envs = List.of(counter(worker, 3, 1, Map.of()),
                    counter(worker, 3, 1, Map.of("wrong", c[0], "wrong_at", c[1])));
            TaskSpace space = TaskSpace.of(List.of(envs.get(0).spec()));
            try (MultitaskEnv rows = new MultitaskEnv(space, RemoteVectorEnv.wrapped(envs));
                    Agent agent = new RandomAgent(AgentContext.of(space, Map.of(), 1))) {
                Rollout rollout = new Rollout(rows, agent, Rollout.Mode.TRAIN);
                assertThatThrownBy(() -> {
                    rollout.start(EpisodeSchedule.sequential(5, 2));
                    for (int t = 0; t < 5; t++) {
                        rollout.step();
                    }
                }).as(c[0] + " at " + c[1]).isInstanceOf(InvalidEnvOutputException.class)
                        .hasMessageContaining("testing/counter " + c[2])
                        .hasMessageContaining("row 1)")
                        .hasMessageContaining("a defect of the suite or its plug-in");
            }
        }
    }

    /**
     * A Gymnasium env's own numeric success (1.0, a NumPy bool or int, an array of one flag) is the flag on every
     * path: one env (wrapped as EnvRegistry wraps it, its episode statistics too) and the batched rows of a rollout; a
     * value that is no flag (0.5, NaN, a string, an array of several) is refused naming the task, not read as "no
     * success flag". The suites pass their success as it is for this (Meta-World's float, MyoSuite's solved,
     * ManiSkill's tensor as an array).
     */
    @Test
    void aNumericSuccessIsTheFlagAndAnythingElseIsRefusedOnEveryPath() {
        for (String kind : List.of("bool", "float", "np-bool", "np-int", "one-array")) {
            try (Env env = EnvRegistry.wrap(counter(worker, 3, 1, Map.of("episode", "2", "success", kind)))) {
                env.reset(0);
                assertThat(env.step(new float[] {0f}).success()).as(kind).contains(false);
                StepResult last = env.step(new float[] {0f});
                assertThat(last.success()).as(kind).contains(true);
                assertThat(((EpisodeStatistics) last.info().get(EpisodeStatistics.INFO_KEY)).success()).as(kind)
                        .isTrue();
            }
            List<RemoteEnv> envs = List.of(counter(worker, 3, 1, Map.of("episode", "2", "success", kind)),
                    counter(worker, 3, 1, Map.of("episode", "3", "success", kind)));
            TaskSpace space = TaskSpace.of(List.of(envs.get(0).spec()));
            try (MultitaskEnv rows = new MultitaskEnv(space, RemoteVectorEnv.wrapped(envs));
                    Agent agent = new RandomAgent(AgentContext.of(space, Map.of(), 1))) {
                Rollout rollout = new Rollout(rows, agent, Rollout.Mode.EVALUATE);
                rollout.start((row, k) -> k == 0 ? new EpisodeSchedule.Ticket(row, row) : null); // one each
                List<Rollout.Finished> finished = new ArrayList<>();
                for (int t = 0; t < 10 && rollout.active(); t++) {
                    finished.addAll(rollout.step().finished());
                }
                assertThat(finished).as(kind).hasSize(2).allSatisfy(f -> assertThat(f.success()).contains(true));
            }
        }
        for (String[] c : new String[][] {{"half", "0.5 (Double)"}, {"nan", "NaN (Double)"},
                {"text", "\"yes\" (String)"},
                {"array", "\"ndarray array([ True,  True])\" (String)"}}) {
            try (Env env = EnvRegistry.wrap(counter(worker, 3, 1, Map.of("episode", "1", "success", c[0])))) {
                env.reset(0);
                assertThatThrownBy(() -> env.step(new float[] {0f})).as(c[0])
                        .isInstanceOf(InvalidEnvOutputException.class)
                        .hasMessageContaining("testing/counter returned " + c[1] + " as \"success\"")
                        .hasMessageContaining("give a boolean, or the number 0 or 1");
            }
            List<RemoteEnv> envs = List.of(counter(worker, 3, 1, Map.of()),
                    counter(worker, 3, 1, Map.of("episode", "1", "success", c[0])));
            TaskSpace space = TaskSpace.of(List.of(envs.get(0).spec()));
            try (MultitaskEnv rows = new MultitaskEnv(space, RemoteVectorEnv.wrapped(envs));
                    Agent agent = new RandomAgent(AgentContext.of(space, Map.of(), 1))) {
                Rollout rollout = new Rollout(rows, agent, Rollout.Mode.TRAIN);
                rollout.start(EpisodeSchedule.sequential(2, 2));
                assertThatThrownBy(rollout::step).as(c[0]).isInstanceOf(InvalidEnvOutputException.class)
                        .hasMessageContaining("testing/counter failed at step 1 of episode")
                        .hasMessageContaining("row 1)")
                        .hasMessageContaining("as \"success\" in a step's info");
            }
        }
        assertThat(worker.isAlive()).isTrue();
    }

    /**
     * A Python exception in one row's env of a batched step names that row's task, episode and step: the worker
     * tells the row (the context said "an env of testing/counter, testing/faulty failed").
     */
    @Test
    void aPythonErrorInOneRowOfABatchedStepNamesItsTaskAndEpisode() {
        List<RemoteEnv> envs = List.of(counter(worker, 3, 1, Map.of()), RemoteEnv.make(worker, "testing", "faulty",
                new EnvOptions(0, Map.of("fail_at", "2")), specNamed("testing/faulty")),
                counter(worker, 3, 1, Map.of()));
        TaskSpace space = TaskSpace.of(List.of(envs.get(0).spec(), envs.get(1).spec()));
        try (MultitaskEnv rows = new MultitaskEnv(space, RemoteVectorEnv.wrapped(envs));
                Agent agent = new RandomAgent(AgentContext.of(space, Map.of(), 1))) {
            Rollout rollout = new Rollout(rows, agent, Rollout.Mode.TRAIN);
            assertThatThrownBy(() -> {
                rollout.start(EpisodeSchedule.sequential(6, 2));
                for (int t = 0; t < 5; t++) {
                    rollout.step();
                }
            }).isInstanceOf(PythonException.class)
                    .hasMessageStartingWith("testing/faulty failed at step 2 of episode ")
                    .hasMessageContaining(", row 1): [gymnasium] Python raised ArithmeticError")
                    .hasMessageNotContaining("an env of")
                    .satisfies(e -> assertThat(((PythonException) e).row()).isEqualTo(1));
        }
    }

    @Test
    void closedEnvIsAStateError() {
        RemoteEnv env = counter(worker, 1, 1, Map.of());
        env.close();
        env.close();
        assertThatThrownBy(() -> env.reset(0)).isInstanceOf(EnvStateException.class);
        assertThatThrownBy(() -> worker.call("reset", ep -> ep.reset(env.handle(), 0)))
                .isInstanceOf(PythonException.class).hasMessageContaining("was closed or never made");
        RemoteVectorEnv vector = RemoteVectorEnv.raw(List.of(counter(worker, 1, 1, Map.of())));
        vector.reset(0);
        vector.close();
        assertThatThrownBy(() -> vector.step(new float[][] {{0f}})).isInstanceOf(EnvStateException.class)
                .hasMessage("a vector env of testing/counter was closed; make a new one");
        assertThatThrownBy(() -> vector.reset(0)).isInstanceOf(EnvStateException.class);
    }

    @Test
    void badOptionsAreRefusedBeforeCrossing() {
        assertThatThrownBy(() -> counter(worker, 1, 1, Map.of("a=b", "c"))).isInstanceOf(BridgeException.class)
                .hasMessageContaining("cannot cross to Python");
    }

    @Test
    void aStuckCallTimesOutAndStopsItsWorker() {
        try (PythonWorker slow = PythonWorker.start(TestVenvs.testing().withCallTimeout(Duration.ofMillis(1500)))) {
            RemoteEnv env = RemoteEnv.make(slow, "testing", "slow", new EnvOptions(0, Map.of("seconds", "30")),
                    specNamed("testing/slow"));
            env.reset(0);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> env.step(new float[] {0f})).isInstanceOf(WorkerFailedException.class)
                    .hasMessageContaining("did not answer").hasMessageContaining("within 1.5 s")
                    .hasMessageContaining("TDMPC2J_JAVA_OPTS=-Dtdmpc2j.python.callTimeoutSeconds=SECONDS");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
            assertThat(slow.isAlive()).isFalse();
            assertThat(ProcessHandle.of(slow.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }
}
