package io.github.tdmpc2j.spi;

/** A task whose plug-in is installed but not ready (for example its Python environment is missing). */
public class EnvUnavailableException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    private final Availability availability;

    public EnvUnavailableException(String taskId, Availability availability) {
        super("task " + taskId + " is unavailable: " + availability.reason()
                + (availability.fixCommand() == null ? "" : "; run `" + availability.fixCommand() + "` to fix it"));
        this.availability = availability;
    }

    public Availability availability() {
        return availability;
    }
}
