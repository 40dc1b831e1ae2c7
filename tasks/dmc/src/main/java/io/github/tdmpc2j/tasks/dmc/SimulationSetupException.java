package io.github.tdmpc2j.tasks.dmc;

import io.github.tdmpc2j.spi.TdmpcException;

/** A task could not set up its episode (no valid initial state found); the message says what to try. */
public class SimulationSetupException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    public SimulationSetupException(String message) {
        super(message);
    }
}
