package io.github.tdmpc2j.spi;

/** An action of the wrong length, or holding NaN or an infinite value. */
public class InvalidActionException extends TdmpcException {
    public InvalidActionException(String message) {
        super(message);
    }
}
