package io.github.tdmpc2j.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Spark's log lines that mislead a tdmpc2j user, left out, each said again in true words where it carries news.
 * The JVMs of the command, the cluster daemons and the executors all log through this (cli's logback.xml).
 * <ul>
 *   <li>"Your hostname, H, resolves to a loopback address ...; using A instead" and "Set SPARK_LOCAL_IP if you need
 *   to bind to another address": Spark says it as its config loads, in every JVM, whatever the master (local[K]
 *   too, where no other machine is involved). tdmpc2j gives its daemons and executors their address (--host,
 *   --hostname) and names a spark:// driver's itself (UnitRunner), with the setting to change it.</li>
 *   <li>ERROR "RECEIVED SIGNAL TERM" (INT, HUP): Spark's daemons and executors say it as they are stopped, the
 *   normal way to stop them (Ctrl-C, kill, a worker ending its executors with the job): said as INFO.</li>
 *   <li>The master's "App A requires more resource than any of Workers could have.": Spark's master says it where no
 *   alive worker can take an executor of the only application waiting, also when none is registered or its one
 *   worker was lost: said with the causes it has.</li>
 *   <li>The master's "Got status update for unknown executor APP/N", one per executor at every job's normal end:
 *   the executors' exit, which their worker reports after the application was removed. Left out.</li>
 * </ul>
 */
public final class MisleadingSparkLineFilter extends Filter<ILoggingEvent> {
    private static final List<Pattern> LOOPBACK_HOST = List.of(
            Pattern.compile("Your hostname, .* resolves to a loopback address: .*"),
            Pattern.compile("Set SPARK_LOCAL_IP if you need to bind to another address"));
    private static final Pattern SIGNAL = Pattern.compile("RECEIVED SIGNAL (\\w+)");
    private static final Pattern APP_TOO_BIG = Pattern.compile(
            "App (\\S+) requires more resource than any of Workers could have\\.");
    private static final Pattern UNKNOWN_EXECUTOR = Pattern.compile(
            "Got status update for unknown executor \\S+");
    static final String UTILS = "org.apache.spark.util.Utils";
    static final String MASTER = "org.apache.spark.deploy.master.Master";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        String logger = event.getLoggerName();
        if (message == null || logger == null) {
            return FilterReply.NEUTRAL;
        }
        if (event.getLevel() == Level.WARN && logger.equals(UTILS)
                && LOOPBACK_HOST.stream().anyMatch(p -> p.matcher(message).matches())) {
            return FilterReply.DENY;
        }
        Matcher signal = SIGNAL.matcher(message);
        if (event.getLevel() == Level.ERROR && logger.startsWith("org.apache.spark.") && signal.matches()) {
            said(logger).info("stopping: SIG{} received (a normal stop)", signal.group(1));
            return FilterReply.DENY;
        }
        if (event.getLevel() == Level.WARN && logger.equals(MASTER) && UNKNOWN_EXECUTOR.matcher(message).matches()) {
            return FilterReply.DENY;
        }
        Matcher app = APP_TOO_BIG.matcher(message);
        if (event.getLevel() == Level.WARN && logger.equals(MASTER) && app.matches()) {
            said(logger).warn("application {} waits for an executor: no alive worker has free the cores, memory "
                    + "and GPUs one executor of it asks (no worker registered, its workers lost, all held by other "
                    + "applications, or each smaller than the ask); the command that runs it says which when it gives "
                    + "up", app.group(1));
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    /** Where a line is said again: tdmpc2j's logger of the same short name (Master, Worker, ...). */
    private static org.slf4j.Logger said(String sparkLogger) {
        return LoggerFactory.getLogger("io.github.tdmpc2j.spark." + sparkLogger.substring(sparkLogger.lastIndexOf('.')
                + 1));
    }
}
