package io.github.tdmpc2j.tasks.dmc;

import java.util.Objects;
import java.util.function.Function;

/**
 * One task: the facts a {@link io.github.tdmpc2j.spi.TaskSpec} needs without loading MuJoCo, and how to make it.
 *
 * @param name            the TD-MPC2 reference name, e.g. {@code cartpole-balance}; the task id is {@code dmc/<name>}
 * @param modelFile       the MJCF resource under {@code io/github/tdmpc2j/tasks/dmc/models/}
 * @param nSubSteps       physics steps per control step (dm_control's control timestep / physics timestep)
 * @param observationSize length of the flat observation
 * @param actionSize      number of actuators
 * @param factory         makes the task for one env's physics
 */
public record DmcTaskDefinition(String name, String modelFile, int nSubSteps, int observationSize, int actionSize,
        Function<DmcPhysics, DmcTask> factory) {

    public DmcTaskDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(factory, "factory");
        if (nSubSteps <= 0 || observationSize <= 0 || actionSize <= 0) {
            throw new IllegalArgumentException("task " + name + " needs positive sub-steps and sizes");
        }
    }

    public String id() {
        return DmcProvider.DOMAIN + "/" + name;
    }
}
