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

    /**
     * Whether running the same thing again may succeed: false for a mistake in the input (the same input fails the
     * same way), true for a failure of the machinery (a worker process that died). A cluster retries a unit only
     * after a transient failure.
     */
    public boolean transientFailure() {
        return false;
    }
}
