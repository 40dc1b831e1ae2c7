package io.github.tdmpc2j.tasks.dmc;

import java.util.random.RandomGenerator;

/**
 * What a DMControl task does on top of its model, as dm_control's {@code base.Task}: one instance per env,
 * made by {@link DmcTaskDefinition#factory()} with the env's physics (resolve names to ids there, once).
 *
 * <p>An episode starts with {@link DmcPhysics#resetData()}, then {@link #initializeEpisode}, then
 * {@link DmcPhysics#afterReset()}; a control step is {@link #beforeStep}, {@code nSubSteps} physics steps, then
 * {@link #reward} and {@link #observe}.
 */
public interface DmcTask {
    /** Sets the initial state of an episode (qpos, qvel, task parameters), drawing from {@code rng}. */
    void initializeEpisode(DmcPhysics physics, RandomGenerator rng);

    /** Applies the action; by default as actuator controls, in actuator order. */
    default void beforeStep(DmcPhysics physics, float[] action) {
        physics.setControl(action);
    }

    /** Writes the observation, in dm_control's dict order. */
    void observe(DmcPhysics physics, Observation out);

    /** The reward of the current state, in [0, 1]. */
    double reward(DmcPhysics physics);
}
