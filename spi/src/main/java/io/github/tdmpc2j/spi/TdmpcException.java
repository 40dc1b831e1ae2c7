package io.github.tdmpc2j.spi;

/**
 * Root of every failure a user of tdmpc2j can cause. Each subclass names one kind of mistake and its
 * message says what to do about it.
 *
 * <p>It travels between a cluster's executors and its driver (Java serialization): it and each subclass declare
 * their {@code serialVersionUID}, and what was added to it on the way (its context, row, reset mark and hints) goes
 * with it. Those are private; the code that knows them adds them through the final methods below, which only add
 * (a row mark is replaced by the outer vector env's row).
 */
public class TdmpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Where the failure happened (a task, episode and step), put before the message; null until it is known. */
    private String context;
    /** What to do next, put after the message on lines of their own; null until one is added. */
    private String hint;
    /** The row of a vector env whose env failed, while it is known; -1 when not. */
    private int row = -1;
    /** Whether the failure was an env's reset (no action played a part in it), as the code stepping it knows. */
    private boolean inReset;

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

    /**
     * Puts where the failure happened ({@code where}: a task, episode and step) before the message, keeping the
     * exception (its type, and so what a caller makes of it) as it is: for the code that knows the place, as the
     * rollout engine does for an env's failure. Returns this exception, to rethrow.
     */
    public final TdmpcException addContext(String where) {
        context = context == null ? where : where + ": " + context;
        return this;
    }

    /**
     * Marks the failure as one of row {@code row} of a vector env (replacing a mark an inner vector env made with its
     * own row number), so that the code stepping it can say which task and episode failed. Returns this exception.
     */
    public final TdmpcException atRow(int row) {
        this.row = row;
        return this;
    }

    /**
     * Marks the failure as one of an env's reset, where no action of the agent played a part: the same episode seed
     * resets into it again. Returns this exception.
     */
    public final TdmpcException inReset() {
        inReset = true;
        return this;
    }

    /**
     * Puts what to do next ({@code hint}: how the caller that knows it can go on, as a run's resume hint) on a line
     * after the message, keeping the exception (its type, and so its exit status and what a caller catching it makes
     * of it) as it is. Returns this exception, to rethrow.
     */
    public final TdmpcException addHint(String hint) {
        this.hint = this.hint == null ? hint : this.hint + System.lineSeparator() + hint;
        return this;
    }

    /** Whether {@link #inReset} marked the failure as one of an env's reset. */
    public boolean failedInReset() {
        return inReset;
    }

    /** The vector env row marked by {@link #atRow}, or -1. */
    public int row() {
        return row;
    }

    @Override
    public final String getMessage() {
        String message = context == null ? super.getMessage() : context + ": " + super.getMessage();
        return hint == null ? message : message + System.lineSeparator() + hint;
    }
}
