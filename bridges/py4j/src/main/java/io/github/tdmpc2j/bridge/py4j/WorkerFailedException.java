package io.github.tdmpc2j.bridge.py4j;

/**
 * A worker process that could not start, died, or did not answer in time. The message names the domain, the
 * command and the worker's last lines of output. The worker is gone afterwards; the next env made starts a new one.
 */
public class WorkerFailedException extends BridgeException {
    private static final long serialVersionUID = 1L;

    /**
     * What a program does about a worker that failed, as the messages say it; a front end whose users make no envs
     * themselves (the command line) says it in its own words instead.
     */
    public static final String NEW_WORKER_ADVICE = "the next env made starts a new worker";

    public WorkerFailedException(String message) {
        super(message);
    }

    public WorkerFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A worker that died may live when started again (memory, a signal): a cluster retries the unit. */
    @Override
    public boolean transientFailure() {
        return true;
    }
}
