package io.github.tdmpc2j.data;

import io.github.tdmpc2j.spi.TdmpcException;

/** A dataset folder that cannot be read or extended: corrupt files, or another task set than asked for. */
public class DatasetException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
