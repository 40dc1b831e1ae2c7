package io.github.tdmpc2j.tasks.myosuite;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TaskSets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The 10 MyoSuite hand tasks of the TD-MPC2 reference, in its order: five tasks, each in MyoSuite's Fixed variant
 * and, with {@code -hard}, its Random one; reach-hard with the paper's reward (MyoSuite 2.x's {@code far_th}), pose
 * and pose-hard with the paper's thumb targets (MyoSuite 2.x's), reach and pose on the paper's hand (its thumb limits
 * and colliding bones), and after them {@code reach-hard-myosuite3}, reach-hard as MyoSuite 3.0.0 registers it. 39
 * muscle activations in [-1, 1] (MyoSuite's own normalisation), no action repeat, 100 agent steps per episode, scored
 * by MyoSuite's {@code solved} flag.
 */
final class MyoSuiteTasks {
    static final String DOMAIN = "myosuite";
    static final int ACTION_SIZE = 39;
    static final int ACTION_REPEAT = 1;
    static final int EPISODE_AGENT_STEPS = 100;

    /** Observation sizes by task, the same for both variants (what MyoSuite 3.0.0's envs report). */
    private static final Map<String, Integer> OBSERVATION_SIZES = Map.of(
            "reach", 115, "pose", 108, "obj-hold", 91, "key-turn", 93, "pen-twirl", 83);

    /**
     * Tasks whose episodes changed since the plug-in first listed them (2026-12-03, revision 2): reach and pose (and
     * their -hard variants) run on the paper's hand (MyoSuite 2.x's thumb limits and bone collisions), reach-hard on
     * the paper's {@code far_th}, pose and pose-hard ask the paper's thumb targets. The plug-in's README, section
     * Versions, says each with its measurements.
     */
    private static final Map<String, Integer> REVISIONS = Map.of("reach", 2, "reach-hard", 2, "pose", 2,
            "pose-hard", 2);

    /** reach-hard with MyoSuite 3.0.0's own {@code far_th} (0.075) in place of the paper's (0.034). */
    static final String REACH_HARD_MYOSUITE3 = "reach-hard-myosuite3";

    static final List<String> NAMES = Stream.concat(TaskSets.get("myo10").orElseThrow().stream()
            .map(id -> id.substring(DOMAIN.length() + 1)), Stream.of(REACH_HARD_MYOSUITE3)).toList();

    private static final List<TaskSpec> ALL = NAMES.stream().map(MyoSuiteTasks::spec).toList();

    private MyoSuiteTasks() {
    }

    static List<TaskSpec> all() {
        return ALL;
    }

    private static TaskSpec spec(String name) {
        int observations = OBSERVATION_SIZES.get(name.replaceFirst("-hard.*$", ""));
        return new TaskSpec(DOMAIN + "/" + name, List.of("myo-" + name, "myo-hand-" + name),
                Box.unbounded(observations), Box.of(ACTION_SIZE, -1f, 1f), EPISODE_AGENT_STEPS, ACTION_REPEAT,
                SuccessMetric.SUCCESS, false, REVISIONS.getOrDefault(name, 1));
    }
}
