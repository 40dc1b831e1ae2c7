package io.github.tdmpc2j.mujoco;

/** An MjModel or MjData was used after close(). */
public class MujocoClosedException extends MujocoException {
    private static final long serialVersionUID = 1L;

    public MujocoClosedException(String what) {
        super(what + " was used after close(); create a new one instead");
    }
}
