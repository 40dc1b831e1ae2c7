package io.github.tdmpc2j.spi.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.LineEnv;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.UnknownTaskException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomAgentTest {
    @Test
    void isFoundByNameAndActsInsideTheMask(@TempDir Path dir) {
        LineEnv small = new LineEnv(LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1), 1e9);
        LineEnv big = new LineEnv(LineEnv.spec("line/big", 3, 3, -1, 1, 10, 1), 1e9);
        TaskSpace space = TaskSpace.of(List.of(small.spec(), big.spec()));
        try (Agent agent = Agents.find("random").create(AgentContext.of(space, Map.of(), 7))) {
            for (int i = 0; i < 200; i++) {
                float[] a = agent.act(new float[3], 0, false);
                assertThat(a).hasSize(3);
                assertThat(a[0]).isBetween(-1f, 1f);
                assertThat(a[1]).isZero();
                assertThat(a[2]).isZero();
                agent.observe(new Transition(0, new float[3], a, 0, new float[3], false, false));
            }
            assertThat(agent.steps()).isEqualTo(200);
            agent.save(dir.resolve("checkpoint"));
            assertThat(dir.resolve("checkpoint").resolve(CheckpointFolder.MANIFEST)).exists();
            try (Agent again = Agents.find("random").create(AgentContext.of(space, Map.of(), 7))) {
                again.load(dir.resolve("checkpoint"));
                assertThat(again.steps()).isEqualTo(200);
            }
        }
    }

    @Test
    void anUnknownDeviceIsRefusedAndTheKnownOnesAreTaken() {
        TaskSpec task = LineEnv.spec("line/a", 1, 2, -1, 1, 5, 1);
        AgentProvider random = Agents.find("random");
        for (String bad : new String[] {"tpu", "gpu:x", "GPU", ""}) {
            assertThatThrownBy(() -> random.create(AgentContext.single(task, Map.of("device", bad), 0))).as(bad)
                    .isInstanceOf(TdmpcException.class)
                    .hasMessageContaining("device must be cpu, gpu, gpu:N").hasMessageContaining("not '" + bad + "'");
        }
        for (String good : new String[] {"cpu", "gpu", "gpu:1", "auto"}) { // it runs on none: a GPU need not exist
            random.create(AgentContext.single(task, Map.of("device", good), 0)).close();
        }
        random.create(AgentContext.single(task, Map.of(), 0)).close();
    }

    /**
     * It takes the settings every agent is given as options (preset, model_size, device) and acts the same whatever
     * they are; an unknown preset or model size and an unknown key (a typo) are refused as TD-MPC2 refuses them, not
     * ignored.
     */
    @Test
    void anUnknownPresetOrKeyIsRefusedAndTheOptionsEveryAgentTakesAreTaken() {
        TaskSpec task = LineEnv.spec("line/a", 1, 2, -1, 1, 5, 1);
        AgentProvider random = Agents.find("random");
        assertThatThrownBy(() -> random.create(AgentContext.single(task, Map.of("preset", "foo"), 0)))
                .isInstanceOf(TdmpcException.class)
                .hasMessage("bad random agent configuration: unknown preset 'foo'; use preset=paper or preset=cpu "
                        + "(--preset paper|cpu)");
        // a model size TD-MPC2 has not (--model-size 7) is refused too: one command line runs either agent
        assertThatThrownBy(() -> random.create(AgentContext.single(task, Map.of("model_size", "7"), 0)))
                .isInstanceOf(TdmpcException.class).hasMessage("bad random agent configuration: model_size=7 is not "
                        + "one of 1, 5, 19, 48, 317 (millions of parameters; --model-size)");
        assertThatThrownBy(() -> random.create(AgentContext.single(task, Map.of("presett", "cpu"), 0)))
                .isInstanceOf(TdmpcException.class).hasMessageContaining("unknown random agent parameter 'presett' "
                        + "(did you mean preset").hasMessageContaining("leave out --set-param presett");
        assertThatThrownBy(() -> random.create(AgentContext.single(task, Map.of("horizon", "3"), 0)))
                .isInstanceOf(TdmpcException.class).hasMessageContaining("unknown random agent parameter 'horizon'");
        var options = Map.of("preset", "cpu", "model_size", "5", "device", "cpu");
        try (Agent given = random.create(AgentContext.single(task, options, 4));
                Agent plain = random.create(AgentContext.single(task, Map.of(), 4))) {
            given.beginEpisode(0, 0, false, 9);
            plain.beginEpisode(0, 0, false, 9);
            assertThat(given.act(new float[1], 0, false)).isEqualTo(plain.act(new float[1], 0, false));
        }
    }

    @Test
    void eachRowsActionsDependOnItsEpisodeSeedAlone() {
        var ctx = AgentContext.single(LineEnv.spec("line/a", 1, 2, -1, 1, 5, 1), Map.of(), 0);
        try (Agent one = new RandomAgent(ctx); Agent two = new RandomAgent(ctx)) {
            one.beginEpisode(0, 0, false, 42);
            two.beginEpisode(0, 0, false, 7);
            two.beginEpisode(1, 0, false, 42);
            two.act(new float[][] {new float[1], new float[1]}, new int[] {0, 0}, false);
            float[] a = one.act(new float[][] {new float[1]}, new int[] {0}, false)[0];
            float[][] b = two.act(new float[][] {null, new float[1]}, new int[] {0, 0}, false);
            float[] again = one.act(new float[][] {new float[1]}, new int[] {0}, false)[0];
            assertThat(b[0]).isNull();
            assertThat(again).isEqualTo(b[1]); // the second action of the episode seeded 42, whatever the row
            assertThat(a).isNotEqualTo(again);
        }
    }

    @Test
    void unknownAgentsAndBadCheckpointsAreTyped(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Agents.find("nope")).isInstanceOf(TdmpcException.class).hasMessageContaining("random");
        Files.writeString(dir.resolve(RandomAgent.FILE), "agent=tdmpc2\n");
        var ctx = AgentContext.single(LineEnv.spec("line/a", 1, 1, -1, 1, 5, 1), Map.of(), 0);
        try (Agent agent = new RandomAgent(ctx)) {
            assertThatThrownBy(() -> agent.readState(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("not a random-agent checkpoint");
            assertThatThrownBy(() -> agent.load(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("has no " + CheckpointFolder.MANIFEST);
            assertThatThrownBy(() -> agent.load(dir.resolve("missing"))).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("no checkpoint folder");
            // a checkpoint of another agent: why in words, not the bare path NoSuchFileException carries
            Path other = Files.createDirectories(dir.resolve("other"));
            assertThatThrownBy(() -> agent.readState(other)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("no such file").hasMessageContaining("--agent NAME");
        }
    }

    /** An observation of another size than the agent's is the caller's mistake, refused as TD-MPC2 refuses it. */
    @Test
    void anObservationOfAnotherSizeThanTheAgentsIsRefused() {
        TaskSpace space = TaskSpace.of(List.of(LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1),
                LineEnv.spec("line/big", 3, 2, -1, 1, 10, 1)));
        AgentContext context = AgentContext.of(space, Map.of(), 7);
        for (Agent agent : List.of(new RandomAgent(context), Agents.find("random").create(context))) {
            try (agent) {
                agent.beginEpisode(0, 0, true, 1);
                // line/small's own 2 values, not padded to the space's 3
                assertThatThrownBy(() -> agent.act(new float[2], 0, true)).isInstanceOf(InvalidObservationException.class)
                        .hasMessage("the observation of row 0 has 2 values, but the agent's have 3 (its tasks 0 "
                                + "line/small, 1 line/big): pass observations padded to the agent's size, as "
                                + "MultitaskEnv gives them (TaskSpace.pad pads one)");
                assertThatThrownBy(() -> agent.act(new float[][] {new float[3], new float[4]}, new int[] {0, 1}, true))
                        .isInstanceOf(InvalidObservationException.class)
                        .hasMessageStartingWith("the observation of row 1 has 4 values");
                assertThatThrownBy(() -> agent.act(new float[3], 2, true)).isInstanceOf(UnknownTaskException.class)
                        .hasMessageContaining("row 0's task 2 is not one of the agent's 2 tasks");
                assertThat(agent.act(new float[3], 0, true)).hasSize(2);
            }
        }
    }

    /**
     * A batch that does not fit is the caller's typed error, made directly or through Agents.find. Before (made
     * directly): act(null, ...) NullPointerException 'Cannot read the array length because "observations" is null',
     * two rows and one task ArrayIndexOutOfBoundsException 'Index 1 out of bounds for length 1', and observe took a
     * transition of another size without a word.
     */
    @Test
    void aBatchOrTransitionThatDoesNotFitIsRefused() {
        TaskSpace space = TaskSpace.of(List.of(LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1),
                LineEnv.spec("line/big", 3, 2, -1, 1, 10, 1)));
        AgentContext context = AgentContext.of(space, Map.of(), 7);
        for (Agent agent : List.of(new RandomAgent(context), Agents.find("random").create(context))) {
            try (agent) {
                assertThatThrownBy(() -> agent.act((float[][]) null, new int[] {0}, true))
                        .isInstanceOf(TdmpcException.class).hasMessageStartingWith("act was given null observations");
                assertThatThrownBy(() -> agent.act(new float[][] {new float[3], new float[3]}, new int[] {0}, true))
                        .isInstanceOf(TdmpcException.class)
                        .hasMessage("act was given 1 task for 2 rows; give each row's task index");
                assertThatThrownBy(() -> agent.observe((Transition[]) null)).isInstanceOf(TdmpcException.class)
                        .hasMessageStartingWith("observe was given null");
                assertThatThrownBy(() -> agent.observe(new Transition(0, new float[2], new float[2], 0,
                        new float[2], false, false))).isInstanceOf(InvalidObservationException.class)
                        .hasMessageStartingWith("the observation of row 0's transition has 2 values, but the agent's "
                                + "have 3");
                assertThat(agent.steps()).isZero();
            }
        }
    }
}
