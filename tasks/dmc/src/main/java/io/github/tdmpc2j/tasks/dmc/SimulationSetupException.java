package io.github.tdmpc2j.tasks.dmc;

import io.github.tdmpc2j.spi.TdmpcException;

/** A task could not set up its episode (no valid initial state found); the message says what to try. */
public class SimulationSetupException extends TdmpcException {
    public SimulationSetupException(String message) {
        super(message);
    }
}
