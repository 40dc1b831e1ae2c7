package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The command's logging configuration (its logback.xml, which this test JVM runs with) leaves out Spark's per-task
 * warning of a job tdmpc2j cancelled (a Ctrl-C of {@code bench --master} printed one per run after its stop line),
 * and keeps every other warning of a lost task.
 */
class CancelledTaskFilterTest {
    @Test
    void sparksWarningOfATaskKilledByTheJobsCancellationIsLeftOutAndOtherLostTasksAreKept() {
        Logger logger = (Logger) LoggerFactory.getLogger(CancelledTaskFilter.LOGGER);
        LoggerContext context = logger.getLoggerContext();
        Appender<ILoggingEvent> spark = context.getLogger("org.apache.spark").getAppender("SPARK");
        assertThat(spark).as("the SPARK appender of cli's logback.xml").isNotNull();

        assertThat(decision(spark, logger, Level.WARN, "Lost task 1.0 in stage 1.0 (TID 2) (192.0.2.2 executor "
                + "driver): TaskKilled (Stage cancelled: [SPARK_JOB_CANCELLED] Job 1 cancelled as part of "
                + "cancellation of all jobs SQLSTATE: XXKDA)")).isEqualTo(FilterReply.DENY);
        // an executor lost, a unit that threw: what the user needs to see
        assertThat(decision(spark, logger, Level.WARN, "Lost task 0.0 in stage 1.0 (TID 1) (10.0.0.3 executor 1): "
                + "ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: Remote RPC "
                + "client disassociated")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decision(spark, logger, Level.WARN, "Lost task 0.0 in stage 0.0 (TID 0) (localhost executor "
                + "driver): java.lang.IllegalStateException: unit 3 failed")).isEqualTo(FilterReply.NEUTRAL);
        // the same words from another logger, or at another level, are not this warning
        assertThat(decision(spark, (Logger) LoggerFactory.getLogger("org.apache.spark.scheduler.DAGScheduler"),
                Level.WARN, "Lost task 1.0 in stage 1.0: TaskKilled (Stage cancelled: job 1)"))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(decision(spark, logger, Level.ERROR, "Lost task 1.0 in stage 1.0: TaskKilled (Stage cancelled: "
                + "job 1)")).isEqualTo(FilterReply.NEUTRAL);
    }

    private static FilterReply decision(Appender<ILoggingEvent> appender, Logger logger, Level level,
            String message) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, null, null);
        return appender.getFilterChainDecision(event);
    }
}
