package io.github.tdmpc2j.spi;

/**
 * Root of every failure a user of tdmpc2j can cause. Each subclass names one kind of mistake and its
 * message says what to do about it.
 */
public class TdmpcException extends RuntimeException {
    public TdmpcException(String message) {
        super(message);
    }

    public TdmpcException(String message, Throwable cause) {
        super(message, cause);
    }
}
