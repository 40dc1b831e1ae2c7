package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.UnknownTaskException;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.agent.Episode;
import io.github.tdmpc2j.spi.agent.InvalidObservationException;
import io.github.tdmpc2j.spi.agent.Transition;
import io.github.tdmpc2j.spi.agent.UnknownParameterException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TdmpcAgentTest {
    static final Map<String, String> SMALL = Map.of("preset", "cpu", "batch_size", "16", "num_samples", "32",
            "num_elites", "8", "num_pi_trajs", "4", "iterations", "2", "seed_steps", "20", "mlp_dim", "64",
            "enc_dim", "64", "latent_dim", "32");

    @Test
    void providerIsFoundByName() {
        assertThat(Agents.list()).extracting(AgentProvider::name).contains("tdmpc2");
        assertThat(Agents.find("tdmpc2").name()).isEqualTo("tdmpc2");
    }

    @Test
    void actsInRangeAndLearnsAfterTheSeedPhase() {
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(5, 2, SMALL))) {
            Random r = new Random(1);
            agent.beginEpisode(0, 0, false, 1L);
            float[] obs = randomObs(r, 5);
            Map<String, Double> metrics = Map.of();
            for (int t = 0; t < 30; t++) {
                float[] a = agent.act(obs, 0, false);
                assertThat(a).hasSize(2);
                for (float v : a) {
                    assertThat(v).isBetween(-1f, 1f);
                }
                float[] next = randomObs(r, 5);
                Map<String, Double> m = agent.observe(new Transition(0, obs, a, a[0], next, false, t % 10 == 9));
                if (!m.isEmpty()) {
                    metrics = m;
                }
                obs = next;
            }
            assertThat(agent.steps()).isEqualTo(30);
            assertThat(metrics).containsKeys("consistency_loss", "reward_loss", "value_loss", "pi_loss",
                    "grad_norm");
            metrics.values().forEach(v -> assertThat(v).isFinite());
            float[] evalAction = agent.act(obs, 0, true);
            assertThat(evalAction).hasSize(2);
            assertThat(agent.cudaGraphsActive()).as("no CUDA graphs on the CPU, and nothing tried").isFalse();
        }
    }

    /** The note that the seed phase ends before an episode can is for training: eval and collect never see it. */
    @Test
    void aShortSeedPhaseIsNotedWhenTrainingBeginsNotWhenAnAgentOnlyActs() {
        TdmpcAgent.WARNED_SHORT_SEED.set(false); // once per JVM: another test may have said it
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(5, 2, SMALL))) { // seed_steps 20 < 100
            Random r = new Random(1);
            float[] obs = randomObs(r, 5);
            agent.beginEpisode(0, 0, true, 1L);
            agent.act(obs, 0, true); // eval
            agent.beginEpisode(0, 0, false, 1L);
            float[] a = agent.act(obs, 0, false); // collect acts so, and feeds nothing back
            assertThat(TdmpcAgent.WARNED_SHORT_SEED).as("said before any training").isFalse();
            agent.observe(new Transition(0, obs, a, 0, randomObs(r, 5), false, false));
            assertThat(TdmpcAgent.WARNED_SHORT_SEED).as("said when training fed the first step").isTrue();
        }
    }

    /**
     * A task whose episodes are shorter than the horizon is refused when the agent is made, with what to lower (the
     * first update failed with "update threw IllegalStateException", after the step-0 evaluation planned with it).
     */
    @Test
    void aHorizonLongerThanTheEpisodesIsRefusedWhenTheAgentIsMade() {
        Map<String, String> params = new java.util.HashMap<>(SMALL);
        params.put("horizon", "8");
        AgentContext twoTasks = new AgentContext(List.of(AgentTestSupport.spec("test/long", 5, 2, 100, false),
                AgentTestSupport.spec("test/short", 5, 2, 5, false)), 5, 2, List.of(new float[] {1, 1},
                new float[] {1, 1}), params, 7L);
        assertThatThrownBy(() -> new TdmpcAgent(twoTasks).close()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("horizon=8 is longer than the episodes of test/short (5 steps)")
                .hasMessageContaining("--set-param horizon=5 or less");
        // the same check before a run, from the tasks' specs (a bench checks each task's before its first run)
        assertThatThrownBy(() -> new TdmpcAgentProvider().checkRun(twoTasks, 1000, 2, Long.MAX_VALUE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("horizon=8 is longer than the episodes of test/short (5 steps)");
        params.put("horizon", "5");
        AgentContext fits = AgentContext.single(AgentTestSupport.spec("test/short", 5, 2, 5, false), params, 7L);
        try (TdmpcAgent agent = new TdmpcAgent(fits)) {
            assertThat(agent.config().horizon()).isEqualTo(5);
        }
    }

    /**
     * A run of no steps or envs given to the provider itself (not through Agents.find, whose provider refuses them
     * first) is the caller's typed mistake, said alike; before, it was accepted.
     */
    @Test
    void checkRunOfNoStepsOrEnvsIsTheCallersTypedError() {
        AgentContext one = AgentTestSupport.single(3, 1, Map.of("preset", "cpu"));
        assertThatThrownBy(() -> new TdmpcAgentProvider().checkRun(one, -1, 2, Long.MAX_VALUE))
                .isExactlyInstanceOf(io.github.tdmpc2j.spi.TdmpcException.class)
                .hasMessageStartingWith("checkRun was given -1 steps: pass the agent steps the run is to take");
        assertThatThrownBy(() -> new TdmpcAgentProvider().checkRun(one, 1000, 0, Long.MAX_VALUE))
                .isExactlyInstanceOf(io.github.tdmpc2j.spi.TdmpcException.class)
                .hasMessageStartingWith("checkRun was given 0 envs: pass how many envs the run steps at once");
    }

    /**
     * A negative dataset step count, or a null context, given to the provider's checkOfflineRun itself is the
     * caller's typed mistake, said as Agents.find's provider says it; before, -1 steps were accepted and a null
     * context was a NullPointerException.
     */
    @Test
    void checkOfflineRunOfNegativeStepsIsTheCallersTypedError() {
        AgentContext one = AgentTestSupport.single(3, 1, Map.of("preset", "cpu"));
        assertThatThrownBy(() -> new TdmpcAgentProvider().checkOfflineRun(one, -1, Long.MAX_VALUE))
                .isExactlyInstanceOf(io.github.tdmpc2j.spi.TdmpcException.class)
                .hasMessageStartingWith("checkOfflineRun was given -1 dataset steps: pass the steps the dataset's "
                        + "episodes hold");
        assertThatThrownBy(() -> new TdmpcAgentProvider().checkOfflineRun(null, 10, Long.MAX_VALUE))
                .isExactlyInstanceOf(io.github.tdmpc2j.spi.TdmpcException.class)
                .hasMessageStartingWith("the agent context is null");
    }

    /**
     * A run that ends in the seed phase makes no update: said before it starts (it trained nothing, silently, and
     * evaluated the untrained model); a run that reaches the seed phase's end is not told.
     */
    @Test
    void aRunThatEndsInTheSeedPhaseIsToldBeforeItStarts() {
        TdmpcConfig cpu = TdmpcConfig.from(Map.of("preset", "cpu"));
        assertThat(TdmpcAgent.seedPhaseCoversRun(cpu, 200, 300)).hasValueSatisfying(m -> assertThat(m)
                .contains("this run of 300 steps ends in the seed phase (seed_steps=500 steps of random actions")
                .contains("it makes no update").contains("Give --steps 500 or more, or --set-param seed_steps=N "
                        + "with N below 300"));
        assertThat(TdmpcAgent.seedPhaseCoversRun(cpu, 200, 500)).isEmpty();
        assertThat(TdmpcAgent.seedPhaseCoversRun(TdmpcConfig.defaults(), 500, 2000)).hasValueSatisfying(m ->
                assertThat(m).contains("seed_steps=2500").contains("the reference's max(1000, 5 x episode length)"));
        TdmpcAgent.WARNED_NO_UPDATES.set(false);
        new TdmpcAgentProvider().checkRun(AgentTestSupport.single(3, 1, Map.of("preset", "cpu")), 300, 1,
                Long.MAX_VALUE);
        assertThat(TdmpcAgent.WARNED_NO_UPDATES).as("said by the check before the run").isTrue();
    }

    /**
     * The call-out comes at the first planned act, not when the agent is made: `eval FILE.pt --set-param
     * iterations=1 ...` made an agent with the reference's settings only to write the imported checkpoint, and said
     * that those settings (512 samples x 6 iterations) were made for GPUs, while the evaluation planned with the
     * light ones given.
     */
    @Test
    void planningMadeForGpusIsCalledOutAtTheFirstPlannedActNotWhenTheAgentIsMade() {
        TdmpcAgent.WARNED_CPU.set(false);
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(4, 1, Map.of("model_size", "1")))) {
            assertThat(TdmpcAgent.WARNED_CPU).as("made, and nothing planned").isFalse();
            agent.beginEpisode(0, 0, true, 1);
            float[][] actions = agent.act(new float[][] {new float[4]}, new int[] {0}, true);
            assertThat(actions[0]).hasSize(1);
            assertThat(TdmpcAgent.WARNED_CPU).as("after a planned act").isTrue();
        }
    }

    /** The paper's planning on a CPU is called out (once per JVM); the cpu preset's is not. */
    @Test
    void planningMadeForGpusIsCalledOutOnTheCpu() {
        AgentContext paper = AgentTestSupport.single(24, 6, Map.of());
        assertThat(TdmpcAgent.madeForGpus(TdmpcConfig.from(paper.params()), paper)).hasValueSatisfying(m ->
                assertThat(m).contains("preset paper, 5M model, 512 samples x 6 iterations").contains("--preset cpu")
                        .containsPattern("does \\d+x the work"));
        AgentContext cpu = AgentTestSupport.single(24, 6, Map.of("preset", "cpu"));
        assertThat(TdmpcAgent.madeForGpus(TdmpcConfig.from(cpu.params()), cpu)).isEmpty();
        // the paper's 5M model planned as the cpu preset plans (an imported single-task model evaluated on a CPU)
        Map<String, String> light = Map.of("model_size", "5", "iterations", "2", "num_samples", "64",
                "num_elites", "8", "num_pi_trajs", "4");
        AgentContext imported = AgentTestSupport.single(24, 6, light);
        assertThat(TdmpcAgent.madeForGpus(TdmpcConfig.from(imported.params()), imported)).isEmpty();
    }

    @Test
    void theSameSeedGivesTheSamePlansAndUpdatesInOneProcess() {
        float[][] first = plansAndLoss();
        float[][] second = plansAndLoss();
        assertThat(second[0]).containsExactly(first[0]);
        assertThat(second[1]).containsExactly(first[1]);
    }

    /** Actions of 30 steps (planning after the seed phase) and the last update's total loss, seed 7. */
    private static float[][] plansAndLoss() {
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(5, 2, SMALL))) {
            Random r = new Random(7);
            float[] obs = randomObs(r, 5);
            float[] actions = new float[60];
            float loss = Float.NaN;
            for (int t = 0; t < 30; t++) {
                float[] a = agent.act(obs, 0, false);
                System.arraycopy(a, 0, actions, 2 * t, 2);
                float[] next = randomObs(r, 5);
                Map<String, Double> m = agent.observe(new Transition(0, obs, a, a[0], next, false, t % 10 == 9));
                if (m.containsKey("total_loss")) {
                    loss = m.get("total_loss").floatValue();
                }
                obs = next;
            }
            return new float[][] {actions, {loss}};
        }
    }

    /**
     * Seed {@code seed}'s agent: 40 transitions, then 30 updates with a planned (evaluation) action after every
     * third; returns the actions and the last loss. With {@code together}, waits there before the updates.
     */
    private static float[] learnAndPlan(int seed, java.util.concurrent.CyclicBarrier together) throws Exception {
        try (TdmpcAgent agent = new TdmpcAgent(AgentContext.single(AgentTestSupport.spec("test/task", 5, 2, 100,
                false), Map.of("preset", "cpu", "batch_size", "16", "seed_steps", "100000", "mlp_dim", "64",
                "enc_dim", "64", "latent_dim", "32", "num_samples", "32", "num_elites", "8"), seed))) {
            Random r = new Random(seed);
            float[] obs = randomObs(r, 5);
            for (int t = 0; t < 40; t++) {
                float[] a = {r.nextFloat() * 2 - 1, r.nextFloat() * 2 - 1};
                float[] next = randomObs(r, 5);
                agent.observe(new Transition(0, obs, a, a[0], next, false, t % 20 == 19));
                obs = next;
            }
            if (together != null) {
                together.await();
            }
            float[] out = new float[10 * 2 + 1];
            for (int i = 0; i < 30; i++) {
                out[20] = agent.update().get("total_loss").floatValue();
                if (i % 3 == 2) {
                    System.arraycopy(agent.act(obs, 0, true), 0, out, (i / 3) * 2, 2);
                }
            }
            return out;
        }
    }

    /**
     * Two agents learning and planning at once in one JVM, as a Spark executor with two task slots runs two bench
     * units, each get what they get alone, bit for bit: each agent on the CPU draws from a generator of its own (the
     * engine's one generator interleaved their draws). DJL's own gradient collector also allowed one at a time in the
     * whole JVM and failed the second ("A PtGradientCollector is already collecting").
     */
    @Test
    void twoAgentsLearningAtOnceOnTwoThreadsGetWhatTheyGetAlone() throws Exception {
        float[][] alone = {learnAndPlan(1, null), learnAndPlan(2, null)};
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
            List<java.util.concurrent.Future<float[]>> runs = new java.util.ArrayList<>();
            for (int seed = 1; seed <= 2; seed++) {
                int s = seed;
                runs.add(pool.submit(() -> learnAndPlan(s, together)));
            }
            for (int k = 0; k < 2; k++) {
                float[] both = runs.get(k).get();
                assertThat(both[20]).as("seed %d: last loss", k + 1).isFinite();
                assertThat(both).as("seed %d: actions and last loss", k + 1).containsExactly(alone[k]);
            }
            assertThat(alone[0]).isNotEqualTo(alone[1]);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void updatesReduceTheLossOnAFixedTransitionSet() {
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(4, 1, Map.of("preset", "cpu",
                "batch_size", "32", "seed_steps", "100000", "mlp_dim", "64", "enc_dim", "64", "latent_dim", "32")))) {
            Random r = new Random(3);
            float[] obs = randomObs(r, 4);
            for (int t = 0; t < 200; t++) {
                float[] a = {r.nextFloat() * 2 - 1};
                float[] next = {obs[0] + 0.1f * a[0], obs[1], obs[2], obs[3]};
                agent.observe(new Transition(0, obs, a, -Math.abs(obs[0]), next, false, t % 50 == 49));
                obs = t % 50 == 49 ? randomObs(r, 4) : next;
            }
            double first = agent.update().get("reward_loss");
            double last = first;
            for (int i = 0; i < 150; i++) {
                last = agent.update().get("reward_loss");
            }
            System.out.printf("reward loss %.4f -> %.4f after 150 updates%n", first, last);
            assertThat(last).isLessThan(first * 0.5);
        }
    }

    @Test
    void nativeMemoryStaysFlat() {
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(5, 2, SMALL))) {
            Random r = new Random(2);
            float[] obs = randomObs(r, 5);
            for (int t = 0; t < 40; t++) {
                // both kinds of rows once: each row's warm-start mean is made on its first act
                float[] a = agent.act(obs, 0, t % 2 == 0);
                agent.observe(new Transition(0, obs, a, 0.5, randomObs(r, 5), false, t % 10 == 9));
            }
            int before = agent.store().manager().getManagedArrays().size();
            for (int t = 0; t < 50; t++) {
                float[] a = agent.act(obs, 0, t % 2 == 0);
                agent.observe(new Transition(0, obs, a, 0.5, randomObs(r, 5), false, t % 10 == 9));
            }
            assertThat(agent.store().manager().getManagedArrays().size()).isEqualTo(before);
        }
    }

    @Test
    void multitaskActionsRespectTheMask() {
        AgentContext ctx = new AgentContext(List.of(AgentTestSupport.spec("test/a", 3, 1, 50, false),
                AgentTestSupport.spec("test/b", 5, 3, 50, true)), 5, 3,
                List.of(new float[] {1, 0, 0}, new float[] {1, 1, 1}), SMALL, 3L);
        try (TdmpcAgent agent = new TdmpcAgent(ctx)) {
            Random r = new Random(4);
            for (int t = 0; t < 40; t++) {
                int task = t % 2;
                float[] obs = randomObs(r, 5);
                float[] a = agent.act(obs, task, false);
                if (task == 0) {
                    assertThat(a[1]).isZero();
                    assertThat(a[2]).isZero();
                }
                agent.observe(new Transition(task, obs, a, 1.0, randomObs(r, 5), t == 39, t % 5 == 4));
            }
            float[] a = agent.act(randomObs(r, 5), 0, true);
            assertThat(a[1]).isZero();
            assertThat(a[2]).isZero();
        }
    }

    /** Used directly (not through Agents.find's checked wrapper), the agent names its tasks for a wrong index. */
    @Test
    void aTaskIndexTheAgentWasNotMadeForIsAnUnknownTaskNamingItsTasks() {
        AgentContext ctx = new AgentContext(List.of(AgentTestSupport.spec("test/a", 3, 1, 50, false),
                AgentTestSupport.spec("test/b", 5, 3, 50, true)), 5, 3,
                List.of(new float[] {1, 0, 0}, new float[] {1, 1, 1}), SMALL, 3L);
        try (TdmpcAgent agent = new TdmpcAgent(ctx)) {
            String tasks = "of the agent's 2 tasks (0 test/a, 1 test/b); a task is given by its index";
            assertThatThrownBy(() -> agent.beginEpisode(0, 2, false, 1)).isInstanceOf(UnknownTaskException.class)
                    .hasMessageContaining("task 2 is not one " + tasks);
            assertThatThrownBy(() -> agent.act(new float[][] {null, new float[5]}, new int[] {0, 5}, false))
                    .isInstanceOf(UnknownTaskException.class).hasMessageContaining("row 1's task 5 is not one " + tasks);
            Transition wrong = new Transition(-1, new float[5], new float[3], 0, new float[5], false, false);
            assertThatThrownBy(() -> agent.observe(new Transition[] {null, wrong}))
                    .isInstanceOf(UnknownTaskException.class).hasMessageContaining("row 1's task -1 is not one " + tasks);
            assertThat(agent.steps()).isZero();
        }
    }

    @Test
    void badInputGetsTypedExceptions() {
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(5, 2, SMALL))) {
            // refused as the random agent refuses it (AgentContext.requireObservation)
            assertThatThrownBy(() -> agent.act(new float[3], 0, true)).isInstanceOf(InvalidObservationException.class)
                    .hasMessageStartingWith("the observation of row 0 has 3 values, but the agent's have 5 (its task 0 ")
                    .hasMessageContaining("pass observations padded to the agent's size");
            assertThatThrownBy(() -> agent.act(new float[5], 4, true)).isInstanceOf(TdmpcException.class);
            // a transition fed to observe is the caller's too, checked as the random agent checks it (before: an
            // InvalidActionException 'the transition of row 0 has observations of 3 and 5 entries ...')
            assertThatThrownBy(() -> agent.observe(new Transition(0, new float[3], new float[2], 0, new float[5],
                    false, false))).isInstanceOf(InvalidObservationException.class)
                    .hasMessage("the observation of row 0's transition has 3 values, but the agent's have 5 (its task 0 "
                            + "test/task): pass observations padded to the agent's size, as MultitaskEnv gives them "
                            + "(TaskSpace.pad pads one)");
            assertThatThrownBy(() -> agent.observe(new Transition(0, new float[5], null, 0, new float[5], false,
                    false))).isInstanceOf(InvalidActionException.class)
                    .hasMessageStartingWith("the action of row 0's transition is null, but the agent's have 2");
            // before: InvalidActionException 'act needs one task per observation row (got 2 rows and 1 task)'
            assertThatThrownBy(() -> agent.act(new float[][] {new float[5], new float[5]}, new int[] {0}, true))
                    .isExactlyInstanceOf(TdmpcException.class)
                    .hasMessage("act was given 1 task for 2 rows; give each row's task index");
            assertThat(agent.steps()).isZero();
            // a recorded episode is checked whole, as observe's steps are (before: IllegalArgumentException
            // 'transition sizes obs 4, action 2 do not match the agent's 5 and 2' from the replay buffer, which through
            // Agents.find was a PluginException blaming the tdmpc2 plug-in; a NaN observation was learnt from, its
            // losses NaN)
            assertThatThrownBy(() -> agent.addEpisode(new Episode(0, new float[3][4], new float[2][2], new float[2],
                    false, new boolean[2]))).isInstanceOf(InvalidObservationException.class)
                    .hasMessageStartingWith("observation 0 of the episode has 4 values, but the agent's have 5");
            float[][] nan = new float[3][5];
            nan[2][1] = Float.NaN;
            assertThatThrownBy(() -> agent.addEpisode(new Episode(0, nan, new float[2][2], new float[2], false,
                    new boolean[2]))).isInstanceOf(InvalidObservationException.class)
                    .hasMessageStartingWith("observation 2 of the episode has NaN at entry 1");
        }
        // before: NullPointerExceptions ('context' is null, 'params' is null, a null value's trim())
        assertThatThrownBy(() -> new TdmpcAgent(null)).isExactlyInstanceOf(TdmpcException.class)
                .hasMessage("the agent context is null: pass what the agent is made for (AgentContext.of(space, "
                        + "params, seed))");
        assertThatThrownBy(() -> TdmpcConfig.from(null)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("the TD-MPC2 parameters are null: pass Map.of() for the paper's settings");
        java.util.Map<String, String> unset = new java.util.HashMap<>();
        unset.put("horizon", null);
        assertThatThrownBy(() -> TdmpcConfig.from(unset)).isInstanceOf(ConfigException.class)
                .hasMessage("the TD-MPC2 parameters hold no value for 'horizon' (null): give each a name and a value, "
                        + "or leave it out");
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("horizn", "3")))
                .isInstanceOf(UnknownParameterException.class)
                .hasMessageContaining("'horizn' (did you mean horizon?)");
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("model_size", "7"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("lr", "fast"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("preset", "gpu"))).isInstanceOf(ConfigException.class);
    }

    @Test
    void configFollowsTheReference() {
        TdmpcConfig paper = TdmpcConfig.defaults();
        assertThat(paper.modelSize()).isEqualTo(5);
        assertThat(paper.latentDim()).isEqualTo(512);
        assertThat(paper.numSamples()).isEqualTo(512);
        assertThat(paper.discount(500)).isEqualTo(0.99f);
        assertThat(paper.discount(100)).isEqualTo(0.95f);
        assertThat(paper.discount(100_000)).isEqualTo(0.995f);
        assertThat(paper.seedSteps(500)).isEqualTo(2500);
        assertThat(paper.seedSteps(100)).isEqualTo(1000);
        assertThat(paper.planIterations(6)).isEqualTo(6);
        assertThat(paper.planIterations(39)).isEqualTo(8);
        TdmpcConfig cpu = TdmpcConfig.from(Map.of("preset", "cpu", "latent_dim", "64"));
        assertThat(cpu.modelSize()).isEqualTo(1);
        assertThat(cpu.latentDim()).isEqualTo(64);
        assertThat(cpu.mlpDim()).isEqualTo(384);
    }

    static float[] randomObs(Random r, int n) {
        float[] o = new float[n];
        for (int i = 0; i < n; i++) {
            o[i] = (float) r.nextGaussian();
        }
        return o;
    }
}
