package io.github.tdmpc2j.mujoco;

import java.util.Set;

/**
 * The simulation became unstable: MuJoCo found NaN, infinity or a huge value in qpos, qvel or qacc
 * and reset the state to the model's default pose. The episode that was running is lost.
 */
public class MujocoSimulationException extends MujocoException {
    private static final long serialVersionUID = 1L;

    /** Kept when the exception is serialized (a cluster's executor to its driver): it was transient, read as null. */
    private final Set<MjWarning> warnings;

    public MujocoSimulationException(String message, Set<MjWarning> warnings) {
        super(message);
        this.warnings = Set.copyOf(warnings);
    }

    /** The warnings raised by the call that failed. */
    public Set<MjWarning> warnings() {
        return warnings;
    }
}
