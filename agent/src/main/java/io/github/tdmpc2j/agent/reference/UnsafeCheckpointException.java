package io.github.tdmpc2j.agent.reference;

import io.github.tdmpc2j.spi.TdmpcException;

/**
 * A checkpoint file asks for something a plain state dict never needs (a call of an arbitrary Python function,
 * an unknown pickle opcode): it was refused before anything was built from it.
 */
public final class UnsafeCheckpointException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    public UnsafeCheckpointException(String message) {
        super(message);
    }
}
