package io.github.tdmpc2j.bridge.py4j;

import io.github.tdmpc2j.spi.TdmpcException;

/** A failure of the Python bridge: a worker that cannot start or died, a Python exception, a broken venv. */
public class BridgeException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    public BridgeException(String message) {
        super(message);
    }

    public BridgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
