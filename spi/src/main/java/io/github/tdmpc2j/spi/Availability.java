package io.github.tdmpc2j.spi;

/**
 * Whether a plug-in can make its envs now. When it cannot, {@code reason} says why and {@code fixCommand} is
 * the exact command that makes it ready (null when no command can). Serializable: an {@link EnvUnavailableException}
 * that holds it travels from a cluster's executors to its driver.
 */
public record Availability(boolean ready, String reason, String fixCommand) implements java.io.Serializable {
    private static final Availability READY = new Availability(true, "ready", null);

    public static Availability ok() {
        return READY;
    }

    /** Not ready for {@code reason}; a null or blank reason is a {@link PluginException}. */
    public static Availability unavailable(String reason, String fixCommand) {
        if (reason == null || reason.isBlank()) {
            throw new PluginException("Availability.unavailable needs a reason: say why the plug-in is not ready "
                    + "(and give the command that fixes it, or null)");
        }
        return new Availability(false, reason, fixCommand);
    }

    @Override
    public String toString() {
        if (ready) {
            return "ready";
        }
        return "unavailable: " + reason + (fixCommand == null ? "" : " (fix: " + fixCommand + ")");
    }
}
