package io.github.tdmpc2j.bridge.py4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a worker's stdout and stderr, line by line, to the slf4j logger {@code tdmpc2j.python.DOMAIN} and keeps
 * the last lines for error messages.
 */
final class OutputLog {
    private static final int KEPT_LINES = 40;

    private static final Logger LOG = LoggerFactory.getLogger(OutputLog.class);

    private final String domain;
    private final BiConsumer<Boolean, String> sink;
    private final Deque<String> last = new ArrayDeque<>();

    OutputLog(String domain) {
        this(domain, toLogger(LoggerFactory.getLogger("tdmpc2j.python." + domain)));
    }

    /** As {@link #OutputLog(String)}, each line going to {@code sink} (is it stderr's, the line) instead of the log. */
    OutputLog(String domain, BiConsumer<Boolean, String> sink) {
        this.domain = domain;
        this.sink = sink;
    }

    private static BiConsumer<Boolean, String> toLogger(Logger log) {
        return (isStderr, line) -> {
            if (isStderr) {
                log.warn("{}", line);
            } else {
                log.info("{}", line);
            }
        };
    }

    void follow(InputStream stream, boolean isStderr, String threadName) {
        Thread t = new Thread(() -> pump(stream, isStderr), threadName);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Reads the stream to its end. A line the log fails on (an appender that throws, a full disk under a file
     * appender) is reported once and the reading goes on: a reader that stopped closed the pipe on its way out, and
     * the worker's next print failed (BrokenPipeError), in the middle of whatever it was doing.
     */
    private void pump(InputStream stream, boolean isStderr) {
        boolean reported = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                try {
                    remember(line);
                    sink.accept(isStderr, line);
                } catch (RuntimeException | LinkageError | StackOverflowError e) {
                    if (!reported) {
                        reported = true;
                        report(isStderr, e);
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("python worker {}: its output closed: {}", domain, e.toString());
        }
    }

    private void report(boolean isStderr, Throwable e) {
        try {
            LOG.error("python worker {}: logging its {} failed ({}); its further lines that fail are dropped, and "
                    + "its output is still read", domain, isStderr ? "stderr" : "stdout", e.toString(), e);
        } catch (RuntimeException logFailedToo) {
            System.err.println("tdmpc2j: logging the output of the python worker " + domain + " failed: " + e);
        }
    }

    private synchronized void remember(String line) {
        if (last.size() == KEPT_LINES) {
            last.removeFirst();
        }
        last.addLast(line);
    }

    /** The last output lines, oldest first. */
    synchronized List<String> lastLines() {
        return List.copyOf(last);
    }

    /** The last lines as an indented block for an exception message, or a note that there were none. */
    String tail() {
        List<String> lines = lastLines();
        if (lines.isEmpty()) {
            return "\n  (the worker printed nothing)";
        }
        return "\n  last output of the worker:\n    " + String.join("\n    ", lines);
    }
}
