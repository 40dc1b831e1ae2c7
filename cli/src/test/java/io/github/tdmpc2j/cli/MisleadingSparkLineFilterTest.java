package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The command's logging configuration (its logback.xml, which this test JVM runs with, as the daemons and executors
 * do) leaves out Spark's lines that mislead and says again, in true words, those that carry news.
 */
class MisleadingSparkLineFilterTest {
    private Appender<ILoggingEvent> spark;
    private final ListAppender<ILoggingEvent> said = new ListAppender<>();
    private Logger saidLogger;

    @BeforeEach
    void sparkAppender() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        spark = context.getLogger("org.apache.spark").getAppender("SPARK");
        assertThat(spark).as("the SPARK appender of cli's logback.xml").isNotNull();
        saidLogger = context.getLogger("io.github.tdmpc2j.spark");
        said.start();
        saidLogger.addAppender(said);
    }

    @AfterEach
    void detach() {
        saidLogger.detachAppender(said);
    }

    /**
     * Item: every --master command (local[2] too, where no other machine takes part) and every daemon printed two
     * WARN lines from Spark's Utils as its config loaded, with advice (SPARK_LOCAL_IP) that is not the project's.
     */
    @Test
    void theLoopbackHostNameWarningsAreLeftOut() {
        Logger utils = logger(MisleadingSparkLineFilter.UTILS);
        assertThat(decision(utils, Level.WARN, "Your hostname, vm, resolves to a loopback address: 127.0.0.1; using "
                + "192.0.2.2 instead (on interface eth0)")).isEqualTo(FilterReply.DENY);
        assertThat(decision(utils, Level.WARN, "Your hostname, vm, resolves to a loopback address: 127.0.1.1, but we "
                + "couldn't find any external IP address!")).isEqualTo(FilterReply.DENY);
        assertThat(decision(utils, Level.WARN, "Set SPARK_LOCAL_IP if you need to bind to another address"))
                .isEqualTo(FilterReply.DENY);
        assertThat(decision(utils, Level.WARN, "Service 'sparkDriver' could not bind on port 7078"))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(said.list).isEmpty();
    }

    /** Item: a daemon stopped the normal way (Ctrl-C, kill) logged "ERROR Master - RECEIVED SIGNAL TERM". */
    @Test
    void aStopSignalIsSaidAsInfoNotAsAnError() {
        assertThat(decision(logger("org.apache.spark.deploy.master.Master"), Level.ERROR, "RECEIVED SIGNAL TERM"))
                .isEqualTo(FilterReply.DENY);
        assertThat(decision(logger("org.apache.spark.executor.CoarseGrainedExecutorBackend"), Level.ERROR,
                "RECEIVED SIGNAL INT")).isEqualTo(FilterReply.DENY);
        assertThat(said.list).extracting(ILoggingEvent::getLevel).containsOnly(Level.INFO);
        assertThat(said.list).extracting(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).containsExactly(
                "io.github.tdmpc2j.spark.Master: stopping: SIGTERM received (a normal stop)",
                "io.github.tdmpc2j.spark.CoarseGrainedExecutorBackend: stopping: SIGINT received (a normal stop)");
        assertThat(decision(logger("org.apache.spark.deploy.master.Master"), Level.ERROR, "Leadership has been "
                + "revoked -- master shutting down.")).isEqualTo(FilterReply.NEUTRAL);
    }

    /**
     * Item: a worker lost (the only one) left the master saying an application asks more than any worker could
     * have, of one asking 1 core and 1 GB of a worker that offered 2 and 2 GB.
     */
    @Test
    void theMastersAppTooBigLineIsSaidWithTheCausesItHas() {
        assertThat(decision(logger(MisleadingSparkLineFilter.MASTER), Level.WARN,
                "App app-20261204101607-0001 requires more resource than any of Workers could have."))
                .isEqualTo(FilterReply.DENY);
        assertThat(said.list).hasSize(1);
        ILoggingEvent line = said.list.get(0);
        assertThat(line.getLevel()).isEqualTo(Level.WARN);
        assertThat(line.getFormattedMessage()).startsWith("application app-20261204101607-0001 waits for an "
                + "executor: no alive worker has free the cores, memory and GPUs one executor of it asks")
                .contains("no worker registered, its workers lost, all held by other applications, or each smaller "
                        + "than the ask").doesNotContain("requires more resource");
    }

    /** Every job's normal end left the master warning of one "unknown executor" per executor. */
    @Test
    void theMastersUnknownExecutorLineAtAJobsEndIsLeftOut() {
        Logger master = logger(MisleadingSparkLineFilter.MASTER);
        assertThat(decision(master, Level.WARN, "Got status update for unknown executor app-20261204101540-0000/0"))
                .isEqualTo(FilterReply.DENY);
        assertThat(decision(master, Level.WARN, "Removing worker worker-1 on 10.0.0.3:7078"))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(said.list).isEmpty();
    }

    private static Logger logger(String name) {
        return (Logger) LoggerFactory.getLogger(name);
    }

    private FilterReply decision(Logger logger, Level level, String message) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, null, null);
        return spark.getFilterChainDecision(event);
    }
}
