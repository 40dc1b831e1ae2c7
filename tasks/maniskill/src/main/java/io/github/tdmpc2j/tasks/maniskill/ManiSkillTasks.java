package io.github.tdmpc2j.tasks.maniskill;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.List;
import java.util.Optional;

/**
 * The five ManiSkill tasks of the TD-MPC2 reference in its setting: state observations, end-effector delta control
 * (position for the cube tasks, pose for the other two), action repeat 2, every episode its 100 agent steps
 * (ManiSkill's own end at success ignored, as in the reference's first release, whose results the paper published),
 * scored by ManiSkill's success flag at the last step. Observations are laid out as ManiSkill2 0.4.1 laid them out for
 * the reference (joint positions and velocities, base pose, then the task's entries in ManiSkill2's order; the worker
 * builds them from ManiSkill 3's state), so its sizes are ManiSkill2's; the worker's spaces are checked against them
 * when an env is made.
 */
final class ManiSkillTasks {
    static final String DOMAIN = "maniskill";
    static final int ACTION_REPEAT = 2;
    static final int EPISODE_AGENT_STEPS = 100;
    /**
     * Every task's revision: 2 since 2026-12-03, when observations took ManiSkill2 0.4.1's layout (other sizes) and
     * pose control moved the hand along its own axes (the plug-in's README, section Versions).
     */
    static final int REVISION = 2;

    /**
     * One task.
     *
     * @param name            the reference's name, also the alias
     * @param observationSize floats in the flattened state observation
     * @param actionSize      3 hand displacements (plus 3 rotations for pose control) and the gripper
     * @param assets          the ManiSkill asset the task needs beyond the package, if any
     */
    record Task(String name, int observationSize, int actionSize, Optional<ManiSkillAssets.Asset> assets) {
        TaskSpec spec() {
            // not episodic: the worker drops ManiSkill's end at success, as the reference's first-release wrapper
            // dropped ManiSkill2's done, so the time limit alone ends an episode (README: Episode ends)
            return new TaskSpec(DOMAIN + "/" + name, List.of(name), Box.unbounded(observationSize),
                    Box.of(actionSize, -1f, 1f), EPISODE_AGENT_STEPS, ACTION_REPEAT, SuccessMetric.SUCCESS, false,
                    REVISION);
        }
    }

    static final List<Task> TASKS = List.of(
            new Task("lift-cube", 42, 4, Optional.empty()),
            new Task("pick-cube", 51, 4, Optional.empty()),
            new Task("stack-cube", 55, 4, Optional.empty()),
            new Task("pick-ycb", 51, 7, Optional.of(ManiSkillAssets.Asset.YCB)),
            new Task("turn-faucet", 40, 7, Optional.of(ManiSkillAssets.Asset.FAUCETS)));

    private static final List<TaskSpec> ALL = TASKS.stream().map(Task::spec).toList();

    private ManiSkillTasks() {
    }

    static List<TaskSpec> all() {
        return ALL;
    }

    static Task byName(String name) {
        return TASKS.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no ManiSkill task " + name));
    }
}
