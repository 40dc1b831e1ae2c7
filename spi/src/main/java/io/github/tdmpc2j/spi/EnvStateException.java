package io.github.tdmpc2j.spi;

/** An env used out of order: step before reset, step after the episode ended, use after close. */
public class EnvStateException extends TdmpcException {
    public EnvStateException(String message) {
        super(message);
    }
}
