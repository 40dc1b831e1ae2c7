package io.github.tdmpc2j.agent.checkpoint;

import io.github.tdmpc2j.spi.TdmpcException;

/** A checkpoint cannot be written, or cannot be read into this agent. */
public final class CheckpointException extends TdmpcException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
