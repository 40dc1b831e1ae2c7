package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.TdmpcException;
import java.util.Optional;

/** A checkpoint cannot be written, is incomplete or damaged, or cannot be read into this agent. */
public final class CheckpointException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    private final String setting;

    public CheckpointException(String message) {
        super(message);
        this.setting = null;
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
        this.setting = null;
    }

    /**
     * A checkpoint that cannot be read into this agent because the agent was made with another value of
     * {@code setting} (one that fixes the model's shape), so that a caller can say which option to change.
     */
    public static CheckpointException ofSetting(String message, String setting) {
        return new CheckpointException(message, setting, null);
    }

    private CheckpointException(String message, String setting, Throwable cause) {
        super(message, cause);
        this.setting = setting;
    }

    /** The agent's setting this checkpoint was saved with another value of, when that is why it was refused. */
    public Optional<String> setting() {
        return Optional.ofNullable(setting);
    }
}
