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

    /**
     * What a program does about an env whose worker was closed (its registry was closed), as the messages say it; a
     * closed registry makes no env, so {@link #NEW_WORKER_ADVICE} is not true of it. The command line, whose users
     * make no envs, says it in its own words.
     */
    public static final String CLOSED_WORKER_ADVICE = "make the env again from an open EnvRegistry";

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
