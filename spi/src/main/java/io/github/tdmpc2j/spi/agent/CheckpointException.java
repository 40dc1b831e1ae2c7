package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.TdmpcException;

/** A checkpoint cannot be written, is incomplete or damaged, or cannot be read into this agent. */
public final class CheckpointException extends TdmpcException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
