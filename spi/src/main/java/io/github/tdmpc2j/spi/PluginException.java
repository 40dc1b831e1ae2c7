package io.github.tdmpc2j.spi;

/** A plug-in that cannot be loaded: two providers for one domain, a provider that fails to start, a bad task list. */
public class PluginException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
