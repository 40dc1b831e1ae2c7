package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.TdmpcException;

/**
 * An agent was given a parameter it does not know (a typo, another agent's setting): {@link #key()} names it, so
 * that a caller with settings of its own (the trainer's steps, eval_freq, ...) can say which of those was meant.
 */
public class UnknownParameterException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public UnknownParameterException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The parameter the agent does not know. */
    public String key() {
        return key;
    }
}
