package io.github.tdmpc2j.spi.io;

import io.github.tdmpc2j.spi.TdmpcException;
import java.io.IOException;

/**
 * A file that could not be written on the way, once its folder was checked: a full disk, a folder removed or made
 * read-only under the command. Not the input's fault, so {@link #transientFailure} is true: the same command may
 * succeed once space is freed, and a cluster's unit is retried (perhaps on a node with room). Its message names the
 * file and the reason in words ({@link IoErrors#describe}).
 */
public class WriteFailedException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    /** "cannot write {@code what}: {@code reason}", {@code e} as its cause. */
    public WriteFailedException(String what, IOException e) {
        super("cannot write " + what + ": " + IoErrors.describe(e), e);
    }

    @Override
    public boolean transientFailure() {
        return true;
    }
}
