package io.github.tdmpc2j.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * The one way to close several things so that one that fails to close leaves none of the others open: each is
 * closed in turn, and what their closes threw is kept, not lost, for the caller to throw.
 */
public final class CloseAll {
    private CloseAll() {
    }

    /**
     * Closes every one of {@code all}, in order. Without a {@code cause}: the first failure, with the later ones
     * suppressed in it, or null when every close returned. With a {@code cause} (a failure the caller is about to
     * throw, which says what went wrong): every close's failure is suppressed in it, and null is returned. A checked
     * exception from a close is kept wrapped in a {@link TdmpcException}; an {@link Error} is not caught.
     */
    public static RuntimeException closeAll(Iterable<? extends AutoCloseable> all, Throwable cause) {
        RuntimeException first = null;
        for (AutoCloseable each : all) {
            RuntimeException failed = null;
            try {
                each.close();
            } catch (RuntimeException e) {
                failed = e;
            } catch (Exception e) {
                failed = new TdmpcException("closing " + each + " failed: " + e, e);
            }
            if (failed == null) {
                continue;
            }
            if (cause != null) {
                cause.addSuppressed(failed);
            } else if (first == null) {
                first = failed;
            } else {
                first.addSuppressed(failed);
            }
        }
        return first;
    }

    /** {@link #closeAll(Iterable, Throwable)} of two lists, the first's in order, then the second's. */
    public static RuntimeException closeAll(List<? extends AutoCloseable> first, List<? extends AutoCloseable> then,
            Throwable cause) {
        List<AutoCloseable> both = new ArrayList<>(first);
        both.addAll(then);
        return closeAll(both, cause);
    }
}
