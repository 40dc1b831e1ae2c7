package io.github.tdmpc2j.spi;

/**
 * A plug-in that was found but left out: where it came from, which provider class, its domain when it got that
 * far, and why.
 *
 * @param source   the jar (its file name) or class folder whose service file names the provider
 * @param provider the provider class named in that service file
 * @param domain   the domain the provider answered, or null when it failed before saying
 * @param reason   what went wrong, in words
 */
public record PluginFailure(String source, String provider, String domain, String reason) {
    /** One line: {@code plug-in CLASS in JAR (domain D): REASON}. */
    @Override
    public String toString() {
        return "plug-in " + provider + " in " + source + (domain == null ? "" : " (domain '" + domain + "')") + ": "
                + reason;
    }
}
