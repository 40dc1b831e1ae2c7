package io.github.tdmpc2j.bridge.py4j;

/** A Python environment that could not be made: no Python, pip failed, an unknown domain. */
public class SetupException extends BridgeException {
    private static final long serialVersionUID = 1L;

    public SetupException(String message) {
        super(message);
    }

    public SetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
