package io.github.tdmpc2j.spi;

/**
 * An env's reset or step result that breaks its task's spec: an observation of another size than the spec's, a
 * reward or flag that is not one value, a NaN or infinite observation entry or reward. A defect of the suite or of
 * its plug-in, not of the agent or the command: the message names the task and what came.
 */
public class InvalidEnvOutputException extends TdmpcException {
    public InvalidEnvOutputException(String message) {
        super(message);
    }
}
