package io.github.tdmpc2j.tasks.dmc;

import io.github.tdmpc2j.spi.Box;
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
 * @param actionSpace     the actuators' control ranges, in actuator order (the registry rescales [-1, 1] to them)
 */
public record DmcTaskDefinition(String name, String modelFile, int nSubSteps, int observationSize, int actionSize,
        Function<DmcPhysics, DmcTask> factory, Box actionSpace) {

    public DmcTaskDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(actionSpace, "actionSpace");
        if (nSubSteps <= 0 || observationSize <= 0 || actionSize <= 0) {
            throw new IllegalArgumentException("task " + name + " needs positive sub-steps and sizes");
        }
        if (actionSpace.size() != actionSize) {
            throw new IllegalArgumentException("task " + name + " has " + actionSize + " actuators but an action box of "
                    + actionSpace.size());
        }
    }

    /** A task whose actuators all take controls in [-1, 1], as most of dm_control's do. */
    public DmcTaskDefinition(String name, String modelFile, int nSubSteps, int observationSize, int actionSize,
            Function<DmcPhysics, DmcTask> factory) {
        this(name, modelFile, nSubSteps, observationSize, actionSize, factory, Box.of(actionSize, -1f, 1f));
    }

    public String id() {
        return DmcProvider.DOMAIN + "/" + name;
    }
}
