package io.github.tdmpc2j.spi.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.LineEnv;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TdmpcException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A third-party agent's caller gets the checks tdmpc2j's own agents make, before the plug-in sees its input. */
class CheckedAgentTest {
    /** An agent plug-in that checks nothing it is given: zeros for every row that steps, and counts what it got. */
    static class LaxAgent implements Agent {
        int acts;
        int observes;

        @Override
        public void beginEpisode(int row, int task, boolean eval, long seed) {
        }

        @Override
        public float[][] act(float[][] observations, int[] tasks, boolean eval) {
            acts++;
            float[][] actions = new float[observations.length][];
            for (int row = 0; row < actions.length; row++) {
                actions[row] = observations[row] == null ? null : new float[2];
            }
            return actions;
        }

        @Override
        public Map<String, Double> observe(Transition[] transitions) {
            observes++;
            return Map.of();
        }

        @Override
        public long steps() {
            return observes;
        }

        @Override
        public void writeState(Path dir) {
        }

        @Override
        public void readState(Path dir) {
        }

        @Override
        public void close() {
        }
    }

    /**
     * Before: act with an observation of 2 values on an agent of 3 returned the plug-in's zeros and observe fed it a
     * transition of the wrong size, without a word; act(null, ...) was a NullPointerException.
     */
    @Test
    void theCallersMistakesAreRefusedAsTheBuiltInAgentsRefuseThemBeforeThePlugInSeesThem() {
        LaxAgent lax = new LaxAgent();
        AgentProvider plugin = plugin("lax", () -> lax);
        TaskSpace space = TaskSpace.of(List.of(LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1),
                LineEnv.spec("line/big", 3, 2, -1, 1, 10, 1)));
        try (Agent agent = plugin.create(AgentContext.of(space, Map.of(), 7))) {
            assertThatThrownBy(() -> agent.act(new float[2], 0, true)).isInstanceOf(InvalidObservationException.class)
                    .hasMessage("the observation of row 0 has 2 values, but the agent's have 3 (its tasks 0 "
                            + "line/small, 1 line/big): pass observations padded to the agent's size, as "
                            + "MultitaskEnv gives them (TaskSpace.pad pads one)");
            assertThatThrownBy(() -> agent.act((float[][]) null, new int[] {0}, true))
                    .isInstanceOf(TdmpcException.class).hasMessageStartingWith("act was given null observations");
            assertThatThrownBy(() -> agent.observe(new Transition(0, new float[3], new float[2], 0, new float[2],
                    false, false))).isInstanceOf(InvalidObservationException.class)
                    .hasMessageStartingWith("the next observation of row 0's transition has 2 values");
            assertThat(lax.acts).isZero();
            assertThat(lax.observes).isZero();
            assertThat(agent.act(new float[3], 1, true)).containsExactly(0f, 0f);
            agent.observe(new Transition(1, new float[3], new float[2], 0, new float[3], false, false));
            assertThat(lax.observes).isOne();
        }
    }

    /**
     * A run of no steps or envs, or a heap of no bytes, given to checkRun is the caller's mistake, refused whatever the
     * agent (before, the random agent's checkRun, which checks nothing, accepted checkRun(context, -5, 0, heap)).
     */
    @Test
    void checkRunOfNoStepsOrEnvsIsTheCallersTypedError() {
        AgentProvider random = Agents.find("random");
        AgentContext context = AgentContext.of(TaskSpace.of(List.of(LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1))),
                Map.of(), 7);
        assertThatThrownBy(() -> random.checkRun(context, -5, 1, 1L << 30)).isExactlyInstanceOf(TdmpcException.class)
                .hasMessage("checkRun was given -5 steps: pass the agent steps the run is to take, all rows together, "
                        + "1 or more (its --steps; a resumed run's total)");
        assertThatThrownBy(() -> random.checkRun(context, 0, 1, 1L << 30)).isExactlyInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("checkRun was given 0 steps: ");
        assertThatThrownBy(() -> random.checkRun(context, 10, 0, 1L << 30)).isExactlyInstanceOf(TdmpcException.class)
                .hasMessage("checkRun was given 0 envs: pass how many envs the run steps at once, 1 or more (its "
                        + "--envs)");
        assertThatThrownBy(() -> random.checkRun(context, 10, 1, 0)).isExactlyInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("checkRun was given a heap of 0 bytes: pass the Java heap the run's JVM may "
                        + "grow to");
        random.checkRun(context, 1, 1, Long.MAX_VALUE);
    }

    /**
     * A negative dataset step count, or a heap of no bytes, given to checkOfflineRun is the caller's mistake, refused
     * whatever the agent, as checkRun's are (before, the random agent's checkOfflineRun accepted -3 steps).
     */
    @Test
    void checkOfflineRunOfNegativeStepsIsTheCallersTypedError() {
        AgentProvider random = Agents.find("random");
        AgentContext context = AgentContext.of(TaskSpace.of(List.of(LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1))),
                Map.of(), 7);
        assertThatThrownBy(() -> random.checkOfflineRun(context, -3, 1L << 30))
                .isExactlyInstanceOf(TdmpcException.class)
                .hasMessage("checkOfflineRun was given -3 dataset steps: pass the steps the dataset's episodes hold, "
                        + "all tasks together, 0 or more (or a bound on them, as its files times their episode "
                        + "length)");
        assertThatThrownBy(() -> random.checkOfflineRun(context, 10, 0)).isExactlyInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("checkOfflineRun was given a heap of 0 bytes: pass the Java heap the run's "
                        + "JVM may grow to");
        random.checkOfflineRun(context, 0, Long.MAX_VALUE);
    }

    /**
     * A null argument to an agent plug-in's provider is the caller's mistake, refused before the plug-in is called.
     * Before: Agents.find("random").create(null) was a PluginException blaming the plug-in ('create threw
     * NullPointerException: Cannot invoke "...AgentContext.params()" because "context" is null'), and TD-MPC2's
     * checkpointParams(null), checkpointTasks(null), checkRun(null, ...) and actingNotice(null) likewise.
     */
    @Test
    void aNullArgumentToAProviderIsTheCallersTypedError() {
        AgentProvider random = Agents.find("random");
        assertThatThrownBy(() -> random.create(null)).isExactlyInstanceOf(TdmpcException.class)
                .hasMessage("the agent context is null: pass what the agent is made for (AgentContext.of(space, "
                        + "params, seed))");
        assertThatThrownBy(() -> random.checkRun(null, 10, 1, 1L << 30)).isExactlyInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("the agent context is null");
        assertThatThrownBy(() -> random.checkOfflineRun(null, 10, 1L << 30))
                .isExactlyInstanceOf(TdmpcException.class).hasMessageStartingWith("the agent context is null");
        assertThatThrownBy(() -> random.checkpointParams(null)).isExactlyInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("the checkpoint folder is null: pass its path");
        assertThatThrownBy(() -> random.checkpointTasks(null)).isExactlyInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("the checkpoint folder is null: pass its path");
        assertThatThrownBy(() -> random.actingNotice(null)).isExactlyInstanceOf(TdmpcException.class)
                .hasMessage("the agent's params are null: pass Map.of() for none");
        // before: NullPointerException 'Cannot invoke "...AgentContext.seed()" because "context" is null'
        assertThatThrownBy(() -> new RandomAgent(null)).isExactlyInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("the agent context is null");
        // before: PluginException 'agent 'random': readState threw NullPointerException ...'
        TaskSpace space = TaskSpace.of(List.of(LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1)));
        try (Agent agent = random.create(AgentContext.of(space, Map.of(), 7))) {
            assertThatThrownBy(() -> agent.readState(null)).isExactlyInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("the checkpoint folder is null");
            assertThatThrownBy(() -> agent.writeState(null)).isExactlyInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("the checkpoint folder is null");
        }
    }
    /**
     * A plug-in's readState that throws, reached through load (eval's, a collect policy's): the failure names
     * readState and the checkpoint, and says what to do. Before: "agent 'unreadable': load threw
     * IllegalStateException: no such layer 'encoder.9'", the agent's default load having called its readState.
     */
    @Test
    void aReadStateThatThrowsThroughLoadIsNamedWithTheCheckpoint(@org.junit.jupiter.api.io.TempDir Path dir) {
        TaskSpace space = TaskSpace.of(List.of(LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1)));
        Path checkpoint = dir.resolve("checkpoint");
        try (Agent random = Agents.find("random").create(AgentContext.of(space, Map.of(), 7))) {
            random.save(checkpoint);
        }
        AgentProvider plugin = plugin("unreadable", () -> new LaxAgent() {
            @Override
            public void readState(Path d) {
                throw new IllegalStateException("no such layer 'encoder.9'");
            }
        });
        try (Agent agent = plugin.create(AgentContext.of(space, Map.of(), 7))) {
            assertThatThrownBy(() -> agent.load(checkpoint)).isInstanceOf(io.github.tdmpc2j.spi.PluginException.class)
                    .hasMessageContaining("agent 'unreadable': readState of the checkpoint " + checkpoint + " threw "
                            + "IllegalStateException: no such layer 'encoder.9'")
                    .hasMessageContaining("if another agent wrote it, make that one (tdmpc2j's --agent NAME), else "
                            + "this plug-in cannot read it (report that to its authors)")
                    .hasMessageNotContaining("load threw");
        }
    }

    /**
     * A plug-in whose agent has its own save and load (another layout than a checkpoint folder, say) has them called
     * through the checked wrapper, not Agent's defaults over its readState and writeState; a failure of them is the
     * plug-in's, named. The wrapper called the defaults for every agent while its readState's failure was being named.
     */
    @Test
    void aPluginsOwnSaveAndLoadAreCalled(@org.junit.jupiter.api.io.TempDir Path dir) {
        TaskSpace space = TaskSpace.of(List.of(LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1)));
        List<String> calls = new java.util.ArrayList<>();
        AgentProvider plugin = plugin("own-files", () -> new LaxAgent() {
            @Override
            public void save(Path d) {
                calls.add("save " + d.getFileName());
            }

            @Override
            public void load(Path d) {
                calls.add("load " + d.getFileName());
                if (d.getFileName().toString().equals("broken")) {
                    throw new IllegalStateException("no weights.bin");
                }
            }
        });
        try (Agent agent = plugin.create(AgentContext.of(space, Map.of(), 7))) {
            agent.save(dir.resolve("mine"));
            agent.load(dir.resolve("mine"));
            assertThat(calls).containsExactly("save mine", "load mine");
            assertThatThrownBy(() -> agent.load(dir.resolve("broken")))
                    .isInstanceOf(io.github.tdmpc2j.spi.PluginException.class)
                    .hasMessageContaining("agent 'own-files'").hasMessageContaining("no weights.bin");
        }
    }

    /** An agent plug-in {@code name} in {@code NAME.jar} whose provider makes {@code agents}' agents, checked. */
    private static AgentProvider plugin(String name, java.util.function.Supplier<Agent> agents) {
        return new CheckedAgentProvider(new AgentProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Agent create(AgentContext context) {
                return agents.get();
            }
        }, name + ".jar");
    }
}
