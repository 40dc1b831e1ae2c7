package io.github.tdmpc2j.cluster;

import io.github.tdmpc2j.spi.TdmpcException;

/** A cluster job that cannot start or did not finish; the message says what to do. */
public class ClusterException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
