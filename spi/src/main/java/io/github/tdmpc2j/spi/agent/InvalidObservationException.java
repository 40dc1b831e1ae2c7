package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.TdmpcException;

/**
 * An observation given to an agent that does not fit it: another size than the agent's unified observation size
 * ({@link AgentContext#requireObservation}). A mistake of the caller (an observation not padded to a multitask
 * agent's space, or one of another task), not of the agent or of an env.
 */
public class InvalidObservationException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    public InvalidObservationException(String message) {
        super(message);
    }
}
