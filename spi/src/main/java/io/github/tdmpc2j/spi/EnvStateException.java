package io.github.tdmpc2j.spi;

/** An env used out of order: step before reset, step after the episode ended, use after close. */
public class EnvStateException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    public EnvStateException(String message) {
        super(message);
    }
}
