package io.github.tdmpc2j.agent;

import io.github.tdmpc2j.spi.TdmpcException;

/** A TD-MPC2 parameter is unknown or has a value the agent cannot use. */
public final class ConfigException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
