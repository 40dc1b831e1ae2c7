package io.github.tdmpc2j.spi;

/**
 * An env's reset or step result that breaks its task's spec: an observation of another size than the spec's, a
 * reward or flag that is not one value, a NaN or infinite observation entry or reward. A defect of the suite or of
 * its plug-in, not of the agent or the command: the message names the task and what came.
 */
public class InvalidEnvOutputException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    private final boolean nonFinite;

    /** A result of other sizes than the spec's. */
    public InvalidEnvOutputException(String message) {
        this(message, false);
    }

    /** @param nonFinite whether the result held a NaN or an infinity (else it was of other sizes than the spec's) */
    public InvalidEnvOutputException(String message, boolean nonFinite) {
        super(message);
        this.nonFinite = nonFinite;
    }

    /**
     * Whether the result held a NaN or an infinity: most often a simulation that diverged in one state, which the
     * same env may never reach again along other actions; a result of other sizes comes again from the same suite.
     */
    public boolean nonFinite() {
        return nonFinite;
    }
}
