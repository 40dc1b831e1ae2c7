package io.github.tdmpc2j.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Leaves out Spark's warning that a task was killed because its job was cancelled ("Lost task 1.0 in stage 1.0
 * ...: TaskKilled (Stage cancelled: ...)"), one per unit that ran. tdmpc2j cancels a job only for a reason it
 * says itself, once: the command's first Ctrl-C (its stop line) or units that no executor could take (its error),
 * so these lines only repeated it, as warnings. Any other lost task (an executor gone, a unit that threw) is kept.
 */
public final class CancelledTaskFilter extends Filter<ILoggingEvent> {
    static final String LOGGER = "org.apache.spark.scheduler.TaskSetManager";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (event.getLevel() == Level.WARN && LOGGER.equals(event.getLoggerName())) {
            String message = event.getFormattedMessage();
            if (message != null && message.startsWith("Lost task ") && message.contains("TaskKilled (Stage cancelled")) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }
}
