package io.github.tdmpc2j.spi;

/** An action of the wrong length, or holding NaN or an infinite value. */
public class InvalidActionException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    public InvalidActionException(String message) {
        super(message);
    }
}
