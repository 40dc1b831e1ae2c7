package io.github.tdmpc2j.bridge.py4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a worker's stdout and stderr, line by line, to the slf4j logger {@code tdmpc2j.python.DOMAIN} and keeps
 * the last lines for error messages.
 */
final class OutputLog {
    private static final int KEPT_LINES = 40;

    private final Logger log;
    private final Deque<String> last = new ArrayDeque<>();

    OutputLog(String domain) {
        this.log = LoggerFactory.getLogger("tdmpc2j.python." + domain);
    }

    void follow(InputStream stream, boolean isStderr, String threadName) {
        Thread t = new Thread(() -> pump(stream, isStderr), threadName);
        t.setDaemon(true);
        t.start();
    }

    private void pump(InputStream stream, boolean isStderr) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                remember(line);
                if (isStderr) {
                    log.warn("{}", line);
                } else {
                    log.info("{}", line);
                }
            }
        } catch (IOException e) {
            log.debug("worker output closed: {}", e.toString());
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
