package io.github.tdmpc2j.tasks.metaworld;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TaskSets;
import java.util.List;
import java.util.Map;

/**
 * The 50 Meta-World tasks of TD-MPC2's MT50, in its order, with the setting of the TD-MPC2 reference: 39
 * observations (hand, gripper, two objects, the previous frame of those, the goal), 4 actions in [-1, 1], action
 * repeat 2, 100 agent steps per episode, scored by Meta-World's success flag.
 */
final class MetaWorldTasks {
    static final String DOMAIN = "metaworld";
    static final String ALIAS_PREFIX = "mw-";
    static final int OBSERVATION_SIZE = 39;
    static final int ACTION_SIZE = 4;
    static final int ACTION_REPEAT = 2;
    static final int EPISODE_AGENT_STEPS = 100;

    /** MT50 as {@link TaskSets} names it; each name is Meta-World's own, as {@code NAME-v3-goal-observable}. */
    static final List<String> MT50 = TaskSets.get("mw50").orElseThrow().stream()
            .map(id -> id.substring(DOMAIN.length() + 1)).toList();

    /**
     * Tasks whose episodes changed since the plug-in first listed them (2026-12-03, revision 2), to the reference's v2
     * envs: coffee-pull and coffee-push observe the mug's orientation in MuJoCo 2's frame, button-press-topdown and
     * -wall count success at 0.02 (and -wall's reward has v2's gripper term), stick-push counts success by v2's rule.
     * The plug-in's README, section Versions, says each with its measurements.
     */
    private static final Map<String, Integer> REVISIONS = Map.of("coffee-pull", 2, "coffee-push", 2,
            "button-press-topdown", 2, "button-press-topdown-wall", 2, "stick-push", 2);

    private static final List<TaskSpec> ALL = MT50.stream().map(MetaWorldTasks::spec).toList();

    private MetaWorldTasks() {
    }

    static List<TaskSpec> all() {
        return ALL;
    }

    private static TaskSpec spec(String name) {
        return new TaskSpec(DOMAIN + "/" + name, List.of(ALIAS_PREFIX + name), Box.unbounded(OBSERVATION_SIZE),
                Box.of(ACTION_SIZE, -1f, 1f), EPISODE_AGENT_STEPS, ACTION_REPEAT, SuccessMetric.SUCCESS, false,
                REVISIONS.getOrDefault(name, 1));
    }
}
