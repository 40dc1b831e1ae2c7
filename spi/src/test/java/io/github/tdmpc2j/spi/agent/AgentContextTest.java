package io.github.tdmpc2j.spi.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.LineEnv;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.UnknownTaskException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an agent is made for and given, checked once for every agent (AgentContext's require methods). */
class AgentContextTest {
    private static final TaskSpec SMALL = LineEnv.spec("line/small", 2, 1, -1, 1, 10, 1);
    private static final TaskSpec BIG = LineEnv.spec("line/big", 3, 2, -1, 1, 10, 1);
    private static final AgentContext CONTEXT = AgentContext.of(TaskSpace.of(List.of(SMALL, BIG)), Map.of(), 7);

    /** Before: each was a NullPointerException (the mask count an IllegalArgumentException saying nothing to do). */
    @Test
    void nullPartsAreTypedErrorsThatSayWhatToPass() {
        List<float[]> masks = List.of(new float[2]);
        assertThatThrownBy(() -> new AgentContext(null, 3, 2, masks, Map.of(), 1)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("the task list is null: give TaskSpace.of the tasks");
        assertThatThrownBy(() -> new AgentContext(Arrays.asList(SMALL, null), 3, 2, List.of(new float[2],
                new float[2]), Map.of(), 1)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("task 1 of the task list is null: give each task's spec");
        assertThatThrownBy(() -> new AgentContext(List.of(SMALL), 3, 2, null, Map.of(), 1))
                .isInstanceOf(TdmpcException.class).hasMessageStartingWith("the action masks are null: pass one per "
                        + "task (AgentContext.of(space, params, seed) makes them");
        assertThatThrownBy(() -> new AgentContext(List.of(SMALL), 3, 2, Arrays.asList((float[]) null), Map.of(), 1))
                .isInstanceOf(TdmpcException.class).hasMessageStartingWith("the action mask of line/small is null");
        assertThatThrownBy(() -> new AgentContext(List.of(SMALL), 3, 2, List.of(), Map.of(), 1))
                .isInstanceOf(TdmpcException.class).hasMessage("an agent context needs one action mask per task, "
                        + "got 0 masks for 1 task (0 line/small): pass one per task (AgentContext.of(space, params, "
                        + "seed) makes them from the tasks' space)");
        assertThatThrownBy(() -> new AgentContext(List.of(SMALL), 3, 2, masks, null, 1))
                .isInstanceOf(TdmpcException.class).hasMessage("the agent's params are null: pass Map.of() for none");
        Map<String, String> unset = new HashMap<>();
        unset.put("horizon", null);
        assertThatThrownBy(() -> new AgentContext(List.of(SMALL), 3, 2, masks, unset, 1))
                .isInstanceOf(TdmpcException.class).hasMessage("the agent's params hold no value for 'horizon' "
                        + "(null): give each param a name and a value, or leave it out");
        assertThatThrownBy(() -> AgentContext.of(null, Map.of(), 1)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("the task space is null");
        assertThatThrownBy(() -> AgentContext.single(null, Map.of(), 1)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("the task is null: pass a task's spec");
        // before: IndexOutOfBoundsException 'Index: 7 Size: 2'
        assertThatThrownBy(() -> CONTEXT.actionMask(7)).isInstanceOf(UnknownTaskException.class)
                .hasMessageStartingWith("task 7 is not one of the agent's 2 tasks (0 line/small, 1 line/big)");
    }

    @Test
    void aBatchToActOnThatDoesNotFitIsTheCallersTypedError() {
        assertThatThrownBy(() -> CONTEXT.requireAct(null, new int[] {0})).isInstanceOf(TdmpcException.class)
                .hasMessage("act was given null observations: pass one per row (null for a row that does not step)");
        assertThatThrownBy(() -> CONTEXT.requireAct(new float[][] {new float[3]}, null))
                .isInstanceOf(TdmpcException.class).hasMessage("act was given null tasks: pass each row's task index");
        assertThatThrownBy(() -> CONTEXT.requireAct(new float[][] {new float[3], new float[3]}, new int[] {0}))
                .isInstanceOf(TdmpcException.class).hasMessage("act was given 1 task for 2 rows; give each row's task "
                        + "index");
        assertThatThrownBy(() -> CONTEXT.requireAct(new float[][] {null, {0, Float.NaN, 0}}, new int[] {0, 1}))
                .isInstanceOf(InvalidObservationException.class).hasMessageStartingWith("the observation of row 1 "
                        + "has NaN at entry 1: an agent takes finite observations");
        CONTEXT.requireAct(new float[][] {null, new float[3]}, new int[] {-5, 1}); // a row that does not step: no task
    }

    /** A transition fed to observe is checked before the agent learns from it. */
    @Test
    void aTransitionThatDoesNotFitIsTheCallersTypedError() {
        assertThatThrownBy(() -> CONTEXT.requireTransitions(null)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("observe was given null: pass an array of one transition per row");
        Transition good = new Transition(1, new float[3], new float[2], 0.5, new float[3], false, false);
        CONTEXT.requireTransitions(new Transition[] {null, good});
        assertThatThrownBy(() -> CONTEXT.requireTransitions(new Transition[] {null,
                new Transition(0, new float[2], new float[2], 0, new float[3], false, false)}))
                .isInstanceOf(InvalidObservationException.class).hasMessage("the observation of row 1's transition "
                        + "has 2 values, but the agent's have 3 (its tasks 0 line/small, 1 line/big): pass observations "
                        + "padded to the agent's size, as MultitaskEnv gives them (TaskSpace.pad pads one)");
        assertThatThrownBy(() -> CONTEXT.requireTransitions(new Transition[] {
                new Transition(0, new float[3], new float[2], 0, null, true, false)}))
                .isInstanceOf(InvalidObservationException.class)
                .hasMessageStartingWith("the next observation of row 0's transition is null");
        assertThatThrownBy(() -> CONTEXT.requireTransitions(new Transition[] {
                new Transition(0, new float[3], new float[1], 0, new float[3], false, false)}))
                .isInstanceOf(InvalidActionException.class).hasMessageStartingWith("the action of row 0's transition "
                        + "has 1 entry, but the agent's have 2: pass the action act returned (in the agent's size");
        assertThatThrownBy(() -> CONTEXT.requireTransitions(new Transition[] {
                new Transition(0, new float[3], new float[] {Float.POSITIVE_INFINITY, 0}, 0, new float[3], false,
                        false)})).isInstanceOf(InvalidActionException.class)
                .hasMessageStartingWith("the action of row 0's transition has Infinity at entry 0");
        assertThatThrownBy(() -> CONTEXT.requireTransitions(new Transition[] {
                new Transition(0, new float[3], new float[2], Double.NaN, new float[3], false, false)}))
                .isInstanceOf(TdmpcException.class).hasMessage("the reward of row 0's transition is NaN: pass the "
                        + "env's reward, which is finite");
        assertThatThrownBy(() -> CONTEXT.requireTransitions(new Transition[] {
                new Transition(2, new float[3], new float[2], 0, new float[3], false, false)}))
                .isInstanceOf(UnknownTaskException.class).hasMessageStartingWith("row 0's task 2 is not one");
    }

    /** A recorded episode is checked whole, as each step fed to observe is. */
    @Test
    void anEpisodeThatDoesNotFitIsTheCallersTypedError() {
        float[][] obs = new float[3][3];
        float[][] actions = new float[2][2];
        assertThatThrownBy(() -> CONTEXT.requireEpisode(null)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("the episode is null: pass a recorded episode in the agent's space");
        CONTEXT.requireEpisode(new Episode(1, obs, actions, new float[2], false, new boolean[2]));
        assertThatThrownBy(() -> CONTEXT.requireEpisode(new Episode(1, new float[][] {new float[3], new float[2],
                new float[3]}, actions, new float[2], false, new boolean[2])))
                .isInstanceOf(InvalidObservationException.class)
                .hasMessageStartingWith("observation 1 of the episode has 2 values, but the agent's have 3");
        assertThatThrownBy(() -> CONTEXT.requireEpisode(new Episode(1, new float[][] {new float[3],
                {0, Float.NaN, 0}, new float[3]}, actions, new float[2], false, new boolean[2])))
                .isInstanceOf(InvalidObservationException.class)
                .hasMessageStartingWith("observation 1 of the episode has NaN at entry 1");
        assertThatThrownBy(() -> CONTEXT.requireEpisode(new Episode(1, obs, new float[][] {new float[2], null},
                new float[2], false, new boolean[2]))).isInstanceOf(InvalidActionException.class)
                .hasMessageStartingWith("action 1 of the episode is null, but the agent's have 2");
        assertThatThrownBy(() -> CONTEXT.requireEpisode(new Episode(1, obs, actions, new float[] {0, Float.NaN},
                false, new boolean[2]))).isInstanceOf(TdmpcException.class)
                .hasMessage("reward 1 of the episode is NaN: pass the env's reward, which is finite");
        assertThatThrownBy(() -> CONTEXT.requireEpisode(new Episode(4, obs, actions, new float[2], false,
                new boolean[2]))).isInstanceOf(UnknownTaskException.class);
    }
}
