package io.github.tdmpc2j.mujoco;

import io.github.tdmpc2j.spi.TdmpcException;

/** A MuJoCo failure: a model that does not compile, a missing name, an error raised inside the engine. */
public class MujocoException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    public MujocoException(String message) {
        super(message);
    }

    public MujocoException(String message, Throwable cause) {
        super(message, cause);
    }
}
