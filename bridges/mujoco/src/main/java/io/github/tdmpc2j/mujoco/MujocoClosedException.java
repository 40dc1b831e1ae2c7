package io.github.tdmpc2j.mujoco;

/** An MjModel or MjData was used after close(). */
public class MujocoClosedException extends MujocoException {
    public MujocoClosedException(String what) {
        super(what + " was used after close(); create a new one instead");
    }
}
